"""A link planted in a workspace (a synced or cloned folder) never makes studyprep change a file outside it.

At every path the tool writes - the two lock files, the deck backups' folders, deck and plan files, the review
database and its companion files, the deck and plan folders themselves, an export's target - a link to a file
or folder outside is refused with one line naming it, and the outside stays byte for byte as it was (a link to
nothing stays a link to nothing). Temp files have random names made with O_EXCL, so no link can wait there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FIXED_NOW
from review_helpers import DOC, SLUG, make_workspace

from studyprep.cli import cli
from studyprep.commands.importing import import_document
from studyprep.store.deckstore import backup_dir, deck_backups
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"


def run(workspace: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input="q\n", env={"STUDYPREP_NOW": NOW})


def reviewed_workspace(tmp_path: Path) -> tuple[Workspace, Path]:
    """A workspace with a deck, a plan, a review database and one earlier deck version in the backups; and a
    changed document whose import would write the deck and a backup again."""
    workspace = make_workspace(tmp_path)
    document = tmp_path / "prep.md"
    document.write_text(DOC + "- Why is the sky blue?\n", encoding="utf-8")
    import_document(workspace, document, FIXED_NOW)
    document.write_text(DOC + "- Why is the sea salty?\n", encoding="utf-8")
    assert run(workspace, "due").exit_code == 0  # the review database exists
    return workspace, document


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path below `folder` with its bytes (None for a folder)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def plant(at: Path, outside: Path) -> None:
    """Move what is at `at` (if anything) to `outside` and leave a link to it in its place."""
    outside.parent.mkdir(parents=True, exist_ok=True)
    if at.is_dir():
        shutil.move(at, outside)
    elif at.exists():
        at.replace(outside)
    else:
        outside.write_text("precious: not studyprep's\n", encoding="utf-8")
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(outside, target_is_directory=outside.is_dir())


def assert_refused(result: Result, link: Path) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: ") or any(str(link) in line for line in lines), result.output
    assert any(f"{link}: is a link" in line for line in lines), result.output


# (path in the workspace, the command that writes it)
WRITTEN = [
    ("decks/.lock", ["import", "{document}"]),
    ("decks/.lock", ["check"]),
    ("decks/.lock", ["plan", SLUG, "--interview", "2026-03-16"]),
    ("schedules/.review.lock", ["review"]),
    (f"decks/.backups/{SLUG}", ["import", "{document}"]),
    ("decks/.backups", ["import", "{document}"]),
    (f"decks/{SLUG}.yaml", ["import", "{document}"]),
    (f"schedules/{SLUG}.yaml", ["plan", SLUG, "--interview", "2026-03-16"]),
    ("schedules/reviews.db", ["due"]),
    ("schedules/reviews.db", ["review"]),
    ("schedules/reviews.db-wal", ["due"]),
    ("schedules/reviews.db-shm", ["review"]),
    ("schedules/reviews.db-journal", ["due"]),
    ("decks", ["import", "{document}"]),
    ("schedules", ["plan", SLUG, "--interview", "2026-03-16"]),
]


@pytest.mark.parametrize(("where", "command"), WRITTEN, ids=[f"{w} by {c[0]}" for w, c in WRITTEN])
def test_a_link_where_studyprep_writes_is_refused_and_its_target_untouched(
    tmp_path: Path, where: str, command: list[str]
) -> None:
    workspace, document = reviewed_workspace(tmp_path)
    if where.startswith("decks/.backups"):
        assert deck_backups(workspace, SLUG)  # the re-import would write one more and prune
    outside = tmp_path / "outside" / Path(where).name.lstrip(".")
    link = workspace.root / where
    plant(link, outside)
    if outside.is_dir():  # a folder of someone else's files, as many as the backups keep and more
        for number in range(8):
            (outside / f"keep-{number}.yaml").write_text(f"file {number}\n", encoding="utf-8")
    before = snapshot(tmp_path / "outside")
    result = run(workspace, *[part.format(document=document) for part in command])
    assert_refused(result, link)
    assert snapshot(tmp_path / "outside") == before
    assert link.is_symlink()


@pytest.mark.parametrize("command", [["due"], ["review"], ["import", "{document}"], ["check"]])
def test_a_database_link_to_nothing_is_refused_and_nothing_appears_at_its_target(
    tmp_path: Path, command: list[str]
) -> None:
    workspace, document = reviewed_workspace(tmp_path)
    database = workspace.schedules_dir / "reviews.db"
    database.unlink()
    target = tmp_path / "elsewhere" / "reviews.db"
    database.symlink_to(target)
    result = run(workspace, *[part.format(document=document) for part in command])
    if command == ["import", "{document}"]:
        assert result.exit_code == 0  # import writes no history
    elif command == ["check"]:
        assert result.exit_code == 1 and f"{database}: is a link" in result.output
    else:
        assert_refused(result, database)
    assert not target.exists() and not target.parent.exists()


def test_an_export_over_a_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    workspace, _ = reviewed_workspace(tmp_path)
    precious = tmp_path / "outside" / "notes.txt"
    precious.parent.mkdir()
    precious.write_text("precious\n", encoding="utf-8")
    package = tmp_path / "prep.apkg"
    package.symlink_to(precious)
    result = run(workspace, "export", SLUG, "-o", str(package))
    assert_refused(result, package)
    assert precious.read_text(encoding="utf-8") == "precious\n" and package.is_symlink()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_backup_link_to_nothing_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    workspace, document = reviewed_workspace(tmp_path)
    folder = backup_dir(workspace, SLUG)
    shutil.rmtree(folder)
    target = tmp_path / "elsewhere" / "backups"
    folder.symlink_to(target, target_is_directory=True)
    deck_before = workspace.deck_path(SLUG).read_bytes()
    assert_refused(run(workspace, "import", str(document)), folder)
    assert not target.exists() and workspace.deck_path(SLUG).read_bytes() == deck_before
