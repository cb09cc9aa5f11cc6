"""Bad environments from the user's side: every command answers with one line and a non-zero exit, no traceback.

Real workspaces on disk, driven through click's CliRunner; the broken thing is made by hand as a user would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import no_hang
from review_helpers import DOC, SLUG

from studyprep.cli import cli

NOW = "2026-01-02T09:00:00Z"
EVERY_COMMAND = [
    ["decks"],
    ["show", SLUG],
    ["review"],
    ["due"],
    ["plan", SLUG],
    ["readiness"],
    ["brief", SLUG],
    ["stats"],
    ["check"],
]


def run(home: Path, *args: str, now: str = NOW, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args], input="q\n", env={"STUDYPREP_NOW": now, **(env or {})})


def workspace(tmp_path: Path) -> Path:
    document = tmp_path / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    home = tmp_path / "home"
    result = run(home, "import", str(document))
    assert result.exit_code == 0, result.output
    return home


def assert_one_line_error(result: Result, *expected: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines
    for text in expected:
        assert text in lines[0]


@pytest.mark.parametrize("command", [["import", "prep.md"], *EVERY_COMMAND])
def test_home_that_is_a_regular_file(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "prep.md").write_text(DOC, encoding="utf-8")
    command = [str(tmp_path / part) if part == "prep.md" else part for part in command]
    home = tmp_path / "notes.txt"
    home.write_text("my notes\n", encoding="utf-8")
    for result in (run(home, *command), CliRunner().invoke(cli, command, env={"STUDYPREP_HOME": str(home)})):
        assert_one_line_error(result, str(home), "not a folder")
    assert home.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("command", [["decks"], ["review"], ["due"], ["readiness"], ["show", SLUG], ["check"]])
def test_deck_file_replaced_by_a_directory(tmp_path: Path, command: list[str]) -> None:
    home = workspace(tmp_path)
    assert run(home, "due").exit_code == 0  # the review database has mirrored the deck
    deck = home / "decks" / f"{SLUG}.yaml"
    deck.unlink()
    deck.mkdir()
    result = run(home, *command)
    if command == ["check"]:
        assert result.exit_code == 1
        assert "is a directory" in result.stdout
        return
    assert_blocks_only_its_deck(result, command, str(deck), "is a directory")


def assert_blocks_only_its_deck(result: Result, command: list[str], *expected: str) -> None:
    """A deck file that cannot be read blocks only its own deck: named, the command refuses in one line; else
    `due` and `decks` list it with its error, `review` leaves it out and says so, all exiting 0."""
    if command[0] == "show":
        assert_one_line_error(result, *expected)
        return
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if command[0] in ("decks", "due"):
        line = next(line for line in result.stdout.splitlines() if "cannot read the deck file" in line)
        assert all(text in line for text in expected), line
    elif command[0] == "review":
        assert "left out" in result.stdout and "its deck file cannot be read" in result.stdout


@pytest.mark.parametrize(("lock", "command"), [("decks/.lock", "import"), ("schedules/.review.lock", "review")])
def test_lock_file_that_cannot_be_opened(tmp_path: Path, lock: str, command: str) -> None:
    home = workspace(tmp_path)
    assert run(home, "due").exit_code == 0
    (home / lock).unlink(missing_ok=True)
    (home / lock).mkdir()
    deck_before = (home / "decks" / f"{SLUG}.yaml").read_bytes()
    args = [command, str(tmp_path / "prep.md")] if command == "import" else [command]
    result = run(home, *args)
    assert_one_line_error(result, str(home / lock), "cannot take the lock")
    assert (home / "decks" / f"{SLUG}.yaml").read_bytes() == deck_before


@pytest.mark.parametrize("now", ["9999-12-31T23:59", "0001-01-01", "1900-01-01"])
@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_clock_override_out_of_range(tmp_path: Path, now: str, command: list[str]) -> None:
    home = workspace(tmp_path)
    assert_one_line_error(run(home, *command, now=now), "STUDYPREP_NOW", now)


@pytest.mark.parametrize("now", ["tomorrow", "2026-13-01", "  "])
@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_invalid_clock_override_is_refused_by_every_command(tmp_path: Path, now: str, command: list[str]) -> None:
    home = workspace(tmp_path)
    assert_one_line_error(run(home, *command, now=now), "STUDYPREP_NOW")


def test_interview_too_far_ahead_is_refused(tmp_path: Path) -> None:
    home = workspace(tmp_path)
    plan = home / "schedules" / f"{SLUG}.yaml"
    assert run(home, "plan", SLUG).exit_code == 0
    before = plan.read_bytes()
    assert_one_line_error(run(home, "plan", SLUG, "--interview", "2999-01-01"), "--interview", "years")
    assert plan.read_bytes() == before


@pytest.mark.parametrize("command", [["decks"], ["due"], ["review"], ["readiness"], ["readiness", SLUG]])
def test_a_hand_edited_interview_centuries_ahead_is_refused_naming_the_plan(tmp_path: Path, command: list[str]) -> None:
    home = workspace(tmp_path)
    assert run(home, "plan", SLUG, "--interview", "2026-02-01").exit_code == 0
    plan = home / "schedules" / f"{SLUG}.yaml"
    edited = plan.read_text(encoding="utf-8").replace("interview_at: '2026-02-01", "interview_at: '2999-02-01")
    assert "2999-02-01" in edited
    plan.write_text(edited, encoding="utf-8")
    with no_hang(20):  # planning every day until 2999 took minutes
        result = run(home, *command)
    assert_one_line_error(result, f"{SLUG}.yaml", "interview_at 2999-02-01", "years ahead")
    assert plan.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize(
    "command", [["decks"], ["due"], ["stats"], ["readiness"], ["review"], ["decks", "--json"], ["due", "--json"]]
)
def test_reporting_commands_leave_a_mistyped_workspace_uncreated(tmp_path: Path, command: list[str]) -> None:
    home = tmp_path / "typo" / "home"
    result = run(home, *command)
    # A reporting command says the folder is not there; review finds nothing to do.
    assert result.exit_code == (0 if command == ["review"] else 1), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("folder", ["decks", "schedules"])
@pytest.mark.parametrize("command", [["import", "prep.md"], *EVERY_COMMAND, ["export", SLUG, "-o", "out.apkg"]])
def test_a_workspace_folder_replaced_by_a_file_is_named(tmp_path: Path, folder: str, command: list[str]) -> None:
    home = workspace(tmp_path)
    if (home / folder).exists():  # the import alone writes no plan
        (home / folder).rename(tmp_path / f"{folder}-moved")
    (home / folder).write_text("not a folder\n", encoding="utf-8")
    command = [str(tmp_path / part) if part in ("prep.md", "out.apkg") else part for part in command]
    assert_one_line_error(run(home, *command), str(home / folder), "not a folder")
    assert (home / folder).read_text(encoding="utf-8") == "not a folder\n"
    assert not (tmp_path / "out.apkg").exists()


def test_a_document_whose_file_name_is_not_utf8_imports_and_reimports(tmp_path: Path) -> None:
    import json
    import os

    document = tmp_path / os.fsdecode(b"caf\xe9 prep.md")  # a Latin-1 name: lone surrogates in Python
    document.write_text(DOC.replace("# Interview Prep: Acme – SRE\n", ""), encoding="utf-8")  # title from the name
    home = tmp_path / "home"
    first = run(home, "import", str(document), "--json")
    assert first.exit_code == 0, (first.output, first.exception)
    slug = json.loads(first.stdout)["deck"]
    assert slug == "caf-prep"
    deck = (home / "decks" / f"{slug}.yaml").read_text(encoding="utf-8")
    assert "source: caf\ufffd prep.md" in deck
    shown = run(home, "decks", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)[0]["title"] == "caf\ufffd prep"
    again = run(home, "import", str(document), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["written"] is False


@pytest.mark.parametrize("kind", ["dangling link", "looping link", "pipe"])
@pytest.mark.parametrize("folder", ["decks", "schedules"])
@pytest.mark.parametrize("command", [["decks"], ["due"], ["review"], ["readiness"], ["stats"], ["check"]])
def test_a_deck_or_plan_that_is_not_a_regular_file_is_named(
    tmp_path: Path, kind: str, folder: str, command: list[str]
) -> None:
    import os

    home = workspace(tmp_path)
    assert run(home, "plan", SLUG).exit_code == 0  # writes the plan
    odd = home / folder / "odd.yaml"
    if kind == "dangling link":
        odd.symlink_to(tmp_path / "gone.yaml")
    elif kind == "looping link":
        odd.symlink_to(odd)
    else:
        os.mkfifo(odd)  # reading it would wait for a writer forever
    with no_hang(20, waiting=True):
        result = run(home, *command)
    if command == ["check"]:
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert str(odd) in result.stdout
        return
    if folder == "schedules" or command == ["stats"]:  # plans are read by slug; stats reads no deck file
        assert result.exit_code == 0, (result.output, result.exception)
        return
    assert_blocks_only_its_deck(result, command, str(odd))
    if command != ["readiness"]:  # the deck beside the odd file is listed or reviewed as usual
        assert SLUG in result.stdout


@pytest.mark.parametrize("kind", ["dangling link", "pipe"])
def test_a_document_that_is_not_a_regular_file_is_refused_in_one_line(tmp_path: Path, kind: str) -> None:
    import os

    home = tmp_path / "ws"
    odd = tmp_path / "prep.md"
    if kind == "dangling link":
        odd.symlink_to(tmp_path / "gone.md")
    else:
        os.mkfifo(odd)  # reading it would wait for a writer forever
    with no_hang(20, waiting=True):
        result = run(home, "import", str(odd))
    assert_one_line_error(result, str(odd), "link to nothing" if kind == "dangling link" else "not a regular file")
    assert not (home / "decks").exists() or not any((home / "decks").glob("*.yaml"))
