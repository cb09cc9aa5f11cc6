"""The review database's own rooms: the guarded connection and its nested transactions, the named migrations,
the layering (the store never imports the schedule, no command touches a connection), and the replay a migration
queues being done by every command that reads states."""

from __future__ import annotations

import ast
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXED_NOW, REPO
from review_helpers import SLUG, Clock, make_workspace, session_at

from studyprep.cli import cli
from studyprep.errors import StudyprepError
from studyprep.store.db import APPLICATION_ID, MIGRATIONS, Database, database_path, open_store
from studyprep.store.workspace import Workspace

# -- the connection -----------------------------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path) -> Database:
    path = tmp_path / "scratch.db"
    db = Database(path, sqlite3.connect(path, isolation_level=None))
    db.execute("CREATE TABLE t (x INTEGER)")
    return db


def values(db: Database) -> list[int]:
    return [row[0] for row in db.query("SELECT x FROM t ORDER BY x")]


def test_a_failed_nested_block_is_undone_alone_and_the_outer_one_commits(scratch: Database) -> None:
    with scratch.atomic():
        scratch.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(StudyprepError), scratch.atomic():
            scratch.execute("INSERT INTO t VALUES (2)")
            scratch.execute("INSERT INTO missing VALUES (3)")
        with scratch.atomic():
            scratch.execute("INSERT INTO t VALUES (4)")
    assert values(scratch) == [1, 4]
    assert not scratch.in_transaction


def test_a_failed_outer_block_undoes_its_released_nested_blocks_too(scratch: Database) -> None:
    with pytest.raises(ValueError, match="stop"), scratch.atomic():
        with scratch.atomic():
            scratch.execute("INSERT INTO t VALUES (1)")
        raise ValueError("stop")
    assert values(scratch) == []
    assert not scratch.in_transaction


def test_inside_a_transaction_opened_elsewhere_a_block_is_a_savepoint(scratch: Database) -> None:
    scratch.execute("BEGIN")
    with pytest.raises(StudyprepError), scratch.atomic():
        scratch.execute("INSERT INTO t VALUES (1)")
        scratch.execute("INSERT INTO t VALUES ('a', 'b')")
    assert scratch.in_transaction  # the caller's transaction is still theirs to end
    scratch.execute("COMMIT")
    assert values(scratch) == []


def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    path = tmp_path / "keys.db"
    db = Database(path, sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    db.execute("CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    with pytest.raises(StudyprepError) as failed, db.atomic():
        db.execute("INSERT INTO child VALUES (7)")  # checked at COMMIT
    assert "FOREIGN KEY" in str(failed.value)
    assert not db.in_transaction
    with db.atomic():
        db.execute("INSERT INTO parent VALUES (7)")
    assert db.query("SELECT id FROM parent") == [(7,)]
    assert db.query("SELECT parent FROM child") == []


def test_every_statement_translates_sqlite_errors_into_one_line_naming_the_database(scratch: Database) -> None:
    for run in (
        lambda: scratch.execute("UPDATE missing SET x = 1"),
        lambda: scratch.executemany("INSERT INTO t VALUES (?, ?)", [(1, 2)]),
        lambda: scratch.query("SELECT nothing FROM t"),
        lambda: scratch.one("SELECT * FROM missing"),
        lambda: scratch.scalar("SELEC 1"),
    ):
        with pytest.raises(StudyprepError) as raised:
            run()
        assert raised.value.path == str(scratch.path)
        assert raised.value.render().count("\n") == 0
        assert "cannot use the review database" in raised.value.message


# -- migrations -----------------------------------------------------------------------------------------


def test_migrations_are_named_once_each_and_released_steps_keep_their_place() -> None:
    names = [step.name for step in MIGRATIONS]
    assert len(set(names)) == len(names) and all(names)
    assert names[:9] == [
        "initial-schema",
        "seen-cards-and-plan-cache",
        "deck-company-and-role",
        "day-plan-cache",
        "covering-position-index",
        "covering-day-index",
        "flags-and-forgotten",
        "mock-attempts",
        "study-days",
    ]


def schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    return rows


@pytest.mark.parametrize("version", range(len(MIGRATIONS) + 1))
def test_a_database_at_version_n_had_the_first_n_steps_and_gets_the_rest(tmp_path: Path, version: int) -> None:
    fresh = Workspace(tmp_path / "fresh")
    open_store(fresh).close()
    old = Workspace(tmp_path / "old")
    path = database_path(old)
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {version}")
    if version:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.close()
    with open_store(old) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert schema(path) == schema(database_path(fresh))
    backups = list((path.parent / "backups").glob("reviews-*-before-migration.db"))
    assert len(backups) == (1 if 0 < version < len(MIGRATIONS) else 0)


# -- layering -------------------------------------------------------------------------------------------


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_store_never_imports_the_schedule_not_even_lazily() -> None:
    for path in sorted((REPO / "studyprep" / "store").rglob("*.py")):
        upward = {
            name for name in imported_modules(path) if name.startswith(("studyprep.schedule", "studyprep.commands"))
        }
        assert not upward, (path, upward)


def test_no_command_touches_a_database_connection() -> None:
    for path in sorted((REPO / "studyprep" / "commands").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for raw in (".conn.", ".conn)", "sqlite3.connect", ".execute(", ".executemany(", ".raw", ".db."):
            assert raw not in text, (path.name, raw)


# -- replays queued by a migration ------------------------------------------------------------------------

STATE_READERS = [
    ["due"],
    ["decks"],
    ["readiness", SLUG],
    ["brief", SLUG],
    ["cards"],
    ["card", "{card}"],
    ["flag", "{card}"],
    ["review", "--limit", "1"],
    ["mock", SLUG, "--questions", "1"],
    ["export", SLUG, "--with-progress", "-o", "{root}/progress.apkg"],
]


@pytest.mark.parametrize("command", STATE_READERS, ids=lambda command: command[0])
def test_every_command_that_reads_states_replays_the_decks_a_migration_queued(
    tmp_path: Path, command: list[str]
) -> None:
    workspace = make_workspace(tmp_path, interview_at=FIXED_NOW + timedelta(days=14))
    clock = Clock(FIXED_NOW)
    for hours_later in (0, 30):  # a second answer the next study day
        clock.advance(hours=hours_later)
        with session_at(workspace, clock) as session:
            session.reveal()
            session.answer(3)
    path = database_path(workspace)
    with sqlite3.connect(path) as conn:  # the previous version's database: states computed otherwise, version 8
        replayed = conn.execute("SELECT card_id, stability FROM card_state ORDER BY card_id").fetchall()
        conn.execute("UPDATE card_state SET stability = stability + 1")
        conn.execute("DROP TABLE pending_replay")
        conn.execute("DROP TABLE deck_cache")  # step 10's table: a version 8 database has neither
        conn.execute("PRAGMA user_version = 8")
    conn.close()
    card = replayed[0][0]
    args = [part.format(card=card, root=tmp_path) for part in command]
    env = {"STUDYPREP_NOW": clock.now.isoformat()}
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input="q\n", env=env)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM pending_replay").fetchone()[0] == 0
        states = conn.execute("SELECT card_id, stability FROM card_state ORDER BY card_id").fetchall()
    conn.close()
    assert states == replayed
