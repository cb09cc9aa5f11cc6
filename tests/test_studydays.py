"""Elapsed time in study days, as Anki counts it: fsrs fed converted times, and the migration that replays logs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Card, Rating, Scheduler, State
from helpers import FIXED_NOW
from review_helpers import SLUG, Clock, make_workspace, session_at

from studyprep.schedule.replays import open_store
from studyprep.schedule.scheduling import replay, scheduler_for
from studyprep.schedule.studydays import StudyDayScheduler, study_days_between
from studyprep.store.plan import load_plan

PLAIN = Scheduler(enable_fuzzing=False)
STUDY_DAYS = StudyDayScheduler(enable_fuzzing=False, day_starts_at_hour=4, time_zone="Europe/Berlin")


def reviewed(at: datetime, stability: float = 3.0) -> Card:
    return Card(card_id=1, state=State.Review, stability=stability, difficulty=5.0, due=at, last_review=at)


def test_study_days_turn_at_the_rollover_hour_in_the_plans_time_zone() -> None:
    # Berlin is UTC+1 in January: the study day turns at 03:00 UTC.
    evening = datetime(2026, 1, 5, 21, 0, tzinfo=UTC)
    assert study_days_between(evening, datetime(2026, 1, 6, 2, 59, tzinfo=UTC), 4, "Europe/Berlin") == 0
    assert study_days_between(evening, datetime(2026, 1, 6, 3, 0, tzinfo=UTC), 4, "Europe/Berlin") == 1
    assert study_days_between(evening, datetime(2026, 1, 6, 3, 0, tzinfo=UTC), 4, "UTC") == 0


def test_a_review_two_study_days_later_counts_two_days_not_one() -> None:
    # The case: 09:21, then 09:10 two days later. fsrs counts one whole day; Anki counts two.
    first = datetime(2026, 1, 5, 8, 21, tzinfo=UTC)
    later = datetime(2026, 1, 7, 8, 10, tzinfo=UTC)
    counted, _ = STUDY_DAYS.review_card(reviewed(first), Rating.Good, later)
    as_anki, _ = PLAIN.review_card(reviewed(later - timedelta(days=2)), Rating.Good, later)
    as_24h, _ = PLAIN.review_card(reviewed(first), Rating.Good, later)
    assert counted.stability == as_anki.stability and counted.difficulty == as_anki.difficulty
    assert counted.stability != as_24h.stability
    assert counted.last_review == later and counted.due == as_anki.due  # the real moment is kept


def test_a_late_evening_then_early_morning_review_is_a_day_apart_not_a_same_day_one() -> None:
    evening = datetime(2026, 1, 5, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    morning = datetime(2026, 1, 6, 5, 0, tzinfo=UTC)  # 06:00 in Berlin, after the 04:00 rollover
    counted, _ = STUDY_DAYS.review_card(reviewed(evening), Rating.Good, morning)
    short_term, _ = PLAIN.review_card(reviewed(evening), Rating.Good, morning)
    a_day, _ = PLAIN.review_card(reviewed(morning - timedelta(days=1)), Rating.Good, morning)
    assert counted.stability == a_day.stability != short_term.stability


def test_the_study_day_migration_replays_existing_histories(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=None)
    clock = Clock(FIXED_NOW.replace(hour=23))
    for minutes_later in (0, 6 * 60, 2 * 24 * 60 - 30):  # 23:00; 05:00 next study day; 22:30 two days on
        clock.now = FIXED_NOW.replace(hour=23) + timedelta(minutes=minutes_later)
        with session_at(workspace, clock) as session:
            session.reveal()
            session.answer(3)
    with open_store(workspace) as store:
        # The first card: Good at 23:00 (a learning step), Good at 05:00 in the next study day, 6 hours later.
        card_id = max(store.logged_cards(SLUG), key=lambda card: len(store.review_logs(SLUG, card)))
        log_entries = store.review_logs(SLUG, card_id)
        assert len(log_entries) >= 2
        study_day_state = store.get_state(SLUG, card_id).card
    plain = scheduler_for(load_plan(workspace, SLUG))
    plain.day_starts_at_hour = None  # fsrs's own 24-hour days, as studyprep counted before
    old_state = replay(plain, SLUG, card_id, log_entries)
    assert old_state.stability != study_day_state.stability
    # Put the database back as the previous version left it: 24-hour states, schema version 8.
    database = workspace.schedules_dir / "reviews.db"
    conn = sqlite3.connect(database)
    with conn:
        old = (old_state.stability, old_state.difficulty, int(old_state.due.timestamp() * 1e6), card_id)
        conn.execute("UPDATE card_state SET stability = ?, difficulty = ?, due = ? WHERE card_id = ?", old)
        conn.execute("DROP TABLE pending_replay")
        conn.execute("DROP TABLE deck_cache")  # step 10's table: a version 8 database has neither
        conn.execute("PRAGMA user_version = 8")
    conn.close()
    with open_store(workspace) as store:
        assert store.conn.execute("SELECT deck, reason FROM pending_replay").fetchall() == [(SLUG, "study-days")]
        store.refresh_mirror(workspace)  # the first command that mirrors the decks replays them
        assert store.get_state(SLUG, card_id).card.stability == study_day_state.stability
        assert store.conn.execute("SELECT count(*) FROM pending_replay").fetchone()[0] == 0


def test_the_anki_order_migration_replays_existing_histories(tmp_path: Path) -> None:
    """Due moments stored before passing intervals kept Anki's order are worked out again from the logs."""
    workspace = make_workspace(tmp_path, interview_at=None)
    clock = Clock(FIXED_NOW.replace(hour=9))
    with session_at(workspace, clock) as session:
        session.reveal()
        session.answer(4)  # Easy: into Review
    with open_store(workspace) as store:
        card_id = store.logged_cards(SLUG)[0]
        replayed = store.get_state(SLUG, card_id).card
    database = workspace.schedules_dir / "reviews.db"
    conn = sqlite3.connect(database)
    with conn:  # as version 10 left it: a due moment worked out otherwise
        earlier = int((replayed.due - timedelta(days=1)).timestamp() * 1e6)
        conn.execute("UPDATE card_state SET due = ? WHERE card_id = ?", (earlier, card_id))
        conn.execute("PRAGMA user_version = 10")
    conn.close()
    with open_store(workspace) as store:
        assert store.conn.execute("SELECT deck, reason FROM pending_replay").fetchall() == [(SLUG, "anki-order")]
        assert store.get_state(SLUG, card_id).card.due != replayed.due
        store.refresh_mirror(workspace)
        assert store.get_state(SLUG, card_id).card.due == replayed.due
        assert store.conn.execute("SELECT count(*) FROM pending_replay").fetchone()[0] == 0
