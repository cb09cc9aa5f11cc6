"""`studyprep check` on real workspaces (real YAML, real SQLite), and deck backups on re-import."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FIXED_NOW
from review_helpers import DOC, SLUG, Clock, answer_all, make_workspace, set_plan

from studyprep.cli import cli
from studyprep.commands.importing import import_document
from studyprep.commands.review import open_session
from studyprep.store.db import database_path
from studyprep.store.deckstore import BACKUPS_KEPT, deck_backups
from studyprep.store.workspace import Workspace


def run(workspace: Workspace, *args: str, stdin: str | None = None) -> Result:
    env = {"STUDYPREP_NOW": "2026-01-01T09:00:00Z", "TZ": "UTC"}
    return CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input=stdin, env=env, catch_exceptions=False)


def check_json(workspace: Workspace, *args: str) -> tuple[int, dict]:
    result = run(workspace, "check", "--json", *args)
    return result.exit_code, json.loads(result.output)


def reviewed_workspace(tmp_path: Path) -> Workspace:
    """The review test deck with three answered cards."""
    workspace = make_workspace(tmp_path)
    answered = run(workspace, "review", stdin="\n3\n\n1\n\n4\nq\n")
    assert answered.exit_code == 0, answered.output
    return workspace


def test_a_fresh_reviewed_workspace_is_ok(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    code, report = check_json(workspace)
    assert (code, report["ok"], report["problems"], report["orphans"]) == (0, True, [], [])
    assert (report["decks"], report["cards"], report["plans"], report["reviews"]) == (1, 8, 1, 3)
    human = run(workspace, "check")
    assert human.exit_code == 0 and "workspace ok" in human.output


def test_a_workspace_without_a_review_database_counts_its_deck_files_cards(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    document = tmp_path / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    import_document(workspace, document, FIXED_NOW)
    assert not database_path(workspace).exists()
    code, report = check_json(workspace)
    assert (code, report["ok"], report["decks"], report["cards"], report["reviews"]) == (0, True, 1, 8, 0)
    assert not database_path(workspace).exists()  # check only reads


def test_a_broken_deck_file_is_listed_with_its_line_and_left_alone(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    path = workspace.deck_path(SLUG)
    broken = path.read_text(encoding="utf-8").replace("kind: question", "kind: riddle", 1)
    path.write_text(broken, encoding="utf-8")
    code, report = check_json(workspace)
    assert code == 1 and not report["ok"]
    (problem,) = report["problems"]
    assert problem["what"] == "deck" and problem["path"] == str(path)
    assert problem["line"] == broken.split("\n").index("  kind: riddle") + 1
    assert "kind" in problem["message"]
    assert path.read_text(encoding="utf-8") == broken
    human = run(workspace, "check")
    assert human.exit_code == 1 and f"{path}:{problem['line']}" in human.output


def test_duplicate_ids_bad_yaml_and_tags_are_problems(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    text = workspace.deck_path(SLUG).read_text(encoding="utf-8")
    ids = [line.split("- id: ")[1] for line in text.split("\n") if line.startswith("- id: ")]
    variants = {
        "dup": text.replace(f"- id: {ids[1]}", f"- id: {ids[0]}"),
        "yaml": text.replace("title:", "title: [unclosed", 1),
        "tag": text.replace("title:", "title: !!python/object:os.system", 1),
    }
    for name, content in variants.items():
        (workspace.decks_dir / f"{SLUG}.yaml").write_text(content, encoding="utf-8")
        code, report = check_json(workspace)
        assert code == 1, name
        assert [problem["what"] for problem in report["problems"]] == ["deck"], name
        # The deck's reviewed cards are not called orphans while its file cannot be read.
        assert report["orphans"] == [], name


def test_a_bad_plan_is_a_problem(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    plan = workspace.schedules_dir / f"{SLUG}.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("new_cards_per_day: 20", "new_cards_per_day: lots"))
    code, report = check_json(workspace)
    assert code == 1
    assert [(problem["what"], problem["path"]) for problem in report["problems"]] == [("plan", str(plan))]


def test_orphans_are_listed_kept_and_dropped_on_request(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    deck_file = workspace.deck_path(SLUG)
    saved = deck_file.read_bytes()
    deck_file.unlink()
    code, report = check_json(workspace)
    assert code == 1 and len(report["orphans"]) == 3
    assert all(orphan["deck"] == SLUG and orphan["reviews"] == 1 for orphan in report["orphans"])
    assert report["orphans"][0]["prompt"]
    human = run(workspace, "check")
    assert "3 reviewed cards in no deck file" in human.output and "--drop-orphans" in human.output
    # Keeping them: the file comes back and so does their history.
    deck_file.write_bytes(saved)
    assert check_json(workspace) == (0, check_json(workspace)[1])
    assert check_json(workspace)[1]["reviews"] == 3
    deck_file.unlink()
    code, report = check_json(workspace)
    assert report["decks"] == report["cards"] == 0  # no deck file, so no cards (their mirror rows are stale)
    code, report = check_json(workspace, "--drop-orphans")
    assert (code, report["dropped_orphans"], report["orphans"], report["reviews"]) == (0, 3, [], 0)
    assert check_json(workspace, "--drop-orphans") == (0, {**report, "dropped_orphans": 0})  # nothing more to drop
    with sqlite3.connect(database_path(workspace)) as conn:
        assert conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM card_state").fetchone()[0] == 0


def test_a_card_removed_from_its_deck_by_hand_is_an_orphan(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    with sqlite3.connect(database_path(workspace)) as conn:
        reviewed = {row[0] for row in conn.execute("SELECT card_id FROM card_state")}
    path = workspace.deck_path(SLUG)
    blocks = path.read_text(encoding="utf-8").split("\n- id: ")
    kept = [blocks[0]] + [block for block in blocks[1:] if block.split("\n")[0] not in reviewed or block is None]
    gone = reviewed - {block.split("\n")[0] for block in kept[1:]}
    path.write_text("\n- id: ".join(kept), encoding="utf-8")
    code, report = check_json(workspace)
    assert code == 1
    assert {orphan["card_id"] for orphan in report["orphans"]} == gone


def test_history_that_disagrees_with_the_state_is_a_problem(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    with sqlite3.connect(database_path(workspace)) as conn:
        first = conn.execute("SELECT deck, card_id, rating, reviewed_at FROM review_log LIMIT 1").fetchone()
        conn.execute("INSERT INTO review_log (deck, card_id, rating, reviewed_at) VALUES (?, ?, ?, ?)", first)
    code, report = check_json(workspace)
    assert code == 1
    messages = [problem["message"] for problem in report["problems"]]
    assert any("not from the latest logged review" in message for message in messages)
    assert any("1 answer logged twice" in message for message in messages)


def test_a_scheduling_state_no_studyprep_wrote_is_listed_and_due_points_to_check(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    set_plan(workspace, interview_at=FIXED_NOW + timedelta(days=5))  # `due` then reads every state for the plan
    with sqlite3.connect(database_path(workspace)) as conn:
        (card_id,) = conn.execute("SELECT min(card_id) FROM card_state").fetchone()
        conn.execute("UPDATE card_state SET state = 9 WHERE card_id = ?", (card_id,))
        conn.execute("UPDATE card_state SET due = 'soon' WHERE card_id != ?", (card_id,))
        bad = conn.execute("SELECT card_id FROM card_state ORDER BY card_id").fetchall()
    due = run(workspace, "due")
    assert due.exit_code == 1 and "`studyprep check` lists it" in due.output
    code, report = check_json(workspace)
    assert code == 1
    unreadable = [problem["message"] for problem in report["problems"] if "cannot be read" in problem["message"]]
    assert unreadable == [f"card {card} in {SLUG}: a scheduling state that cannot be read" for (card,) in bad]


def test_a_damaged_database_fails_the_integrity_check_and_is_left_alone(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    path = database_path(workspace)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = 4096
    raw = bytearray(path.read_bytes())
    assert len(raw) > 3 * page_size
    raw[2 * page_size + 100 : 3 * page_size] = b"\xff" * (page_size - 100)  # scribble over one table page
    path.write_bytes(bytes(raw))
    code, report = check_json(workspace)
    assert code == 1
    assert report["problems"] and all(problem["what"] == "database" for problem in report["problems"])
    assert path.read_bytes() == bytes(raw)


def test_a_workspace_whose_path_has_url_characters_checks_ok(tmp_path: Path) -> None:
    # The integrity check opens the database by URI: spaces, %, # and ? in the path must stay a path.
    folder = tmp_path / "prep #1 100% ?final"
    folder.mkdir()
    workspace = reviewed_workspace(folder)
    code, report = check_json(workspace)
    assert (code, report["problems"], report["reviews"]) == (0, [], 3)
    assert [path.name for path in tmp_path.iterdir()] == [folder.name]  # no database opened at a cut path


def test_a_foreign_database_file_is_a_problem(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    path = database_path(workspace)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(b"not a database at all")
    code, report = check_json(workspace)
    assert code == 1 and "not SQLite" in report["problems"][0]["message"]


def test_leftover_temp_files_are_removed_and_listed(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    stale = workspace.decks_dir / f".{SLUG}.yaml.abc123.tmp"
    fresh = workspace.decks_dir / f".{SLUG}.yaml.def456.tmp"
    stale.write_text("half a deck", encoding="utf-8")
    fresh.write_text("being written", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    code, report = check_json(workspace)
    assert (code, report["removed_temp_files"]) == (0, [str(stale)])
    assert not stale.exists() and fresh.exists()


def test_check_outside_a_workspace_says_so(tmp_path: Path) -> None:
    result = run(Workspace(tmp_path / "nothing"), "check")
    assert result.exit_code == 1 and "no workspace here yet" in result.output


# -- backups --------------------------------------------------------------------------------------------------


def test_each_changing_reimport_keeps_the_previous_deck_file(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    document = tmp_path / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    import_document(workspace, document, FIXED_NOW)
    assert deck_backups(workspace, SLUG) == []
    versions = [workspace.deck_path(SLUG).read_text(encoding="utf-8")]
    for number in range(BACKUPS_KEPT + 2):
        document.write_text(DOC + f"- Why question {number}?\n", encoding="utf-8")
        import_document(workspace, document, FIXED_NOW)
        versions.append(workspace.deck_path(SLUG).read_text(encoding="utf-8"))
    import_document(workspace, document, FIXED_NOW)  # unchanged: no new backup
    backups = deck_backups(workspace, SLUG)
    assert len(backups) == BACKUPS_KEPT
    # The newest backups are the versions each import replaced, oldest pruned first.
    assert [path.read_text(encoding="utf-8") for path in backups] == versions[-BACKUPS_KEPT - 1 : -1]
    # Backups are not decks: listing and checking ignore them.
    code, report = check_json(workspace)
    assert (code, report["decks"]) == (0, 1)


# -- every deck file read --------------------------------------------------------------------------------------


def rewrite_in_place(path: Path, old: str, new: str) -> None:
    """Change a file's content keeping its size and modification time (a restore, a sync tool, a clock step)."""
    assert len(old.encode()) == len(new.encode())
    facts = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(facts.st_atime_ns, facts.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (facts.st_size, facts.st_mtime_ns)


def test_a_deck_broken_with_the_same_size_and_mtime_is_a_problem(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    assert check_json(workspace)[0] == 0  # the mirror knows this version of the file
    deck = workspace.deck_path(SLUG)
    line = deck.read_text(encoding="utf-8").splitlines().index("cards:") + 1
    rewrite_in_place(deck, "\ncards:", "\ncardz:")
    code, report = check_json(workspace)
    assert code == 1 and report["changed_in_place"] == [str(deck)]
    assert [(p["path"], p["line"]) for p in report["problems"]] == [(str(deck), line)]
    assert "unknown key" in report["problems"][0]["message"]


def test_a_deck_changed_with_the_same_size_and_mtime_is_read_again_by_check_and_review(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    deck = workspace.deck_path(SLUG)
    rewrite_in_place(deck, "How does TCP slow start work?", "How does TCP fast start work?")
    result = run(workspace, "check")
    assert result.exit_code == 0 and f"its size and modification time did not: {deck}" in result.output
    rewrite_in_place(deck, "What does the OOM killer do?", "What does the OOM reaper do?")
    with open_session(workspace, [], FIXED_NOW + timedelta(days=30), clock=Clock(FIXED_NOW + timedelta(days=30))) as s:
        shown = answer_all(s, 3)
    assert "What does the OOM reaper do?" in shown and "What does the OOM killer do?" not in shown
    assert "How does TCP fast start work?" in shown


def test_an_unreadable_deck_file_is_a_problem_though_its_stat_is_mirrored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = reviewed_workspace(tmp_path)
    deck = workspace.deck_path(SLUG)
    original = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == deck:  # as `chmod 000` does for anyone but root
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    code, report = check_json(workspace)
    monkeypatch.undo()
    assert code == 1
    assert [(p["what"], p["path"]) for p in report["problems"]] == [("deck", str(deck))]
    assert "cannot read the deck file: permission denied" in report["problems"][0]["message"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file permissions bind only non-root users")
def test_a_deck_file_without_read_permission_is_a_problem(tmp_path: Path) -> None:
    workspace = reviewed_workspace(tmp_path)
    deck = workspace.deck_path(SLUG)
    deck.chmod(0)
    try:
        code, report = check_json(workspace)
    finally:
        deck.chmod(0o644)
    assert code == 1 and "Permission denied" in report["problems"][0]["message"]
