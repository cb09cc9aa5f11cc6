"""Injected write failures: no space left, permission denied, a kill between writing and renaming.

Every deck and plan write must leave the old file exactly as it was, say clearly what happened, and leave
nothing half-written behind (a temp file from a kill is cleaned up by `studyprep check`).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXED_NOW
from review_helpers import DOC, SLUG, make_workspace

from studyprep.cli import cli
from studyprep.commands.check import check_workspace
from studyprep.commands.importing import import_document
from studyprep.store.deckstore import BACKUPS_KEPT, deck_backups
from studyprep.store.plan import load_plan, plan_path, save_plan
from studyprep.store.workspace import Workspace

KILL_BEFORE_RENAME = """
import os, signal, sys
from pathlib import Path
original = Path.replace
victim = sys.argv[2]
def replace_then_die(self, target):
    if str(target).endswith("/" + victim):
        os.kill(os.getpid(), signal.SIGKILL)  # the temp file is written and fsynced; the rename never happens
    return original(self, target)
Path.replace = replace_then_die
sys.argv = ["studyprep", *sys.argv[3:]]
from studyprep.cli import main
main()
"""


def changed_document(tmp_path: Path) -> Path:
    document = tmp_path / "prep.md"
    document.write_text(DOC + "- Why is the sky blue?\n", encoding="utf-8")
    return document


def snapshot(workspace: Workspace) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in (workspace.deck_path(SLUG), plan_path(workspace, SLUG))}


def fail_with(number: int):
    def failing(*_args: object, **_kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    return failing


@pytest.mark.parametrize(
    ("target", "number"),
    [
        ("os.fsync", errno.ENOSPC),
        ("studyprep.store.atomic.create_temp_beside", errno.EACCES),
        ("pathlib.Path.replace", errno.EACCES),
        ("os.fdopen", errno.EROFS),
    ],
)
def test_a_failed_import_write_leaves_the_deck_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, number: int
) -> None:
    workspace = make_workspace(tmp_path)
    before = snapshot(workspace)
    document = changed_document(tmp_path)
    monkeypatch.setattr(target, fail_with(number))
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), "import", str(document)])
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert os.strerror(number) in result.output and "the old file is unchanged" in result.output
    assert snapshot(workspace) == before
    assert not list(workspace.decks_dir.rglob("*.tmp"))
    # Once the fault is gone the same import works.
    assert import_document(workspace, document, FIXED_NOW).written


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EACCES])
def test_a_failed_plan_write_leaves_the_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    workspace = make_workspace(tmp_path)
    path = plan_path(workspace, SLUG)
    before = path.read_bytes()
    plan = load_plan(workspace, SLUG)
    monkeypatch.setattr(os, "fsync", fail_with(number))
    with pytest.raises(Exception, match=os.strerror(number)) as caught:
        save_plan(workspace, plan.model_copy(update={"new_cards_per_day": 5}))
    monkeypatch.undo()
    assert type(caught.value).__name__ == "StudyprepError"
    assert path.read_bytes() == before
    assert not list(workspace.schedules_dir.glob("*.tmp"))


def test_a_kill_between_writing_and_renaming_leaves_the_old_deck(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    before = snapshot(workspace)
    document = changed_document(tmp_path)
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": "2026-01-01T09:00:00Z"}
    process = subprocess.run(
        [sys.executable, "-c", KILL_BEFORE_RENAME, "x", f"{SLUG}.yaml", "import", str(document)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert process.returncode == -9
    assert snapshot(workspace) == before  # the deck is the old one, whole
    leftovers = list(workspace.decks_dir.glob(".*.tmp"))
    assert len(leftovers) == 1  # the complete new version, never renamed into place
    old = 10**9
    os.utime(leftovers[0], (old, old))  # as found later by `check` (temp files younger than a minute are left)
    result = check_workspace(workspace)
    assert result.ok and result.removed_temp_files == [str(leftovers[0])]
    # The backup of the old version was written before the kill; the next import proceeds normally.
    assert len(deck_backups(workspace, SLUG)) == 1
    assert import_document(workspace, document, FIXED_NOW).written


def test_failed_imports_never_push_earlier_backups_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path)
    document = changed_document(tmp_path)
    for number in range(BACKUPS_KEPT):
        document.write_text(DOC + f"- Why question {number}?\n", encoding="utf-8")
        assert import_document(workspace, document, FIXED_NOW).written
    earlier = {path: path.read_bytes() for path in deck_backups(workspace, SLUG)}
    assert len(earlier) == BACKUPS_KEPT
    deck = workspace.deck_path(SLUG)
    before = deck.read_bytes()
    original = Path.replace

    def deck_write_fails(self: Path, target: Path) -> Path:
        if Path(target) == deck:  # the backup is written; the deck itself is not
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(self, target)

    monkeypatch.setattr(Path, "replace", deck_write_fails)
    document.write_text(DOC + "- Why is the sea salty?\n", encoding="utf-8")
    for _ in range(5):
        result = CliRunner().invoke(cli, ["--home", str(workspace.root), "import", str(document)])
        assert result.exit_code == 1 and os.strerror(errno.ENOSPC) in result.output
    monkeypatch.undo()
    assert deck.read_bytes() == before
    backups = deck_backups(workspace, SLUG)
    assert {path: path.read_bytes() for path in backups if path in earlier} == earlier  # none pruned
    assert len(backups) == BACKUPS_KEPT + 1  # the retries share one copy of the version they failed to replace
    assert backups[-1].read_bytes() == before
    # The next import that succeeds prunes back to the newest versions.
    assert import_document(workspace, document, FIXED_NOW).written
    assert len(deck_backups(workspace, SLUG)) == BACKUPS_KEPT


KILL_WHILE_BACKING_UP = """
import os, signal, sys
from pathlib import Path
original = Path.replace
def replace_then_die(self, target):
    if Path(target).parent.parent.name == ".backups":
        os.kill(os.getpid(), signal.SIGKILL)  # the backup's temp file is whole; the rename never happens
    return original(self, target)
Path.replace = replace_then_die
sys.argv = ["studyprep", *sys.argv[1:]]
from studyprep.cli import main
main()
"""

KILL_WHILE_EXPORTING = """
import os, signal, sys
import genanki
def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # the temp file is made, the package not yet written into it
genanki.Package.write_to_file = die
sys.argv = ["studyprep", *sys.argv[1:]]
from studyprep.cli import main
main()
"""


def killed(code: str, workspace: Workspace, *args: str) -> None:
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": "2026-01-01T09:00:00Z"}
    process = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False)
    assert process.returncode == -9, process.stderr


def age(*paths: Path) -> None:
    old = 10**9
    for path in paths:
        os.utime(path, (old, old), follow_symlinks=False)  # as found by a later `check` (a minute is the margin)


def test_check_removes_the_litter_of_every_kind_of_killed_write(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    # A re-import killed while writing the backup: a deck-sized temp file in decks/.backups/<slug>/.
    killed(KILL_WHILE_BACKING_UP, workspace, "import", str(changed_document(tmp_path)))
    backup_temps = list((workspace.decks_dir / ".backups" / SLUG).glob(".*.tmp"))
    assert len(backup_temps) == 1 and backup_temps[0].stat().st_size > 1000
    # An export into the workspace killed before the package was written: a zero-byte temp file.
    killed(KILL_WHILE_EXPORTING, workspace, "export", SLUG, "-o", str(workspace.root / "prep.apkg"))
    export_temps = list(workspace.root.glob(".prep.apkg.*.tmp"))
    assert len(export_temps) == 1 and export_temps[0].stat().st_size == 0
    # A plan write killed before its rename, and files that only look alike: not ours, never removed.
    plan_temp = workspace.schedules_dir / f".{SLUG}.yaml.k3j4h5g6.tmp"
    plan_temp.write_text("format: 1\n", encoding="utf-8")
    others = [workspace.schedules_dir / "draft.tmp", workspace.decks_dir / ".notes.txt.abc.tmp", tmp_path / "x.tmp"]
    for other in others[:2]:
        other.write_text("mine\n", encoding="utf-8")
    others[2].write_text("outside\n", encoding="utf-8")
    link = workspace.decks_dir / f".{SLUG}.yaml.linked12.tmp"
    link.symlink_to(others[2])
    age(*backup_temps, *export_temps, plan_temp, *others[:2], link)
    fresh = workspace.decks_dir / f".{SLUG}.yaml.fresh123.tmp"  # a write that may be in progress right now
    fresh.write_text("cards: []\n", encoding="utf-8")
    result = check_workspace(workspace)
    assert sorted(result.removed_temp_files) == sorted(map(str, [*backup_temps, *export_temps, plan_temp]))
    assert all(path.exists() for path in [*others, fresh]) and link.is_symlink()
    assert result.ok


def test_an_export_removes_the_temp_files_a_killed_export_left_beside_its_package(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    out = tmp_path / "exports"
    out.mkdir()
    killed(KILL_WHILE_EXPORTING, workspace, "export", SLUG, "-o", str(out / "prep.apkg"))
    (left,) = out.glob(".prep.apkg.*.tmp")
    assert left.stat().st_size == 0
    other = out / ".other.apkg.abcdefgh.tmp"  # another package's: left to its own export
    other.touch()
    age(left, other)
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), "export", SLUG, "-o", str(out / "prep.apkg")])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == [other.name, "prep.apkg"]
