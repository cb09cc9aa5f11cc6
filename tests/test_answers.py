"""`studyprep answers`: the sheet of many cards, written in a real editor (a scripted `$EDITOR` in a pty) or
exported and imported; broken edits lose no text; a kill leaves the old deck file or the new one."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner
from helpers import FIXED_NOW, REPO
from review_helpers import PROMPTS, SLUG, make_workspace
from test_faults import KILL_BEFORE_RENAME
from test_review_session_pty import front, spawn

from studyprep.cli import cli
from studyprep.commands.answers_cmd import AnswerFilter, edit_answers
from studyprep.store.cardedit import set_card_fields
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"

# A real editor, scripted: it finds the heading holding TARGET and writes ANSWER under its read-only quote;
# BREAK (a card's prompt) deletes that card's marker; KILL kills the studyprep process that started it.
EDITOR = """
import os, re, signal, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path + ".seen", "w", encoding="utf-8").write(text)
lines = text.split("\\n")
for index, line in enumerate(lines):
    if line.startswith("## ") and os.environ["TARGET"] in line:
        end = index + 1
        while end < len(lines) and lines[end].startswith(">"):
            end += 1
        lines.insert(end, "\\n" + os.environ["ANSWER"])
        break
if os.environ.get("BREAK"):
    lines = [re.sub(r" \\{#[0-9a-z]+\\}$", "", line) if os.environ["BREAK"] in line else line for line in lines]
open(path, "w", encoding="utf-8").write("\\n".join(lines))
if os.environ.get("KILL"):
    os.kill(os.getppid(), signal.SIGKILL)
"""


def editor(tmp_path: Path) -> str:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def run_in_pty(workspace: Workspace, tmp_path: Path, *args: str, **env: str) -> pexpect.spawn:
    full = {**os.environ, "STUDYPREP_NOW": NOW, "TZ": "UTC", "EDITOR": editor(tmp_path), **env}
    full.pop("VISUAL", None)
    return pexpect.spawn(
        sys.executable, ["-m", "studyprep", "--home", str(workspace.root), "answers", *args],
        cwd=str(REPO), env=full, encoding="utf-8", timeout=20, dimensions=(40, 200),
    )  # fmt: skip


def notes_of(workspace: Workspace) -> dict[str, str]:
    return {card.prompt: card.notes for card in load_deck(workspace, SLUG).cards}


def card_blocks(text: str) -> dict[str, str]:
    """The deck file's text per card (from its `- id:` line to the next)."""
    blocks = text.split("\n- id: ")[1:]
    return {block.split("\n", 1)[0]: block for block in blocks}


def test_the_editor_round_trip_saves_the_answer_written_and_leaves_every_other_card_byte_identical(
    tmp_path: Path,
) -> None:
    workspace = make_workspace(tmp_path)
    deck_file = workspace.deck_path(SLUG)
    before = deck_file.read_text(encoding="utf-8")
    child = run_in_pty(
        workspace, tmp_path, SLUG, TARGET="TCP slow start", ANSWER="Doubles cwnd each RTT.\n\n- ssthresh"
    )
    child.expect_exact("saved 1 answer to")
    child.expect_exact("unchanged")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    notes = notes_of(workspace)
    assert notes[PROMPTS[1]] == "Doubles cwnd each RTT.\n\n- ssthresh"
    old, new = card_blocks(before), card_blocks(deck_file.read_text(encoding="utf-8"))
    assert old.keys() == new.keys()
    assert [card for card in old if old[card] != new[card]] == [card.id for card in load_deck(workspace, SLUG).cards
                                                               if card.prompt == PROMPTS[1]]  # fmt: skip
    assert not list((workspace.root / "answers").glob("*.md"))  # saved whole: the working copy is gone
    seen = next((workspace.root / "answers").glob("*.seen")).read_text(encoding="utf-8")
    assert "## How does TCP slow start work? {#" in seen
    assert "> question · Networking · read-only" in seen


def test_a_broken_edit_saves_what_matches_and_keeps_the_whole_file_at_the_path_the_error_names(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = run_in_pty(workspace, tmp_path, SLUG, "--kind", "question", TARGET="TCP slow start",
                       ANSWER="Exponential growth.", BREAK="BGP route flapping")  # fmt: skip
    child.expect_exact("saved 1 answer")
    child.expect(r"(\S+\.md):(\d+): this card heading lost its \{#id\} marker")
    kept, line = Path(child.match.group(1)), int(child.match.group(2))
    child.expect_exact(f"the whole edited file is kept at {kept}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "Traceback" not in (child.before or "")
    text = kept.read_text(encoding="utf-8")
    assert text.splitlines()[line - 1] == f"## {PROMPTS[2]}"
    assert notes_of(workspace)[PROMPTS[1]] == "Exponential growth."
    # The fixed file goes back in with --import, and the card whose marker was lost is then saved too.
    card_id = next(card.id for card in load_deck(workspace, SLUG).cards if card.prompt == PROMPTS[2])
    quote = "> question · Networking · read-only"
    fixed = text.replace(
        f"## {PROMPTS[2]}\n{quote}", f"## {PROMPTS[2]} {{#{card_id[:6]}}}\n{quote}\n\nFlaps withdraw routes."
    )
    kept.write_text(fixed, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), "answers", SLUG, "--import", str(kept)])
    assert result.exit_code == 0, result.output
    assert notes_of(workspace)[PROMPTS[2]] == "Flaps withdraw routes."


def test_export_then_import_brings_back_answers_written_elsewhere(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    sheet = tmp_path / "sheet.md"
    runner = CliRunner()
    home = ["--home", str(workspace.root)]
    exported = runner.invoke(cli, [*home, "answers", SLUG, "--export", str(sheet), "--category", "linux"])
    assert exported.exit_code == 0, exported.output
    text = sheet.read_text(encoding="utf-8")
    assert PROMPTS[3] in text and PROMPTS[4] in text and PROMPTS[1] not in text
    again = runner.invoke(cli, [*home, "answers", SLUG, "--export", str(sheet)])
    assert again.exit_code == 1 and "may hold answers" in again.output  # never written over
    edited = text.replace("read-only\n", "read-only\n\nss -ltnp | grep :80\n", 1)
    sheet.write_text(edited.replace("\n", "\r\n"), encoding="utf-8")  # written on another system
    imported = runner.invoke(cli, [*home, "answers", SLUG, "--import", str(sheet), "--json"])
    assert imported.exit_code == 0, imported.output
    assert '"unchanged": 1' in imported.output
    assert notes_of(workspace)[PROMPTS[3]] == "ss -ltnp | grep :80"
    missing = runner.invoke(cli, [*home, "answers", SLUG, "--export", str(tmp_path / "m.md"), "--missing"])
    assert missing.exit_code == 0
    assert PROMPTS[3] not in (tmp_path / "m.md").read_text(encoding="utf-8")


def test_unknown_repeated_and_merged_markers_are_reported_by_line_and_nothing_else_is_lost(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    sheet = tmp_path / "sheet.md"
    runner = CliRunner()
    home = ["--home", str(workspace.root)]
    runner.invoke(cli, [*home, "answers", SLUG, "--export", str(sheet), "--kind", "question"])
    lines = sheet.read_text(encoding="utf-8").splitlines()
    headings = [number for number, line in enumerate(lines) if line.startswith("## ")]
    duplicate = lines[headings[4]]
    lines[headings[0]] = lines[headings[0]][:-8] + "{#ffffff}"  # a marker changed to one no card has
    lines[headings[1]] += " " + lines[headings[2]]  # two headings merged onto one line
    lines[headings[3] + 1] += "\n\nkept answer"
    lines += ["", duplicate, "", "a second copy"]  # the same card twice
    sheet.write_text("\n".join(lines), encoding="utf-8")
    final = sheet.read_text(encoding="utf-8").splitlines()
    before = workspace.deck_path(SLUG).read_bytes()
    result = runner.invoke(cli, [*home, "answers", SLUG, "--import", str(sheet)])
    assert result.exit_code == 1
    changed_at = next(n for n, line in enumerate(final, 1) if line.endswith("{#ffffff}"))
    merged_at = next(n for n, line in enumerate(final, 1) if line.count("{#") == 2)
    copies = [n for n, line in enumerate(final, 1) if line == duplicate]
    assert f"{sheet}:{changed_at}: no card of this deck has the marker {{#ffffff}}" in result.output
    assert f"{sheet}:{merged_at}: 2 card markers on one heading" in result.output
    for line in copies:
        assert f"{sheet}:{line}: card " in result.output
    assert "appears 2 times" in result.output
    assert f"is left as it is at {sheet}" in result.output
    assert "Traceback" not in result.output
    assert notes_of(workspace)[PROMPTS[3]] == "kept answer"
    assert workspace.deck_path(SLUG).read_bytes() != before


def test_an_answer_changed_elsewhere_while_the_sheet_was_open_is_not_overwritten(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    deck = load_deck(workspace, SLUG)
    target = next(card for card in deck.cards if card.prompt == PROMPTS[1])

    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Networking · read-only\n", "Networking · read-only\n\nfrom the sheet\n"), "utf-8")
        set_card_fields(workspace, SLUG, [target.id], notes="from the review")  # `e` in a review meanwhile

    result = edit_answers(workspace, SLUG, AnswerFilter(kind="question"), FIXED_NOW, edit)
    assert [problem.message for problem in result.problems] == ["this card's notes were changed elsewhere meanwhile"]
    assert len(result.saved) == 2  # the other Networking questions
    assert result.kept and result.sheet is not None and "from the sheet" in result.sheet.read_text(encoding="utf-8")
    assert notes_of(workspace)[PROMPTS[1]] == "from the review"


def test_a_kill_before_the_rename_leaves_the_old_deck_file_and_after_it_the_new_one(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    deck_file = workspace.deck_path(SLUG)
    sheet = tmp_path / "sheet.md"
    home = ["--home", str(workspace.root)]
    CliRunner().invoke(cli, [*home, "answers", SLUG, "--export", str(sheet)])
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("read-only\n", "read-only\n\nnew answer\n"), "utf-8")
    before = deck_file.read_bytes()
    env = {**os.environ, "STUDYPREP_NOW": NOW}
    args = [*home, "answers", SLUG, "--import", str(sheet)]
    killed = subprocess.run([sys.executable, "-c", KILL_BEFORE_RENAME, "x", deck_file.name, *args], env=env,
                            capture_output=True, check=False)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert deck_file.read_bytes() == before
    done = subprocess.run([sys.executable, "-m", "studyprep", *args], env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert notes_of(workspace)[PROMPTS[0]] == "new answer"
    assert deck_file.read_bytes() != before


def test_a_kill_while_the_editor_is_open_leaves_the_deck_and_keeps_the_typing(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    before = workspace.deck_path(SLUG).read_bytes()
    child = run_in_pty(workspace, tmp_path, SLUG, TARGET="OOM killer", ANSWER="picks by oom_score", KILL="1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert workspace.deck_path(SLUG).read_bytes() == before
    (kept,) = (workspace.root / "answers").glob("*.md")
    assert "picks by oom_score" in kept.read_text(encoding="utf-8")


def test_no_editor_leaves_everything_and_says_so(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    env = {"EDITOR": str(tmp_path / "no-such-editor"), "VISUAL": ""}
    result = CliRunner(env=env).invoke(cli, ["--home", str(workspace.root), "answers", SLUG])
    assert result.exit_code == 1
    assert "cannot start editor" in result.output and "nothing saved" in result.output
    assert not list((workspace.root / "answers").glob("*.md"))


def test_e_in_review_opens_the_card_with_its_prompt_and_hints_and_saves_the_notes_under_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(tmp_path)
    monkeypatch.setenv("TARGET", "type a URL")
    monkeypatch.setenv("ANSWER", "resolver, TCP, TLS, HTTP")
    child = spawn(workspace, editor=editor(tmp_path))
    front(child, PROMPTS[0])
    child.send("e")
    child.expect_exact("notes saved")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert notes_of(workspace)[PROMPTS[0]] == "resolver, TCP, TLS, HTTP"
    (seen,) = (workspace.root / "answers").glob("*.seen")
    assert seen.read_text(encoding="utf-8").startswith(f"## {PROMPTS[0]} {{#")
    assert "> question · Networking · read-only" in seen.read_text(encoding="utf-8")
    assert not list((workspace.root / "answers").glob("*.md"))


def test_a_deck_file_broken_by_hand_is_never_written_over(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    sheet = tmp_path / "sheet.md"
    home = ["--home", str(workspace.root)]
    CliRunner().invoke(cli, [*home, "answers", SLUG, "--export", str(sheet)])
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("read-only\n", "read-only\n\nan answer\n"), "utf-8")
    deck_file = workspace.deck_path(SLUG)
    broken = deck_file.read_text(encoding="utf-8").replace("  notes: ''", "  notes: [unclosed", 1)
    deck_file.write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(cli, [*home, "answers", SLUG, "--import", str(sheet)])
    assert result.exit_code == 1 and f"{deck_file}:" in result.output and "Traceback" not in result.output
    assert deck_file.read_text(encoding="utf-8") == broken
