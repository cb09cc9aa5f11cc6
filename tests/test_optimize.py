"""`studyprep optimize`: FSRS parameters fitted with fsrs-rs to simulated review histories of learners whose memory
is not fsrs's default, stored in a real review database and fitted through the real CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fsrs.scheduler import DEFAULT_PARAMETERS
from review_helpers import make_workspace

from bench.optimize import LEARNERS, card_histories, simulated_log
from studyprep.cli import cli
from studyprep.schedule.deadline import recall_at
from studyprep.schedule.optimize import MIN_REVIEWS, CardHistory, counted_reviews
from studyprep.schedule.replays import open_store
from studyprep.schedule.scheduling import replay, scheduler_for
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace

SLUG = "acme-sre"
NOW = "2026-06-01T09:00:00Z"


def document(cards: int) -> str:
    topics = "\n".join(f"- Topic number {index:03d}" for index in range(cards))
    return f"# Interview Prep: Acme – SRE\n\n## Concepts to know\n\n{topics}\n"


def workspace_with_history(tmp_path: Path, log: list[tuple[int, datetime, int]], cards: int) -> Workspace:
    """A workspace of `cards` concept cards whose review database holds `log` (as pulled reviews), states replayed."""
    workspace = make_workspace(tmp_path, document(cards), day_starts_at_hour=4)
    with open_store(workspace) as store:
        store.refresh_decks(workspace)
        ids = sorted(card.card_id for card in store.concepts(SLUG))
        by_order = dict(enumerate(ids))
        rows = [(SLUG, by_order[order], rating, when, 8000, False, f"sim-{index}")
                for index, (order, when, rating) in enumerate(log)]  # fmt: skip
        store.append_reviews(rows, source="anki")
        scheduler = scheduler_for(load_plan(workspace, SLUG))
        for card_id in {row[1] for row in rows}:
            with store.transaction():
                logs = store.review_logs(SLUG, card_id)
                store.replace_state(SLUG, card_id, replay(scheduler, SLUG, card_id, logs), logs[-1].id)
    return workspace


def run(workspace: Workspace, *args: str) -> Result:
    env = {"STUDYPREP_NOW": NOW, "TZ": "UTC"}
    return CliRunner().invoke(cli, ["--home", str(workspace.root), *args], env=env, catch_exceptions=False)


@pytest.mark.parametrize("learner", ["forgetful", "strong"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fitted_parameters_predict_later_reviews_better_and_go_into_the_plan(
    tmp_path: Path, seed: int, learner: str
) -> None:
    # Learners whose memory is not fsrs's default (`bench.optimize`), scheduled with the defaults as a new user is.
    memory, cards, days = LEARNERS[learner]
    workspace = workspace_with_history(tmp_path, simulated_log(seed, memory, cards, days), cards)
    before = load_plan(workspace, SLUG).scheduler.parameters
    assert before == list(DEFAULT_PARAMETERS)

    result = run(workspace, "optimize", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["reviews"] >= MIN_REVIEWS
    assert report["fitted_on"] + report["judged_on"] == report["reviews"]
    # Judged on the later reviews, which the fit never saw: better than the defaults on both figures.
    assert report["fitted"]["log_loss"] < report["default"]["log_loss"]
    assert report["fitted"]["rmse"] < report["default"]["rmse"]
    assert report["better"] is True
    assert report["decks"] == [{"deck": SLUG, "plan": str(workspace.schedules_dir / f"{SLUG}.yaml"),
                                "written": True, "current": None}]  # fmt: skip

    plan = load_plan(workspace, SLUG)
    assert plan.scheduler.parameters == report["parameters"] != before
    # The states were replayed with the fitted parameters: what readiness and the day plan read.
    scheduler = scheduler_for(plan)
    with open_store(workspace) as store:
        states = store.deck_states(SLUG)
        card_id = next(iter(states))
        assert states[card_id].stability == replay(scheduler, SLUG, card_id, store.review_logs(SLUG, card_id)).stability


def test_the_human_report_names_both_figures_and_the_plan(tmp_path: Path) -> None:
    memory, cards, days = LEARNERS["strong"]
    workspace = workspace_with_history(tmp_path, simulated_log(1, memory, cards, days), cards)
    result = run(workspace, "optimize", "acme")
    assert result.exit_code == 0, result.output
    assert "defaults   log loss" in result.output and "fitted     log loss" in result.output
    assert f"{SLUG}  fitted parameters written to" in result.output


def test_too_few_reviews_is_one_line_exit_3_and_the_plan_is_untouched(tmp_path: Path) -> None:
    log = simulated_log(1, 1.0, 20, 6)
    workspace = workspace_with_history(tmp_path, log, 20)
    plan_file = workspace.schedules_dir / f"{SLUG}.yaml"
    before = plan_file.read_text(encoding="utf-8")

    result = run(workspace, "optimize", "--json")
    assert result.exit_code == 3
    assert result.stdout == ""
    counted = len(counted_reviews(card_histories(log)))
    assert 0 < counted < MIN_REVIEWS
    assert result.stderr == (
        f"Error: not enough reviews to fit your own parameters: {counted} of the {MIN_REVIEWS} needed (answers on a"
        " later study day than the card's previous answer); keep reviewing and run `optimize` again\n"
    )
    assert plan_file.read_text(encoding="utf-8") == before


def test_counted_reviews_are_answers_on_a_later_study_day_counted_in_study_days() -> None:
    at = datetime(2026, 1, 5, 8, 21, tzinfo=UTC)
    card = CardHistory(SLUG, "c1", ((at, 1), (at + timedelta(minutes=10), 3),
                                    (datetime(2026, 1, 7, 8, 10, tzinfo=UTC), 3),  # two study days, not one
                                    (datetime(2026, 1, 8, 3, 0, tzinfo=UTC), 3)),  # before the 04:00 rollover
                       4, "UTC")  # fmt: skip
    counted = counted_reviews([card])
    assert [review.reviews for review in counted] == [((1, 0), (3, 0), (3, 2))]


def test_readiness_reads_the_fitted_parameters_once_written(tmp_path: Path) -> None:
    memory, cards, days = LEARNERS["strong"]
    workspace = workspace_with_history(tmp_path, simulated_log(2, memory, cards, days), cards)
    assert run(workspace, "plan", SLUG, "--interview", "2026-06-08", "--budget-cards", "40").exit_code == 0

    def readiness() -> float:
        result = run(workspace, "readiness", SLUG, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["readiness_today"]

    before = readiness()
    assert json.loads(run(workspace, "optimize", "--json").output)["decks"][0]["written"] is True
    # The strong learner's fitted forgetting curve and replayed states give another recall on the day: the mean
    # recall at the interview of the deck's cards under the fitted parameters (a card never seen counts 0).
    after = readiness()
    assert after != before
    plan = load_plan(workspace, SLUG)
    with open_store(workspace) as store:
        states = store.deck_states(SLUG)
    recalls = [
        recall_at(scheduler_for(plan), states.get(card_id), plan.interview_at) for card_id in _card_ids(workspace)
    ]
    assert after == pytest.approx(sum(recalls) / len(recalls), abs=1e-3)


def _card_ids(workspace: Workspace) -> list[str]:
    with open_store(workspace) as store:
        return [card.card_id for card in store.concepts(SLUG)]
