"""Backups of the review history (`schedules/backups/`) and `studyprep restore`, on real workspaces and SQLite files.

The clock is injected with STUDYPREP_NOW; study days are counted by `scheduling.study_day` as everywhere else.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import EXAMPLE, FIXED_NOW, REPO
from review_helpers import SLUG, make_workspace, set_plan

from studyprep.anki import model as anki_model
from studyprep.cli import cli
from studyprep.clock import study_day
from studyprep.commands.importing import import_document
from studyprep.store.db import APPLICATION_ID, MIGRATIONS, database_path, open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.history_backups import (
    KEEP_TODAY,
    back_up,
    backups_dir,
    daily_backup,
    list_backups,
    prune_backups,
)
from studyprep.store.workspace import Workspace


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(workspace: Workspace, *args: str, now: datetime = FIXED_NOW, stdin: str | None = None) -> Result:
    env = {"STUDYPREP_NOW": stamp(now)}
    return CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input=stdin, env=env, catch_exceptions=False)


def answers(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


def reasons(workspace: Workspace) -> list[str]:
    return [backup.reason for backup in list_backups(database_path(workspace))]


def reviewed(tmp_path: Path, count: int = 3) -> Workspace:
    workspace = make_workspace(tmp_path)
    assert run(workspace, "review", stdin="\n3\n" * count + "q\n").exit_code == 0
    assert answers(database_path(workspace)) == count
    return workspace


def test_the_first_command_of_a_study_day_backs_up_the_history_once(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)  # the database was created by this first command: nothing to back up yet
    assert reasons(workspace) == []
    assert run(workspace, "due").exit_code == 0
    assert run(workspace, "decks").exit_code == 0
    (backup,) = list_backups(database_path(workspace))
    assert (backup.reason, backup.taken_at, answers(backup.path)) == ("daily", FIXED_NOW, 3)
    assert backup.path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert not list(backups_dir(database_path(workspace)).glob(".*"))  # no temp file left

    _, end = study_day(FIXED_NOW)
    assert run(workspace, "stats", now=end - timedelta(minutes=1)).exit_code == 0  # still the same study day
    assert len(list_backups(database_path(workspace))) == 1
    assert run(workspace, "due", now=end + timedelta(minutes=1)).exit_code == 0  # the next one
    assert [backup.taken_at for backup in list_backups(database_path(workspace))] == [
        end + timedelta(minutes=1),
        FIXED_NOW,
    ]


def test_a_migration_is_preceded_by_a_backup_of_the_old_schema(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)
    path = database_path(workspace)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:  # a history of the schema before the last migration, whichever that is
        for migration in MIGRATIONS[:-1]:
            migration(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    open_store(workspace).close()
    backups = {backup.reason: backup for backup in list_backups(path)}
    assert set(backups) == {"before-migration"}  # which is also the day's backup
    with sqlite3.connect(backups["before-migration"].path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) - 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_drop_orphans_is_preceded_by_a_backup_that_restore_brings_back(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)
    workspace.deck_path(SLUG).unlink()  # the reviewed cards become orphans
    dropped = run(workspace, "check", "--drop-orphans", "--json")
    assert json.loads(dropped.output)["dropped_orphans"] == 3
    path = database_path(workspace)
    assert answers(path) == 0
    (before,) = [backup for backup in list_backups(path) if backup.reason == "before-drop-orphans"]
    assert answers(before.path) == 3

    restored = run(workspace, "restore", before.name, "--json")
    assert restored.exit_code == 0, restored.output
    report = json.loads(restored.output)
    assert answers(path) == 3 and report["reviews"] == 3
    kept = Path(report["replaced_kept_as"])
    assert kept.parent == backups_dir(path) and answers(kept) == 0  # the replaced file, kept and restorable


def test_an_anki_pull_is_preceded_by_a_backup(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    open_store(workspace).close()
    card = load_deck(workspace, slug).cards[0].id
    collection = tmp_path / "collection.anki2"
    with sqlite3.connect(collection) as db:
        db.executescript(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, flds TEXT);"
            "CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER NOT NULL, ord INTEGER);"
            "CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER NOT NULL, ease INTEGER, time INTEGER,"
            " type INTEGER);"
        )
        db.execute("INSERT INTO notes VALUES (1, ?, '')", (anki_model.note_guid(slug, card),))
        db.execute("INSERT INTO cards VALUES (1, 1, 0)")
        db.execute("INSERT INTO revlog VALUES (?, 1, 3, 5000, 0)", (int(FIXED_NOW.timestamp() * 1000),))
    pulled = run(workspace, "anki-pull", str(collection), now=FIXED_NOW + timedelta(hours=1))
    assert pulled.exit_code == 0, pulled.output
    (before,) = [backup for backup in list_backups(database_path(workspace)) if backup.reason == "before-anki-pull"]
    assert (answers(before.path), answers(database_path(workspace))) == (0, 1)


def test_backups_are_kept_daily_for_a_week_and_weekly_for_a_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYPREP_NOW", stamp(FIXED_NOW))
    workspace = reviewed(tmp_path)
    path = database_path(workspace)
    start = FIXED_NOW
    with open_store(workspace) as store:
        for day in range(60):  # a command twice a day for sixty days
            for hour in (0, 6):
                daily_backup(store.conn, path, start + timedelta(days=day, hours=hour))
    today = start + timedelta(days=59)
    taken = [backup.taken_at for backup in list_backups(path)]
    days_back = sorted({(study_day(today)[0] - study_day(moment)[0]).days for moment in taken})
    assert days_back[:8] == list(range(8))  # today and one a day for the week before
    weekly = days_back[8:]
    assert weekly and all(8 <= age <= 31 for age in weekly)
    assert len({(today - timedelta(days=age)).isocalendar()[:2] for age in weekly}) == len(weekly)  # one a week
    assert len(taken) == len(set(taken)) <= 8 + 5


def test_today_keeps_a_bounded_number_of_backups_and_never_overwrites_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYPREP_NOW", stamp(FIXED_NOW))
    workspace = reviewed(tmp_path)
    path = database_path(workspace)
    with open_store(workspace) as store:
        made = [back_up(store.conn, path, "before-anki-pull", FIXED_NOW).path for _ in range(KEEP_TODAY + 3)]
    assert len(set(made)) == len(made)  # same second, same reason: a new name each time
    kept = list_backups(path)
    assert len(kept) == KEEP_TODAY and {backup.path for backup in kept} == set(made[-KEEP_TODAY:])


KILL_DURING_BACKUP = """
import os, signal, sys
real_link = os.link
def link_then_die(source, target, *args, **kwargs):
    if "/backups/" in str(target):
        os.kill(os.getpid(), signal.SIGKILL)  # the copy is written and synced; its name never given
    return real_link(source, target, *args, **kwargs)
os.link = link_then_die
sys.argv = ["studyprep", *sys.argv[1:]]
from studyprep.cli import main
main()
"""


def test_a_backup_killed_half_way_leaves_no_backup_and_its_temp_file_is_pruned(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)
    path = database_path(workspace)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_DURING_BACKUP, "--home", str(workspace.root), "due"],
        env={**os.environ, "STUDYPREP_NOW": stamp(FIXED_NOW)},
        cwd=str(REPO),
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert list_backups(path) == []  # never a backup under its final name that is not whole
    (temp,) = backups_dir(path).iterdir()
    assert temp.name.startswith(".reviews-") and temp.name.endswith(".tmp")
    os.utime(temp, (0, 0))  # an hour old: a leftover, not a copy in progress
    assert run(workspace, "due").exit_code == 0
    assert [item.name for item in backups_dir(path).iterdir()] == [list_backups(path)[0].name]
    assert prune_backups(path, FIXED_NOW) == []


def test_restore_swaps_in_a_checked_backup_and_keeps_the_current_file(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path, count=2)
    path = database_path(workspace)
    assert run(workspace, "due", now=FIXED_NOW + timedelta(days=1)).exit_code == 0
    (backup,) = list_backups(path)
    # More answers, left in the write-ahead log (a connection still open, not checkpointed).
    writer = sqlite3.connect(path)
    writer.execute("INSERT INTO review_log (deck, card_id, rating, reviewed_at) VALUES ('x', 'y', 3, 0)")
    writer.commit()
    assert Path(f"{path}-wal").stat().st_size > 0
    writer.close()

    listed = run(workspace, "restore", "--list")
    assert backup.name in listed.output and "2 answers" in listed.output and "KB" in listed.output
    restored = run(workspace, "restore", backup.name, now=FIXED_NOW + timedelta(days=1, hours=1))
    assert restored.exit_code == 0, restored.output
    kept = next(item for item in list_backups(path) if item.reason == "replaced")
    assert f"kept as {kept.path}" in " ".join(restored.output.split())
    assert answers(path) == 2 and answers(kept.path) == 3  # the WAL's answer went aside with its file
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert run(workspace, "check").exit_code == 0
    assert run(workspace, "restore", kept.name).exit_code == 0  # and back again
    assert answers(path) == 3


def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)
    path = database_path(workspace)
    assert run(workspace, "due", now=FIXED_NOW + timedelta(days=1)).exit_code == 0
    (backup,) = list_backups(path)
    raw = bytearray(backup.path.read_bytes())
    raw[4096 * 2 + 50 : 4096 * 3] = b"\xff" * (4096 - 50)
    backup.path.write_bytes(bytes(raw))
    before = path.read_bytes()
    refused = run(workspace, "restore", backup.name)
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: ") and len(refused.output.splitlines()) == 1
    assert "cannot restore this backup" in refused.output and "damaged" in refused.output
    assert path.read_bytes() == before and [item.reason for item in list_backups(path)] == ["daily"]
    missing = run(workspace, "restore", "reviews-nope.db")
    assert missing.exit_code == 1 and "no backup named 'reviews-nope.db'" in missing.output


def test_check_lists_backups_with_sizes_and_names_the_newest_good_one_for_a_damaged_database(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)
    set_plan(workspace)
    path = database_path(workspace)
    for day in (1, 2):
        assert run(workspace, "due", now=FIXED_NOW + timedelta(days=day)).exit_code == 0
    newest, older = list_backups(path)
    report = json.loads(run(workspace, "check", "--json", now=FIXED_NOW + timedelta(days=2)).output)
    assert [(item["name"], item["size"]) for item in report["backups"]] == [
        (newest.name, newest.size),
        (older.name, older.size),
    ]
    assert f"backup  {newest.name}" in run(workspace, "check", now=FIXED_NOW + timedelta(days=2)).output

    raw = bytearray(newest.path.read_bytes())  # the newest backup is damaged too: the older one is named
    raw[4096 * 2 + 50 : 4096 * 3] = b"\xff" * (4096 - 50)
    newest.path.write_bytes(bytes(raw))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = bytearray(path.read_bytes())
    damaged[4096 * 2 + 50 : 4096 * 3] = b"\xff" * (4096 - 50)
    path.write_bytes(bytes(damaged))
    checked = run(workspace, "check", "--json", now=FIXED_NOW + timedelta(days=2))
    assert checked.exit_code == 1
    messages = " ".join(problem["message"] for problem in json.loads(checked.output)["problems"])
    assert f"studyprep restore {older.name}" in messages and "fresh history" not in messages
    assert path.read_bytes() == bytes(damaged)


@pytest.mark.parametrize("extra", [[], ["--list"]])
def test_restore_lists_nothing_yet_in_a_new_workspace(tmp_path: Path, extra: list[str]) -> None:
    workspace = make_workspace(tmp_path)
    listed = run(workspace, "restore", *extra, "--json")
    assert listed.exit_code == 0 and json.loads(listed.output)["backups"] == []
    both = CliRunner().invoke(cli, ["--home", str(workspace.root), "restore", "--list", "x"])
    assert both.exit_code == 2 and "not both" in both.output


def test_backups_and_restore_work_where_the_file_system_has_no_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = reviewed(tmp_path)
    path = database_path(workspace)

    def no_links(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert run(workspace, "due").exit_code == 0
    (backup,) = list_backups(path)
    assert answers(backup.path) == 3
    restored = run(workspace, "restore", backup.name, "--json")
    assert restored.exit_code == 0, restored.output
    assert answers(path) == 3 and answers(Path(json.loads(restored.output)["replaced_kept_as"])) == 3
    assert not [item for item in backups_dir(path).iterdir() if item.name.startswith(".")]


def test_backups_and_a_restored_database_keep_the_database_mode(tmp_path: Path) -> None:
    workspace = reviewed(tmp_path)
    path = database_path(workspace)
    path.chmod(0o640)
    assert run(workspace, "due").exit_code == 0
    (backup,) = list_backups(path)
    assert backup.path.stat().st_mode & 0o777 == 0o640
    path.chmod(0o604)
    assert run(workspace, "restore", backup.name).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o604
