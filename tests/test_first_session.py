"""The first session of a study day decides every deadline deck's plan before its first card, in this process:
it serves what a session whose plans were decided earlier in the day serves, says the same when left, and a plan
that cannot be decided ends it in one line. On a real workspace and SQLite file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import FIXED_NOW, REPO
from review_helpers import DOC, Clock, session_at, set_plan

from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.schedule.queue import QueueEntry, ReviewQueue, build_queue
from studyprep.schedule.session import ReviewSession
from studyprep.schedule.today import deck_days
from studyprep.store.db import ReviewStore, open_store
from studyprep.store.workspace import Workspace

# Deck order is slug order: a tight budget first (its room runs out), then two roomier dated decks, a plain one.
DECKS = {"a-tight": {"daily_budget_cards": 3, "days": 6}, "b-dated": {"daily_budget_cards": 40, "days": 4},
         "c-dated": {"daily_budget_cards": 40, "days": 9}, "d-plain": None}  # fmt: skip
CAPS = [{}, {"limit": 0}, {"limit": 1}, {"limit": 2}, {"new_limit": 0}, {"new_limit": 1}, {"limit": 4, "new_limit": 2}]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    document = tmp_path / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    for slug, plan in DECKS.items():
        import_document(workspace, document, FIXED_NOW, deck=slug)
        if plan is None:
            set_plan(workspace, slug)
        else:
            set_plan(workspace, slug, interview_at=FIXED_NOW + timedelta(days=plan["days"]),
                     daily_budget_cards=plan["daily_budget_cards"])  # fmt: skip
    return workspace


def lanes(queue: ReviewQueue) -> list[list[QueueEntry]]:
    return [list(lane) for lane in (queue.learning, queue.planned, queue.reviews, queue.new)]


def forget_day_plans(store: ReviewStore) -> None:
    store.conn.execute("DELETE FROM day_plan")


def kept_plans(store: ReviewStore) -> int:
    return store.conn.execute("SELECT count(*) FROM day_plan").fetchone()[0]


def study_days(workspace: Workspace) -> Iterator[Clock]:
    """Moments a first session meets: fresh decks, learning cards due now (some failed) or soon, the next days'
    reviews with and without learning steps owed."""
    clock = Clock(FIXED_NOW)
    yield clock
    answer(workspace, clock, [1, 3, 1, 3, 4, 1, 2, 3])
    yield clock
    for day in range(3):
        answer(workspace, clock, [3] * 40)  # the day's learning steps done: tomorrow starts with planned cards
        clock.advance(days=1)
        yield clock
        answer(workspace, clock, [3, 1, 4][day:], last_minutes=2)  # a step due in minutes: shown early or not
        yield clock


def answer(workspace: Workspace, clock: Clock, ratings: list[int], last_minutes: int = 11) -> None:
    with session_at(workspace, clock) as session:
        for number, rating in enumerate(ratings, 1):
            if session.current is None:
                return
            session.reveal()
            session.answer(rating)
            clock.advance(minutes=last_minutes if number == len(ratings) else 11)


def answered_in_order(workspace: Workspace, warm: bool) -> tuple[list[tuple[str, str]], int | None]:
    """Every card a first session of the day shows, answered Good; and the count of cards left on screen first.

    `warm`: the day's plans are decided beforehand (by `build_queue`, as a `due` earlier in the day would)."""
    clock = Clock(FIXED_NOW + timedelta(days=1))
    with open_store(workspace) as store:
        forget_day_plans(store)
        if warm:
            build_queue(store, deck_days(workspace, store, store.deck_slugs(), clock.now), clock.now)
    shown = []
    with session_at(workspace, clock) as session:
        first_left = session.progress().left
        while session.current is not None:
            shown.append(session.current.entry.key)
            session.reveal()
            session.answer(3)
            clock.advance(minutes=11)
    return shown, first_left


def test_a_first_session_serves_the_same_cards_as_one_whose_plans_were_decided_first(
    workspace: Workspace, tmp_path: Path
) -> None:
    with session_at(workspace, Clock(FIXED_NOW)) as session:  # day 0: some cards seen, some left new
        for _ in range(9):
            session.reveal()
            session.answer(3)
    twin = Workspace(tmp_path / "twin")
    shutil.copytree(workspace.root, twin.root)
    cold, cold_left = answered_in_order(workspace, warm=False)
    warm, warm_left = answered_in_order(twin, warm=True)
    assert cold == warm and len(cold) > 10
    assert len({deck for deck, _ in cold}) == 4
    assert warm_left > 0
    assert cold_left == warm_left  # the whole queue is counted from the first card on


def test_a_session_left_before_its_queue_is_complete_says_what_a_complete_one_says(
    workspace: Workspace, tmp_path: Path
) -> None:
    twin = Workspace(tmp_path / "twin")
    shutil.copytree(workspace.root, twin.root)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        left_early = session.finish()
    with open_store(twin) as store:
        store.refresh_mirror(twin)
        build_queue(store, deck_days(twin, store, store.deck_slugs(), clock.now), clock.now)
    with session_at(twin, clock) as session:
        completed = session.finish()
    assert left_early == completed and completed.due_left > 0
    with open_store(workspace) as store:
        assert kept_plans(store) == 3


def test_a_plain_session_has_nothing_pending(workspace: Workspace) -> None:
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, decks=["d-plain"]) as session:
        assert isinstance(session, ReviewSession)
        assert session.progress().left == 5 + 3


def run_cli(workspace: Workspace, now: datetime, *args: str, keys: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": now.isoformat(), "TZ": "UTC"}
    return subprocess.run([sys.executable, "-m", "studyprep", *args], input=keys, capture_output=True, text=True,
                          env=env, cwd=str(REPO), timeout=60, check=False)  # fmt: skip


def damage_a_state_row(workspace: Workspace, deck: str) -> Clock:
    """A study day whose first session decides `deck`'s plan in the background, with one of its card state rows
    holding a state no studyprep wrote (a hand edit, a stray tool): the day after some first answers."""
    clock = Clock(FIXED_NOW)
    answer(workspace, clock, [3] * 8)
    with open_store(workspace) as store:
        (card_id,) = store.conn.execute("SELECT min(card_id) FROM card_state WHERE deck = ?", (deck,)).fetchone()
        store.conn.execute("UPDATE card_state SET state = 9 WHERE deck = ? AND card_id = ?", (deck, card_id))
        forget_day_plans(store)
    clock.advance(days=1)
    return clock


def test_a_damaged_state_row_is_one_line_naming_the_database(workspace: Workspace) -> None:
    clock = damage_a_state_row(workspace, "c-dated")
    done = run_cli(workspace, clock.now, "due")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert "reviews.db" in done.stderr and "`studyprep check` lists it" in done.stderr


def logged(workspace: Workspace) -> int:
    with open_store(workspace) as store:
        return store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


def test_a_plan_that_cannot_be_decided_ends_the_session_in_one_line(workspace: Workspace) -> None:
    clock = damage_a_state_row(workspace, "c-dated")
    before = logged(workspace)
    for keys in ("\n3\n", "s\n", "q\n", ""):  # an answer, a bury, a quit, the end of the input
        done = run_cli(workspace, clock.now, "review", keys=keys)
        assert done.returncode == 1 and "Traceback" not in done.stderr, (keys, done.stderr)
        assert "Error" not in done.stdout, keys  # said once, not as a notice and again on the way out
        assert done.stderr.splitlines() == [done.stderr.strip()], keys
        assert done.stderr.startswith("Error: ") and "reviews.db" in done.stderr and "c-dated" in done.stderr
    assert logged(workspace) == before


def test_in_a_terminal_a_plan_that_cannot_be_decided_ends_the_session_in_one_line(
    workspace: Workspace,
) -> None:
    import pexpect

    clock = damage_a_state_row(workspace, "c-dated")
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": clock.now.isoformat(), "TZ": "UTC",
           "TERM": "xterm-256color"}  # fmt: skip
    child = pexpect.spawn(sys.executable, ["-m", "studyprep", "review"], cwd=str(REPO), env=env, encoding="utf-8",
                          timeout=15, dimensions=(50, 250))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    output = child.before or ""
    assert "Traceback" not in output and "Session over" not in output
    assert output.count("Error") == 1 and "c-dated has a scheduling state" in output


def test_building_again_after_a_keep_that_failed_part_way_gives_the_whole_queue(workspace: Workspace) -> None:
    """A queue is built again after the first try stopped part way through storing the plans (an interrupt, a
    write refused): the decks stored before the stop must not shift the rest against their plans."""
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        days = deck_days(workspace, store, store.deck_slugs(), FIXED_NOW)
        forget_day_plans(store)
        last = [day.slug for day in days if day.plan is not None][-1]
        store.conn.execute("CREATE TEMP TRIGGER refuse BEFORE INSERT ON day_plan WHEN NEW.deck = 'LAST'"
                           " BEGIN SELECT RAISE(ABORT, 'write refused'); END".replace("LAST", last))  # fmt: skip
        with pytest.raises(StudyprepError, match="write refused"):
            build_queue(store, days, FIXED_NOW)
        assert 0 < kept_plans(store) < 3
        store.conn.execute("DROP TRIGGER refuse")
        whole = build_queue(store, days, FIXED_NOW)
        forget_day_plans(store)
        assert lanes(whole) == lanes(build_queue(store, days, FIXED_NOW))
