"""The review database: schema and migrations, refusing foreign files, the mirror, and safe concurrent writes."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, State
from helpers import FIXED_NOW
from review_helpers import SLUG, Clock, make_workspace, session_at

from studyprep.errors import StudyprepError
from studyprep.schedule.scheduling import review, scheduler_for
from studyprep.store.db import (
    APPLICATION_ID,
    MIGRATIONS,
    ConflictError,
    ReviewStore,
    card_from_json,
    database_path,
    from_us,
    open_store,
    state_json,
    to_us,
)
from studyprep.store.plan import load_plan


def test_new_database_is_wal_versioned_and_marked_as_ours(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    with open_store(workspace) as store:
        conn = store.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    with open_store(workspace) as store:  # reopening migrates nothing and keeps data
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_times_round_trip_exactly() -> None:
    moment = FIXED_NOW.replace(microsecond=123456)
    assert from_us(to_us(moment)) == moment


@pytest.mark.parametrize("last_review", [None, FIXED_NOW - timedelta(days=3, microseconds=7)])
def test_a_stored_state_reads_back_as_the_fsrs_card_fsrs_would_build(last_review: datetime | None) -> None:
    built = Card(card_id=42, state=State.Relearning, step=0, stability=3.25, difficulty=6.5,
                 due=FIXED_NOW + timedelta(minutes=10), last_review=last_review)  # fmt: skip
    restored = card_from_json(state_json(built), 42)
    assert restored == built
    assert vars(restored) == vars(built)
    assert restored.to_dict() == built.to_dict()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database at all, just text\n" * 10, "not SQLite"),
        (b"SQLite format 3\x00" + b"\xff" * 600, "the file is damaged"),
    ],
)
def test_corrupt_file_gets_a_clear_error_and_is_left_alone(tmp_path: Path, content: bytes, message: str) -> None:
    workspace = make_workspace(tmp_path)
    path = database_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with pytest.raises(StudyprepError) as caught:
        open_store(workspace)
    assert message in caught.value.message
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    path = database_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as foreign:
        foreign.execute("CREATE TABLE songs (title TEXT)")
    before = path.read_bytes()
    with pytest.raises(StudyprepError, match="another program"):
        open_store(workspace)
    assert path.read_bytes() == before


def test_a_database_that_cannot_be_written_says_permissions_not_damage(tmp_path: Path) -> None:
    # Opened read-only by SQLite itself, so the check holds when the tests run as root (which ignores modes).
    workspace = make_workspace(tmp_path)
    open_store(workspace).close()
    path = database_path(workspace)
    store = ReviewStore(path, sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None))
    with pytest.raises(StudyprepError) as raised:
        store.bury(SLUG, "abc", FIXED_NOW)
    store.close()
    assert "check the permissions" in str(raised.value) and "damaged" not in str(raised.value)
    assert "move it aside" not in str(raised.value)


def test_database_from_a_newer_studyprep_is_refused(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    open_store(workspace).close()
    with sqlite3.connect(database_path(workspace)) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StudyprepError, match="newer than this studyprep"):
        open_store(workspace)


def test_mirror_rereads_a_deck_only_when_its_content_changes(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    deck_file = workspace.deck_path(SLUG)
    with open_store(workspace) as store:
        assert store.refresh_mirror(workspace) == [SLUG]
        assert store.refresh_mirror(workspace) == []
        os.utime(deck_file, ns=(1_000_000_000, 1_000_000_000))  # touched, same bytes: hashed, not parsed
        assert store.refresh_mirror(workspace) == []
        deck_file.write_text(deck_file.read_text(encoding="utf-8").replace("TCP slow start", "TCP fast open"),
                             encoding="utf-8")  # fmt: skip
        assert store.refresh_mirror(workspace) == [SLUG]
        prompts = [row[0] for row in store.conn.execute("SELECT prompt FROM cards WHERE deck = ?", (SLUG,))]
        assert "How does TCP fast open work?" in prompts
        deck_file.unlink()
        store.refresh_mirror(workspace)
        assert store.deck_slugs() == []


def test_a_stale_answer_is_refused_so_nothing_is_applied_twice(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    with open_store(workspace) as first, open_store(workspace) as second:
        first.refresh_mirror(workspace)
        card_id = first.new_cards(SLUG, FIXED_NOW, 1)[0]
        scheduler = scheduler_for(load_plan(workspace, SLUG))
        after = review(scheduler, SLUG, card_id, None, 3, FIXED_NOW)
        first.record_answer(SLUG, card_id, 3, FIXED_NOW, 1000, None, after)
        # The second connection computed its answer from the same "new" state: it must not land.
        with pytest.raises(ConflictError):
            second.record_answer(SLUG, card_id, 3, FIXED_NOW, 1000, None, after)
        assert len(second.review_logs(SLUG, card_id)) == 1


def test_a_second_session_gets_a_clear_message(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock), pytest.raises(StudyprepError) as caught, session_at(workspace, clock):
        pass
    assert "another review session is running" in caught.value.message
    assert str(os.getpid()) in caught.value.message
    with session_at(workspace, clock) as session:  # released once the first ends
        assert session.current is not None


def test_readiness_views_states_and_durations(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, new=2) as session:
        for _ in range(2):
            session.reveal()
            clock.advance(seconds=7)
            session.answer(4)
    with open_store(workspace) as store:
        states = store.card_states(SLUG)
        assert len(states) == 8
        assert sum(state is not None for state in states.values()) == 2
        assert store.review_durations(SLUG) == [7000, 7000]


def test_migrating_a_version_1_database_keeps_its_rows_and_fills_in_new_columns(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    path = database_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executemany(
        "INSERT INTO cards (deck, card_id, position, kind, prompt, active) VALUES ('d', ?, ?, 'fact', 'p', 1)",
        [("seen1", 0), ("new1", 1)],
    )
    conn.execute("INSERT INTO card_state VALUES ('d', 'seen1', 2, NULL, 3.0, 5.0, 0, 0, 7)")
    conn.close()
    with open_store(workspace) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 2
        seen = dict(store.conn.execute("SELECT card_id, seen FROM cards WHERE deck = 'd'").fetchall())
        assert seen == {"seen1": 1, "new1": 0}
        assert store.new_cards("d", FIXED_NOW, 10) == ["new1"]


def test_deck_counts_count_each_kind_of_card_once(tmp_path: Path) -> None:
    """Learning and relearning (due today or not), due reviews, buried, suspended, unseen and reset cards."""
    workspace = make_workspace(tmp_path)
    later = FIXED_NOW + timedelta(days=30)

    def state(kind: State, due: datetime) -> Card:
        step = None if kind == State.Review else 0
        return Card(card_id=1, state=kind, step=step, stability=2.0, difficulty=5.0, due=due,
                    last_review=FIXED_NOW - timedelta(days=1))  # fmt: skip

    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        ids = list(store.card_states(SLUG))
        store.replace_state(SLUG, ids[0], state(State.Learning, FIXED_NOW), 1)
        store.replace_state(SLUG, ids[1], state(State.Relearning, FIXED_NOW + timedelta(hours=2)), 2)
        store.replace_state(SLUG, ids[2], state(State.Learning, later), 3)  # not due today
        store.replace_state(SLUG, ids[3], state(State.Review, FIXED_NOW - timedelta(days=2)), 4)
        store.replace_state(SLUG, ids[4], state(State.Review, FIXED_NOW), 5)
        store.replace_state(SLUG, ids[5], state(State.Review, later), 6)  # not due today
        store.replace_state(SLUG, ids[6], state(State.Review, FIXED_NOW), 7)
        store.replace_state(SLUG, ids[6], None, 7)  # history dropped: new again
        store.bury(SLUG, ids[4], FIXED_NOW + timedelta(hours=1))
        end = FIXED_NOW + timedelta(hours=12)
        counts = store.deck_counts(SLUG, FIXED_NOW, FIXED_NOW - timedelta(hours=1), end, new_per_day=20)
        assert (counts.learning, counts.review, counts.new_available) == (2, 1, 2)  # ids 6 and 7 are unseen
        assert counts.next_due == FIXED_NOW + timedelta(hours=2)
        planned = store.deck_counts(SLUG, FIXED_NOW, FIXED_NOW - timedelta(hours=1), end, 20, planned=True)
        assert (planned.learning, planned.review, planned.new_available) == (2, 0, 0)  # the plan serves the rest
        assert store.deck_counts(SLUG, FIXED_NOW, FIXED_NOW, end, new_per_day=1).new_available == 1
