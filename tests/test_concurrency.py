"""Two commands at once on one workspace: serialized by a lock (with a clear message), never silent loss."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXED_NOW
from review_helpers import DOC, SLUG, Clock, make_workspace

from studyprep.cli import cli
from studyprep.commands.check import check_workspace
from studyprep.commands.importing import import_document
from studyprep.commands.review import open_session
from studyprep.errors import StudyprepError
from studyprep.store import locking
from studyprep.store.deckstore import deck_backups, load_deck
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace

HOLD_LOCK = """
import sys, time
from pathlib import Path
from studyprep.store.locking import deck_write_lock
from studyprep.store.workspace import Workspace
with deck_write_lock(Workspace(Path(sys.argv[1]))):
    print("locked", flush=True)
    if sys.argv[2] == "until-told":
        sys.stdin.readline()
    else:
        time.sleep(float(sys.argv[2]))
"""


def env_for(workspace: Workspace) -> dict[str, str]:
    return {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": "2026-01-01T09:00:00Z", "TZ": "UTC"}


def hold_deck_lock(workspace: Workspace, seconds: float | None) -> subprocess.Popen:
    """A process holding the deck lock for `seconds`, or (None) until a line reaches its stdin."""
    held = "until-told" if seconds is None else str(seconds)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(workspace.root), held],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_an_import_waits_for_another_deck_writer_then_succeeds(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    document = tmp_path / "prep.md"
    document.write_text(DOC + "- Why is the sky blue?\n", encoding="utf-8")
    holder = hold_deck_lock(workspace, None)
    results = []
    importer = threading.Thread(target=lambda: results.append(import_document(workspace, document, FIXED_NOW)))
    importer.start()
    importer.join(timeout=0.5)
    # Still waiting, and nothing written while the holder has the lock (no wall-clock bound: a slow machine
    # only makes the wait longer).
    assert importer.is_alive() and not results
    assert not any(card.prompt == "Why is the sky blue?" for card in load_deck(workspace, SLUG).cards)
    holder.communicate("release\n")
    importer.join()
    assert results and results[0].written
    assert any(card.prompt == "Why is the sky blue?" for card in load_deck(workspace, SLUG).cards)


def test_a_writer_blocked_too_long_stops_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path)
    document = tmp_path / "prep.md"
    document.write_text(DOC + "- Why is the sky blue?\n", encoding="utf-8")
    before = workspace.deck_path(SLUG).read_bytes()
    monkeypatch.setattr(locking, "DECK_LOCK_WAIT_SECONDS", 0.2)
    holder = hold_deck_lock(workspace, 3.0)
    try:
        result = CliRunner().invoke(cli, ["--home", str(workspace.root), "import", str(document)])
    finally:
        holder.kill()
        holder.communicate()
    assert result.exit_code == 1
    assert f"another studyprep command is changing the decks (pid {holder.pid})" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert workspace.deck_path(SLUG).read_bytes() == before


@pytest.mark.slow
def test_notes_saved_during_an_import_are_not_lost(tmp_path: Path) -> None:
    """The import reads the deck, merges and writes it back; notes saved meanwhile must survive."""
    workspace = make_workspace(tmp_path)
    big = tmp_path / "big.md"
    big.write_text(DOC + "".join(f"- Why does step {n} matter?\n" for n in range(20_000)), encoding="utf-8")
    importer = subprocess.Popen([sys.executable, "-m", "studyprep", "import", str(big)], env=env_for(workspace),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    lock_file = workspace.decks_dir / locking.DECK_LOCK_NAME
    # Wait until the importer holds the deck lock (the loop ends with the importer at the latest: no deadline).
    while (not lock_file.exists() or lock_file.read_text().strip() != str(importer.pid)) and importer.poll() is None:
        time.sleep(0.005)
    with open_session(workspace, [], FIXED_NOW, clock=Clock()) as session:
        session.save_notes("my answer, written while importing")
        card_id = session.current.entry.key[1]
    _, errors = importer.communicate()
    assert importer.returncode == 0, errors
    deck = load_deck(workspace, SLUG)
    assert len(deck.cards) > 20_000  # the import's cards are there
    assert next(card for card in deck.cards if card.id == card_id).notes == "my answer, written while importing"


def test_two_imports_at_once_both_land(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    documents = []
    for name in ("one", "two"):
        document = tmp_path / f"{name}.md"
        document.write_text(DOC + "".join(f"- Why does {name} step {n} matter?\n" for n in range(3000)), "utf-8")
        documents.append(document)
    # Into one deck on purpose (--deck): two files whose cards would retire most of it are otherwise refused.
    command = [sys.executable, "-m", "studyprep", "import", "--deck", SLUG]
    processes = [
        subprocess.Popen(
            [*command, str(document)],
            env=env_for(workspace),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for document in documents
    ]
    errors = [process.communicate()[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    deck = load_deck(workspace, SLUG)
    prompts = {card.prompt: card.retired for card in deck.cards}
    # Serialized: the second merged on top of the first, so the first's cards exist (retired), none vanished.
    assert all(f"Why does {name} step 0 matter?" in prompts for name in ("one", "two"))
    assert len(deck_backups(workspace, SLUG)) == 2  # each import replaced the version before it
    assert check_workspace(workspace).ok


def test_a_second_review_session_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    with open_session(workspace, [], FIXED_NOW, clock=Clock()) as session:
        session.reveal()
        session.answer(3)
        busy = "another review session is running on this workspace"
        with pytest.raises(StudyprepError, match=busy), open_session(workspace, [], FIXED_NOW, clock=Clock()):
            pass
    assert check_workspace(workspace).ok


def test_plan_takes_the_deck_lock_around_its_read_modify_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path)
    plan = workspace.schedules_dir / f"{SLUG}.yaml"
    before = plan.read_bytes()
    monkeypatch.setattr(locking, "DECK_LOCK_WAIT_SECONDS", 0.2)
    holder = hold_deck_lock(workspace, 3.0)
    try:
        changed = CliRunner().invoke(cli, ["--home", str(workspace.root), "plan", SLUG, "--target", "0.8"])
        shown = CliRunner().invoke(cli, ["--home", str(workspace.root), "plan", SLUG])  # only reads: no wait
    finally:
        holder.kill()
        holder.communicate()
    assert changed.exit_code == 1 and f"changing the decks (pid {holder.pid})" in changed.output
    assert shown.exit_code == 0, shown.output
    assert plan.read_bytes() == before


def test_a_default_plan_is_written_only_under_the_deck_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path)
    plan = workspace.schedules_dir / f"{SLUG}.yaml"
    plan.unlink()
    monkeypatch.setattr(locking, "DECK_LOCK_WAIT_SECONDS", 0.2)
    holder = hold_deck_lock(workspace, 3.0)
    try:
        result = CliRunner().invoke(cli, ["--home", str(workspace.root), "due"], env={"STUDYPREP_NOW": "2026-01-01"})
    finally:
        holder.kill()
        holder.communicate()
    assert result.exit_code == 1 and "changing the decks" in result.output
    assert not plan.exists()  # not written past a writer that might be setting an interview right now


@pytest.mark.slow
def test_concurrent_plan_commands_and_a_first_due_lose_no_setting(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    plan = workspace.schedules_dir / f"{SLUG}.yaml"
    command = [sys.executable, "-m", "studyprep"]
    settings = [["--interview", "2026-03-16"], ["--budget-cards", "40"], ["--target", "0.8"]]
    for _ in range(4):
        plan.unlink()  # each round: `due` writes the default plan while the settings are being made
        runs = [[*command, "due"], *[[*command, "plan", SLUG, *setting] for setting in settings]]
        processes = [subprocess.Popen(run, env=env_for(workspace), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True) for run in runs]  # fmt: skip
        errors = [process.communicate()[1] for process in processes]
        assert [process.returncode for process in processes] == [0] * len(runs), errors
        stored = load_plan(workspace, SLUG)
        assert stored.interview_at is not None, plan.read_text(encoding="utf-8")
        assert (stored.daily_budget_cards, stored.target_recall) == (40, 0.8), plan.read_text(encoding="utf-8")
