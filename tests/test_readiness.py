"""Readiness figures against fsrs directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from studyprep.result import to_json
from studyprep.schedule.readiness import Budget, TrackedCard, assess, seconds_per_answer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MODEL = Scheduler(enable_fuzzing=False)


def _card(key: str, category: str, rating: Rating | None) -> TrackedCard:
    if rating is None:
        return TrackedCard(key, category, None)
    state, _ = MODEL.review_card(Card(card_id=1, due=NOW), rating, NOW - timedelta(days=1))
    return TrackedCard(key, category, state)


def _prompts(keys: list[str]) -> dict[str, str]:
    return {key: f"prompt {key}" for key in keys}


def test_readiness_today_is_mean_retrievability_with_unseen_as_zero() -> None:
    cards = [_card("a", "x", Rating.Easy), _card("b", "x", None)]
    interview = NOW + timedelta(days=5)
    expected = MODEL.get_card_retrievability(cards[0].state, interview) / 2
    assert assess(cards, interview, NOW, MODEL, budget=Budget(cards=40), prompts=_prompts).today == expected


def test_assess_projects_categories_risks_and_days() -> None:
    cards = [_card(f"g{i}", "Go", None) for i in range(20)] + [_card(f"s{i}", "SQL", Rating.Easy) for i in range(5)]
    report = assess(cards, NOW + timedelta(days=5), NOW, MODEL, budget=Budget(cards=40), prompts=_prompts)
    assert report.seen == 5 and report.cards == 25
    assert report.categories[0].category == "Go"  # weakest first
    assert report.projected > report.today
    assert len(report.days) == 5
    assert sum(day.new for day in report.days) == 20  # every card introduced before the day
    assert [day.readiness for day in report.days] == sorted(day.readiness for day in report.days)
    assert report.at_risk[0].projected <= report.at_risk[-1].projected
    data = to_json(report)
    assert data["days_left"] == 5 and data["daily_answers"] == 40 and len(data["daily_plan"]) == 5


def test_at_risk_cards_show_recall_today_and_projected_in_their_own_columns() -> None:
    cards = [_card(f"g{i}", "Go", None) for i in range(20)] + [_card(f"s{i}", "SQL", Rating.Again) for i in range(5)]
    interview = NOW + timedelta(days=5)
    report = assess(cards, interview, NOW, MODEL, budget=Budget(cards=40), prompts=_prompts)
    assert report.at_risk
    for risk in report.at_risk:
        card = next(c for c in cards if c.key == risk.key)
        today = 0.0 if card.state is None else MODEL.get_card_retrievability(card.state, interview)
        assert abs(risk.today - today) < 0.01  # as things stand (a card never seen counts 0)
    assert any(risk.today == 0.0 and risk.projected > 0.5 for risk in report.at_risk)  # the plan introduces it
    rows = to_json(report)["at_risk"]
    assert any(row["today"] == 0.0 and row["projected"] > 0.5 for row in rows)


def test_budget_and_pace() -> None:
    assert seconds_per_answer([]) == (20.0, False)
    assert seconds_per_answer([10_000, 20_000, 3_600_000]) == (15.0, True)  # a walk-away is ignored
    assert seconds_per_answer([2, 5, 900]) == (20.0, False)  # scripted answers are no measure of pace
    assert Budget(minutes=10).answers(15.0) == 40
    assert Budget(cards=25).answers(15.0) == 25
