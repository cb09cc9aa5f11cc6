"""Scheduling against `fsrs` directly, replay of the log, and the study plan file."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from helpers import FIXED_NOW
from review_helpers import SLUG, Clock, make_workspace, session_at

from studyprep.clock import study_day
from studyprep.errors import StudyprepError
from studyprep.schedule.scheduling import preview, rebuild_card_state, replay, review, scheduler_for
from studyprep.store.db import fsrs_card_id, open_store
from studyprep.store.plan import load_plan, plan_path
from studyprep.store.workspace import Workspace


def test_same_ratings_and_times_give_the_same_states_as_fsrs(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, fuzz=False)
    direct = Scheduler(enable_fuzzing=False)
    ratings = [3, 3, 1, 3, 2, 4, 3]
    clock = Clock(FIXED_NOW)
    expected: Card | None = None
    card_id = ""
    for rating in ratings:
        with session_at(workspace, clock, limit=1, new=1) as session:
            assert session.current is not None
            card_id = session.current.card.card_id
            session.reveal()
            session.answer(rating)
            stored = session.store.get_state(SLUG, card_id)
        expected = expected or Card(card_id=fsrs_card_id(SLUG, card_id), due=clock.now)
        expected, _ = direct.review_card(expected, Rating(rating), clock.now)
        assert stored is not None and stored.card == expected
        clock.now = max(expected.due, clock.now) + timedelta(hours=1)


def test_replaying_the_log_gives_the_stored_state_with_fuzz_on(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, fuzz=True, new_cards_per_day=8)
    chooser = random.Random(7)
    clock = Clock(FIXED_NOW)
    for _ in range(40):
        with session_at(workspace, clock) as session:
            while session.current is not None:
                session.reveal()
                session.answer(chooser.choice([1, 2, 3, 3, 3, 4]) if session.answered < 30 else 4)
                clock.advance(seconds=chooser.randint(5, 90))
        clock.advance(days=chooser.choice([1, 1, 2, 3]))
    plan = load_plan(workspace, SLUG)
    with open_store(workspace) as store:
        states = store.card_states(SLUG)
        assert all(state is not None for state in states.values())
        for card_id, state in states.items():
            logs = store.review_logs(SLUG, card_id)
            assert len(logs) >= 2
            assert replay(scheduler_for(plan), SLUG, card_id, logs) == store.get_state(SLUG, card_id).card
            assert vars(state) == {**vars(store.get_state(SLUG, card_id).card), "card_id": 0}  # bulk reads: id 0


def test_interval_on_each_key_is_what_the_answer_gives(tmp_path: Path) -> None:
    scheduler = Scheduler(enable_fuzzing=True)
    card = None
    now = FIXED_NOW
    for rating in (3, 3, 3, 2, 3):
        shown = preview(scheduler, SLUG, "abc123def456", card, now)
        card = review(scheduler, SLUG, "abc123def456", card, rating, now)
        assert card.due - now == shown[rating]
        now = card.due + timedelta(days=1)
    assert shown[4] > shown[3] > shown[2]


def test_rebuild_after_an_appended_earlier_review_replays_in_time_order(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, fuzz=False)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, limit=1, new=1) as session:
        assert session.current is not None
        card_id = session.current.card.card_id
        session.reveal()
        session.answer(3)
    earlier = FIXED_NOW - timedelta(days=3)
    scheduler = scheduler_for(load_plan(workspace, SLUG))
    with open_store(workspace) as store:
        log_id = store.append_review(SLUG, card_id, 4, earlier, 8000, source="anki", external_id="1700000000000")
        assert log_id is not None
        assert store.append_review(SLUG, card_id, 4, earlier, 8000, source="anki", external_id="1700000000000") is None
        rebuilt = rebuild_card_state(store, SLUG, card_id, scheduler)
        stored = store.get_state(SLUG, card_id)
        logs = store.review_logs(SLUG, card_id)
    direct = Scheduler(enable_fuzzing=False)
    expected = Card(card_id=fsrs_card_id(SLUG, card_id), due=earlier)
    expected, _ = direct.review_card(expected, Rating.Easy, earlier)
    expected, _ = direct.review_card(expected, Rating.Good, FIXED_NOW)
    assert rebuilt == expected and stored is not None and stored.card == expected
    assert [log.source for log in logs] == ["anki", "studyprep"]
    assert logs[0].was_new  # the Anki review was the card's first


def test_plan_defaults_are_written_on_first_use(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    plan = load_plan(workspace, "some-deck")
    text = plan_path(workspace, "some-deck").read_text(encoding="utf-8")
    assert "desired_retention: 0.9" in text and "new_cards_per_day: 20" in text
    assert plan.scheduler.parameters == list(Scheduler().parameters)
    scheduler = scheduler_for(plan)
    assert scheduler.learning_steps == Scheduler().learning_steps
    assert load_plan(workspace, "some-deck") == plan


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        ("new_cards_per_day: 20", "new_cards_per_dya: 20", "unknown key"),
        ("  - 10m\n  maximum", "  - 10 minutes\n  maximum", "not a duration"),
        ("  - 0.212\n", "  - 900\n", "outside FSRS's range"),
        ("time_zone: null", "time_zone: Mars/Olympus", "unknown time zone"),
    ],
)
def test_a_broken_plan_names_the_file_and_line(tmp_path: Path, change: str, message: str, line: str) -> None:
    workspace = Workspace(tmp_path)
    load_plan(workspace, "deck")
    path = plan_path(workspace, "deck")
    text = path.read_text(encoding="utf-8")
    assert change in text
    path.write_text(text.replace(change, message, 1), encoding="utf-8")
    with pytest.raises(StudyprepError) as caught:
        load_plan(workspace, "deck")
    assert line in caught.value.message
    assert caught.value.path == str(path) and caught.value.line is not None


def test_study_day_starts_at_the_planned_hour_in_the_planned_zone() -> None:
    zone = "America/New_York"
    # 07:00 UTC on 1 Jan = 02:00 in New York: still the previous study day (which starts at 04:00 local).
    start, end = study_day(datetime(2026, 1, 1, 7, 0, tzinfo=UTC), 4, zone)
    assert start == datetime(2025, 12, 31, 9, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    start, _ = study_day(datetime(2026, 1, 1, 10, 0, tzinfo=UTC), 4, zone)
    assert start == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
