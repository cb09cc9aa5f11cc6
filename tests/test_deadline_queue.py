"""The review queue under an interview date, across simulated days, on a real workspace and SQLite database.

Days are stepped with an injected clock for the sessions and with STUDYPREP_NOW for `due` and `decks`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXED_NOW
from review_helpers import DOC, PROMPTS, SLUG, Clock, answer_all, make_workspace, session_at, set_plan

from studyprep.cli import cli
from studyprep.clock import isoformat
from studyprep.commands.importing import import_document
from studyprep.result import to_json
from studyprep.schedule.deadline import recall_at
from studyprep.schedule.scheduling import scheduler_for
from studyprep.schedule.session import ReviewSession
from studyprep.store.db import open_store
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace

INTERVIEW = FIXED_NOW + timedelta(days=4)  # four daily sessions at 09:00 UTC, the last one the day before


def cli_json(workspace: Workspace, now: datetime, *args: str) -> object:
    env = {"STUDYPREP_NOW": isoformat(now), "TZ": "UTC"}
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), *args, "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def queued(session: ReviewSession) -> list[tuple[str, str]]:
    """(kind, card id) of every card waiting, in serving order (the card on screen first)."""
    lanes = [*session.queue.learning, *session.queue.planned, *session.queue.reviews, *session.queue.new]
    return [(entry.kind, entry.card_id) for entry in lanes]


def prompts_to_ids(workspace: Workspace) -> dict[str, str]:
    with open_store(workspace) as store:
        return dict(store.conn.execute("SELECT prompt, card_id FROM cards WHERE deck = ?", (SLUG,)).fetchall())


def test_deadline_paces_new_cards_brings_reviews_forward_weakest_first_then_plain_fsrs(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=100, fuzz=False)
    clock = Clock(FIXED_NOW)
    # Day 0: 4 sessions left, the last kept for consolidation: 8 cards over 3 days -> 3 new today, document
    # order (plain FSRS would offer all 8 under the default limit of 20 a day). `due` counts what the queue
    # serves.
    assert cli_json(workspace, clock.now, "due")["decks"][0]["new"] == 3
    with session_at(workspace, clock) as session:
        assert answer_all(session, 4) == PROMPTS[:3]
    clock.advance(days=1)
    with session_at(workspace, clock) as session:
        assert answer_all(session, 4) == PROMPTS[3:6]  # nothing else: a review now would come too soon
    # Day 2, the final window: the day's new cards, then a share of the final reviews (cards a review now
    # leaves strong enough on the day), so they do not all pile onto the last session.
    clock.advance(days=1)
    with session_at(workspace, clock) as session:
        day_two = answer_all(session, 4)
    assert day_two[:2] == PROMPTS[6:8] and 1 <= len(day_two) - 2 < 8
    early = set(day_two[2:])
    # Day 3, the last session: every other card not yet secure for the day, although plain FSRS has scheduled
    # them all after the interview; lowest predicted recall at the interview first.
    clock.advance(days=1)
    plan = load_plan(workspace, SLUG)
    scheduler = scheduler_for(plan)
    with open_store(workspace) as store:
        states = store.card_states(SLUG)
    assert all(state.due > INTERVIEW for state in states.values() if state is not None)
    due_today = cli_json(workspace, clock.now, "due")["decks"][0]
    assert (due_today["review"], due_today["new"]) == (8 - len(early), 0)
    with session_at(workspace, clock) as session:
        order = queued(session)
        assert {kind for kind, _ in order} == {"review"} and len(order) == 8 - len(early)
        on_the_day = [recall_at(scheduler, states[card_id], INTERVIEW) for _, card_id in order]
        assert on_the_day == sorted(on_the_day) and on_the_day[0] < on_the_day[-1]
        answer_all(session, 3)
    # After the interview: plain FSRS again (no deadline lane, due reviews most overdue first, no readiness).
    clock.now = INTERVIEW + timedelta(days=20)
    due_after = cli_json(workspace, clock.now, "due")["decks"][0]
    assert "readiness" not in due_after
    with open_store(workspace) as store:
        plain = [card_id for card_id, _ in store.due_reviews(SLUG, clock.now + timedelta(hours=19), clock.now)]
    assert due_after["review"] == len(plain) > 0
    with session_at(workspace, clock) as session:
        assert session.decks[0].plan is None
        assert queued(session) == [("review", card_id) for card_id in plain]


def test_daily_budget_is_shared_by_the_day_sessions_and_learning_steps_count(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=FIXED_NOW + timedelta(days=3), daily_budget_cards=5)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        # The pace would be 4 new cards a day (8 before the last day); the budget of 5 answers holds 2 (a new
        # card costs 2.3 answers here: two steps, both owed again when failed at first sight), as `due` says.
        assert len(session.queue.planned) == 2 and len(session.queue) == 2
    assert cli_json(workspace, clock.now, "due")["decks"][0]["new"] == 2
    with session_at(workspace, clock, new=1) as session:
        assert len(session.queue.planned) == len(session.queue) == 1  # `--new 1` caps them
    with session_at(workspace, clock, new=2) as session:
        session.reveal()
        session.answer(1)  # again: both learning steps follow today and cost answers of the budget
        # 1 answer given and 2 owed leave 2: no room for the second new card (2.3), the failed one comes early.
        assert session.current is not None and session.current.entry.kind == "learning"
        session.reveal()
        session.answer(4)
    clock.advance(minutes=2)
    with session_at(workspace, clock) as session:
        # 2 answers given, none owed: the 3 left hold the second new card.
        assert [kind for kind, _ in queued(session)] == ["new"]
        answer_all(session, 4)
    counts = cli_json(workspace, clock.now, "due")["decks"][0]
    assert (counts["learning"], counts["new"], counts["new_today"]) == (0, 0, 2)
    clock.advance(days=1)
    with session_at(workspace, clock) as session:
        assert len(session.queue.planned) == 2  # a new day, a new budget


def test_buried_cards_leave_the_deadline_lane(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=100)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        session.bury()
        assert answer_all(session, 4) == PROMPTS[1:3]
    clock.advance(days=1)
    with session_at(workspace, clock) as session:
        assert answer_all(session, 4)[0] == PROMPTS[0]  # back the next day, first in document order


def test_decks_shows_days_left_and_readiness_today(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=100, fuzz=False)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        answer_all(session, 4)
    clock.advance(hours=6)
    listed = cli_json(workspace, clock.now, "decks")[0]
    scheduler = scheduler_for(load_plan(workspace, SLUG))
    with open_store(workspace) as store:
        states = list(store.card_states(SLUG).values())
    expected = sum(recall_at(scheduler, state, INTERVIEW) for state in states) / len(states)
    assert listed["readiness"] == {
        "interview": isoformat(INTERVIEW),
        "days_left": 3,
        "hours_left": 90.0,
        "seconds_left": 90 * 3600,
        "readiness_today": round(expected, 4),
    }
    assert 0 < expected < 3 / 8  # three cards seen of eight, none certain four days later
    env = {"STUDYPREP_NOW": isoformat(clock.now), "TZ": "UTC"}
    shown = CliRunner().invoke(cli, ["--home", str(workspace.root), "decks"], env=env, catch_exceptions=False)
    assert f"{round(expected * 100)}%" in shown.output and "interview in 3 days 18 hours" in shown.output
    set_plan(workspace, interview_at=None)
    assert cli_json(workspace, clock.now, "decks")[0]["readiness"] is None


def test_the_day_plan_is_read_back_until_the_deck_changes_and_always_matches_a_fresh_one(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=100)
    clock = Clock(FIXED_NOW)

    def kept_and_fresh() -> tuple[object, object]:
        kept = cli_json(workspace, clock.now, "due")["decks"][0]
        with open_store(workspace) as store:
            store.conn.execute("DELETE FROM day_plan")
        return kept, cli_json(workspace, clock.now, "due")["decks"][0]

    first = cli_json(workspace, clock.now, "due")["decks"][0]
    assert first["new"] == 3
    with open_store(workspace) as store:
        # Emptied by hand, the stored plan is what the next command serves: it is read back, not re-decided.
        store.conn.execute("UPDATE day_plan SET plan = json_set(plan, '$.cards', json('[]'))")
    assert cli_json(workspace, clock.now + timedelta(hours=1), "due")["decks"][0]["new"] == 0
    with open_store(workspace) as store:
        store.conn.execute("DELETE FROM day_plan")
    with session_at(workspace, clock) as session:
        session.reveal()
        session.answer(3)
        kept, fresh = kept_and_fresh()
        assert kept == fresh and kept["new"] == 2
        session.undo()  # the log shrinks back: a counter, not the newest id, tells the plans apart
        kept, fresh = kept_and_fresh()
        assert kept == fresh == first
        session.bury()
        session.reveal()
        session.answer(4)
    kept, fresh = kept_and_fresh()
    assert kept == fresh and kept["new"] == 1
    edited = tmp_path / "edited.md"
    edited.write_text(DOC.replace("- Explain BGP route flapping.\n", ""), encoding="utf-8")
    import_document(workspace, edited, clock.now, deck=SLUG)
    kept, fresh = kept_and_fresh()
    assert kept == fresh


LARGE_DOC = "# Interview Prep: Acme – SRE\n\n## Interview Questions\n" + "".join(
    f"- How would you debug outage number {number}?\n" for number in range(40)
)


def test_a_session_keeps_to_the_budget_counting_the_learning_steps_its_new_cards_owe(tmp_path: Path) -> None:
    # A new card costs 2.3 answers here on average (two steps answered Good; failed at first sight, as 30% are,
    # it owes both again): a budget of 6 answers is 2 new cards, as the plan and its projection count them, not
    # 6 cards and 12 answers, nor floor(6) = 6 or 3 of them.
    workspace = make_workspace(tmp_path, LARGE_DOC, interview_at=FIXED_NOW + timedelta(days=5),
                               daily_budget_cards=6, learning_steps=["1m", "10m"])  # fmt: skip
    clock = Clock(FIXED_NOW)
    assert cli_json(workspace, FIXED_NOW, "due")["decks"][0]["new"] == 2  # what `due` expects the session to do
    with session_at(workspace, clock) as session:
        assert len(session.queue.planned) == 2
        assert len(session.queue) == 2  # the count left on screen: what `due` expects
        while session.current is not None:
            session.reveal()
            session.answer(3)
            clock.advance(minutes=11)
        assert session.answered == 4
    with open_store(workspace) as store:
        (slug,) = store.deck_slugs()
        assert store.new_cards_since(slug, FIXED_NOW - timedelta(hours=1)) == 2
        assert store.answers_since(slug, FIXED_NOW - timedelta(hours=1)) == 4
    with session_at(workspace, clock) as session:
        # 2 answers left hold no new card (2.3), only reviews: the day never goes over its 6 answers.
        assert all(kind == "review" for kind, _ in queued(session))
        answer_all(session, 3)
    with open_store(workspace) as store:
        assert store.new_cards_since(slug, FIXED_NOW - timedelta(hours=1)) == 2
        assert store.answers_since(slug, FIXED_NOW - timedelta(hours=1)) <= 6


def test_a_card_failed_at_first_sight_holds_back_every_step_it_owes(tmp_path: Path) -> None:
    # Budget 7: 3 new cards planned (6.9 answers). The first is failed at first sight: it owes both steps
    # again (1m, 10m), so 1 answer given + 2 owed leave 4, which hold one more new card (2.3), not two.
    workspace = make_workspace(tmp_path, LARGE_DOC, interview_at=FIXED_NOW + timedelta(days=5),
                               daily_budget_cards=7, learning_steps=["1m", "10m"])  # fmt: skip
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        assert len(session.queue) == 3
        session.reveal()
        session.answer(1)
        assert session.queue.learning[0].owes == 2
        assert len(session.queue) == 1 + 1  # the learning card, and one new card that still fits
    assert cli_json(workspace, clock.now, "due")["decks"][0]["new"] == 1  # `due` counts the same
    with session_at(workspace, clock) as session:
        answered = 0
        while session.current is not None:
            session.reveal()
            session.answer(3)
            answered += 1
            clock.advance(minutes=11)
        assert 1 + answered <= 7  # the failed card's two steps, then the one new card's two: 5 in all
        assert answered == 4


def test_an_undone_answer_gives_its_budget_back(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, LARGE_DOC, interview_at=FIXED_NOW + timedelta(days=5),
                               daily_budget_cards=2, learning_steps=[])  # fmt: skip
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        for _ in range(2):
            session.reveal()
            session.answer(3)  # no learning steps: one answer a card
        assert session.current is None and len(session.queue) == 0
        assert session.undo()
        assert session.current is not None and len(session.queue) >= 1
        session.reveal()
        session.answer(3)
        assert session.current is None and session.answered == 2


def today_figures(workspace: Workspace, now: datetime) -> tuple[tuple[int, int], tuple[int, int]]:
    """(reviews, new) today as `due` counts them, and as `readiness`' first row of the daily plan has them."""
    due = cli_json(workspace, now, "due")["decks"][0]
    (report,) = cli_json(workspace, now, "readiness")
    first = report["daily_plan"][0]
    return (due["review"], due["new"]), (round(first["reviews"]), round(first["new"]))


def test_the_plan_due_readiness_and_the_session_agree_on_today_and_readiness_plays_no_session_twice(
    tmp_path: Path,
) -> None:
    workspace = make_workspace(tmp_path, LARGE_DOC, interview_at=FIXED_NOW + timedelta(days=6),
                               daily_budget_cards=12, learning_steps=["1m", "10m"])  # fmt: skip
    clock = Clock(FIXED_NOW)
    due, first_row = today_figures(workspace, clock.now)
    assert due == first_row == (0, 5)  # 12 answers hold 5 new cards at 2.3 answers each
    with session_at(workspace, clock) as session:
        assert len(session.queue) == 5
    (before,) = cli_json(workspace, clock.now, "readiness")
    with session_at(workspace, clock) as session:
        for rating in (3, 1, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3):
            if session.current is None:
                break
            session.reveal()
            session.answer(rating)
            clock.advance(minutes=11)
        answered = session.answered
    assert answered <= 12
    # Later the same day: the budget is spent, and readiness does not play today's session out again.
    due, first_row = today_figures(workspace, clock.now)
    assert due == first_row
    (after,) = cli_json(workspace, clock.now, "readiness")
    assert after["daily_plan"][0]["new"] == 0
    answers_left = after["daily_plan"][0]["minutes"] * 60 / after["seconds_per_answer"]
    assert answers_left <= 12 - answered + 0.5  # only what is left of today's budget (the pace is rounded)
    # Before, today's 12 answers were still to come; after, they are done: the projection grows by no more than
    # the studying it saw, rather than by a second session today.
    assert after["readiness_projected"] <= before["readiness_projected"] + 0.05


KEPT_SHAPE = {"cards": [], "learning": 0, "room": 3, "budget": 3, "answered": 0, "final_days": False,
              "readiness_today": 0.0, "answers_per_new": 1.0}  # fmt: skip


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        "[1, 2]",
        json.dumps({"cards": [["x", True]]}),
        json.dumps({**KEPT_SHAPE, "cards": [["x"]]}),
        json.dumps({**KEPT_SHAPE, "room": "3"}),
        json.dumps({**KEPT_SHAPE, "final_days": 0}),
    ],
)
def test_a_kept_day_plan_broken_by_hand_is_decided_again(tmp_path: Path, broken: str) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=100)
    first = cli_json(workspace, FIXED_NOW, "due")
    with open_store(workspace) as store:
        assert store.conn.execute("UPDATE day_plan SET plan = ?", (broken,)).rowcount == 1
    assert cli_json(workspace, FIXED_NOW, "due") == first
    with open_store(workspace) as store:
        (kept,) = store.conn.execute("SELECT plan FROM day_plan").fetchone()
    assert json.loads(kept)["budget"] == 100  # decided again and kept anew


def test_a_day_plan_reads_back_as_it_was_kept(tmp_path: Path) -> None:
    from studyprep.schedule.deadline_queue import DayPlan, DayPlanner
    from studyprep.schedule.today import deck_days

    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=100)
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        (day,) = deck_days(workspace, store, [SLUG], FIXED_NOW)
        planner = DayPlanner(store, [day], FIXED_NOW)
        planner.decide(planner.missing)
        decided = planner.served(day)
        assert decided is not None and decided.cards
        assert DayPlan.from_json(json.loads(json.dumps(to_json(decided))), SLUG, INTERVIEW) == decided
        assert DayPlanner(store, [day], FIXED_NOW).served(day) == decided  # read back, not decided again
