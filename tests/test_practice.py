"""Practice beyond the schedule: `--limit` in cards, study ahead, filtered sessions (real database, real CLI)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fsrs import Card, Scheduler, State
from helpers import FIXED_NOW
from review_helpers import PROMPTS, SLUG, Clock, answer_all, make_workspace, session_at, set_plan

from studyprep.cli import cli
from studyprep.commands.readiness_cmd import readiness_report
from studyprep.errors import StudyprepError
from studyprep.schedule.deadline_queue import DayPlanner
from studyprep.schedule.mock import pick_questions
from studyprep.schedule.practice import CardFilter
from studyprep.store.cardedit import set_card_fields
from studyprep.store.db import fsrs_card_id, open_store
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"


def run(workspace: Workspace, *args: str, now: str = NOW, stdin: str | None = None) -> Result:
    env = {"STUDYPREP_NOW": now, "TZ": "UTC", "EDITOR": "true"}
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input=stdin, env=env,
                                catch_exceptions=False)  # fmt: skip
    assert "Traceback" not in result.output
    return result


def test_limit_counts_cards_and_the_summary_counts_cards_and_answers_apart(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    # Two new cards rated good come back for their second learning step (shown early): four answers, two cards.
    result = run(workspace, "review", "--limit", "2", stdin="\n3\n\n3\n\n3\n\n3\nx\n")
    assert result.exit_code == 0, result.output
    assert PROMPTS[1] in result.output and PROMPTS[2] not in result.output
    assert "Limit reached: 2 cards this session (--limit 2)." in result.output
    assert "No more cards due right now" not in result.output
    assert "Session over: 2 cards, 4 answers · again 0%" in result.output
    assert "still due today" in result.output  # the limit ended it, not the day's work


def ids(workspace: Workspace) -> dict[str, str]:
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        return dict(store.conn.execute("SELECT prompt, card_id FROM cards WHERE deck = ?", (SLUG,)).fetchall())


def seen(workspace: Workspace, stabilities: dict[str, float], reviewed_ago: timedelta = timedelta(days=1)) -> None:
    """Give cards a review state as if last reviewed `reviewed_ago`, with these stabilities (days), due later."""
    card_ids = ids(workspace)
    with open_store(workspace) as store:
        for prompt, stability in stabilities.items():
            last = FIXED_NOW - reviewed_ago
            card = Card(fsrs_card_id(SLUG, card_ids[prompt]), State.Review, None, stability, 5.0,
                        last + timedelta(days=max(stability, 2)), last)  # fmt: skip
            store.replace_state(SLUG, card_ids[prompt], card, 0)


def test_study_ahead_without_a_date_takes_the_lowest_recall_now_as_real_fsrs_reviews(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=0)
    seen(workspace, {PROMPTS[1]: 30.0, PROMPTS[2]: 3.0, PROMPTS[3]: 10.0})
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        assert session.current is None and session.can_study_ahead()
        assert session.study_ahead(2) == 2
        assert answer_all(session, 3) == [PROMPTS[2], PROMPTS[3]]  # lowest predicted recall now first
        assert session.done_message() == "No more cards to study ahead in this session."
    with open_store(workspace) as store:
        logged = store.conn.execute("SELECT card_id, state_before IS NOT NULL FROM review_log").fetchall()
        states = store.card_states(SLUG)
    card_ids = ids(workspace)
    assert logged == [(card_ids[PROMPTS[2]], 1), (card_ids[PROMPTS[3]], 1)]
    assert states[card_ids[PROMPTS[2]]].due > FIXED_NOW + timedelta(days=2)  # rescheduled from today's review


def test_study_ahead_with_a_date_takes_the_most_gain_at_the_interview_and_the_plan_is_decided_again(
    tmp_path: Path,
) -> None:
    workspace = make_workspace(tmp_path, interview_at=FIXED_NOW + timedelta(days=4), daily_budget_cards=50,
                               new_cards_per_day=0)  # fmt: skip
    # Safe for the day (gains nothing) / fading / reviewed long ago on a short interval (most to gain).
    seen(workspace, {PROMPTS[1]: 300.0, PROMPTS[2]: 4.0})
    seen(workspace, {PROMPTS[3]: 6.0}, reviewed_ago=timedelta(days=3))
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, new=0) as session:
        answer_all(session, 3)  # whatever the plan serves today
        planner = DayPlanner(session.store, session.decks, clock())
        assert not planner.missing  # today's plan is kept
        assert session.study_ahead(3) >= 2
        assert answer_all(session, 3) == [PROMPTS[3], PROMPTS[2], PROMPTS[1]]  # the safe card last
        assert DayPlanner(session.store, session.decks, clock()).missing  # decided again after the answers


def test_filtered_sessions_take_only_the_chosen_cards(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=20)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, card_filter=CardFilter(category="linux")) as session:
        assert answer_all(session, 4) == PROMPTS[3:5]
    with session_at(workspace, clock, card_filter=CardFilter(kind="concept")) as session:
        assert answer_all(session, 4) == PROMPTS[5:]
    card_ids = ids(workspace)
    set_card_fields(workspace, SLUG, [card_ids[PROMPTS[1]]], tags=["Transport"])
    with open_store(workspace) as store:
        store.set_flag(SLUG, card_ids[PROMPTS[2]], True, FIXED_NOW)
    with session_at(workspace, clock, card_filter=CardFilter(tag="transport")) as session:
        assert answer_all(session, 4) == [PROMPTS[1]]
    with session_at(workspace, clock, card_filter=CardFilter(flagged=True)) as session:
        assert answer_all(session, 4) == [PROMPTS[2]]
    with session_at(workspace, clock, card_filter=CardFilter(kind="question"), limit=1) as session:
        assert answer_all(session, 4) == [PROMPTS[0]]


def test_weakest_and_at_risk_choose_by_predicted_recall(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=0)
    seen(workspace, {PROMPTS[1]: 30.0, PROMPTS[2]: 0.5, PROMPTS[3]: 1.0, PROMPTS[4]: 50.0})
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, card_filter=CardFilter(weakest=2)) as session:
        assert session.only == {(SLUG, ids(workspace)[PROMPTS[2]]), (SLUG, ids(workspace)[PROMPTS[3]])}
        session.study_ahead(10)
        assert answer_all(session, 3) == [PROMPTS[2], PROMPTS[3]]
    at_risk = session_at(workspace, clock, card_filter=CardFilter(at_risk=True))
    with pytest.raises(StudyprepError, match="--at-risk needs an interview date"), at_risk:
        pass
    set_plan(workspace, interview_at=FIXED_NOW + timedelta(days=5))
    with session_at(workspace, clock, card_filter=CardFilter(at_risk=True), new=0) as session:
        listed = readiness_report(workspace, clock(), SLUG)[0].report.at_risk
        assert session.only == {(SLUG, risk.key) for risk in listed}


def test_nothing_due_offers_one_key_to_study_ahead_and_ahead_goes_there_directly(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=0)
    seen(workspace, {PROMPTS[1]: 30.0, PROMPTS[2]: 3.0})
    declined = run(workspace, "review", stdin="x\n")
    assert "Nothing due right now." in declined.output and "a: study ahead" in declined.output
    assert "Session over: 0 cards, 0 answers" in declined.output
    assert "Next card due" in declined.output and "Nothing scheduled" not in declined.output
    accepted = run(workspace, "review", stdin="a\n\n3\n\n3\nx\n")
    assert PROMPTS[2] in accepted.output and PROMPTS[1] in accepted.output
    assert "ahead" in accepted.output and "No more cards to study ahead in this session." in accepted.output
    assert "Session over: 2 cards, 2 answers" in accepted.output
    direct = run(workspace, "review", "--ahead", "1", stdin="\n4\nx\n", now="2026-01-01T10:00:00Z")
    assert "Session over: 1 card, 1 answer" in direct.output
    (tmp_path / "fresh").mkdir()
    fresh = make_workspace(tmp_path / "fresh", new_cards_per_day=0)
    nothing_seen = run(fresh, "review", stdin="x\n")
    assert "Nothing due right now." in nothing_seen.output and "study ahead" not in nothing_seen.output
    assert "Nothing scheduled yet: every card is still new." in nothing_seen.output
    held_back = run(make_workspace(tmp_path / "fresh", new_cards_per_day=5), "review", "--new", "0", stdin="x\n")
    assert "No more cards within this session's --new 0." in held_back.output
    assert "Nothing due right now" not in held_back.output and "5 cards still due today" in held_back.output


def test_mock_picks_the_weakest_questions_across_categories_once_each_and_refuses_bad_input(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    seen(workspace, {PROMPTS[0]: 1.0, PROMPTS[3]: 50.0})  # strong on the port question, weak on the URL one
    with open_store(workspace) as store:
        picked = [card.prompt for card in pick_questions(store, SLUG, Scheduler(), FIXED_NOW, 4, None)]
    # Never seen first (recall 0), categories taking turns: Networking, Linux, Networking, Linux.
    assert picked == [PROMPTS[1], PROMPTS[4], PROMPTS[2], PROMPTS[3]]
    assert len(set(picked)) == len(picked)
    missing = run(workspace, "mock", SLUG, "--category", "nothing like it")
    assert missing.exit_code == 1 and "no interview questions in a category matching" in missing.output
    assert run(workspace, "mock", "nope").exit_code == 2
