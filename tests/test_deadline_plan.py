"""The deadline lane's plain view of a study plan: the same scheduler and plan as the validated model gives, kept
in the plan cache so that counting a dated deck needs no plan model (pydantic) once the file is validated."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import FIXED_NOW
from review_helpers import SLUG, make_workspace, set_plan

from studyprep.commands.due import due_report
from studyprep.commands.readiness_cmd import readiness_report
from studyprep.result import to_json
from studyprep.schedule.deadline_plan import DeadlinePlan, PlanSettings
from studyprep.schedule.scheduling import scheduler_for
from studyprep.schedule.studydays import without_fuzz
from studyprep.schedule.today import deck_days
from studyprep.store.db import database_path, open_store
from studyprep.store.plan import load_plan

INTERVIEW = FIXED_NOW + timedelta(days=10)


def _steps(scheduler: object) -> tuple[list[timedelta], list[timedelta]]:
    return list(scheduler.learning_steps), list(scheduler.relearning_steps)  # type: ignore[attr-defined]


def test_the_view_builds_the_plans_own_scheduler_to_the_microsecond(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, learning_steps=["1.5s", "90.25s"],
                               relearning_steps=["0.5m"], maximum_interval_days=400, fuzz=True)  # fmt: skip
    plan = load_plan(workspace, SLUG)
    view = DeadlinePlan.of(plan)
    assert view is not None
    assert DeadlinePlan.from_json(json.loads(json.dumps(to_json(view)))) == view
    settings = PlanSettings.of(plan)
    assert PlanSettings.from_json(json.loads(json.dumps(to_json(settings))), SLUG) == settings
    assert settings.deadline == view
    expected = scheduler_for(plan)
    built = view.fsrs_scheduler()
    assert built.to_dict() == expected.to_dict()
    assert _steps(built) == _steps(expected) == ([timedelta(seconds=1.5), timedelta(seconds=90.25)],
                                                 [timedelta(seconds=30)])  # fmt: skip
    assert view.fsrs_scheduler(fuzz=False).enable_fuzzing is False
    # fsrs's to_dict keeps whole seconds: turning fuzz off must not round a step.
    assert _steps(without_fuzz(expected)) == _steps(expected)
    assert DeadlinePlan.of(plan.model_copy(update={"interview_at": None})) is None


def test_a_dated_deck_is_counted_from_the_cache_and_a_changed_plan_is_read_again(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=3)
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        first = deck_days(workspace, store, [SLUG], FIXED_NOW)[0].plan
        assert first == DeadlinePlan.of(load_plan(workspace, SLUG))
        assert due_report(workspace, FIXED_NOW).decks[0].readiness.days_left == 10
        set_plan(workspace, daily_budget_cards=7, interview_at=INTERVIEW + timedelta(days=5))
        changed = deck_days(workspace, store, [SLUG], FIXED_NOW)[0].plan
    assert first is not None and changed is not None
    assert (first.daily_budget_cards, changed.daily_budget_cards) == (3, 7)
    assert changed.fingerprint != first.fingerprint  # the kept day plan is decided again
    assert due_report(workspace, FIXED_NOW).decks[0].readiness.days_left == 15


@pytest.mark.parametrize(
    "earlier",
    [
        {"new": 20, "hour": 4, "zone": "UTC", "interview": 1.0},
        {"new": 20, "hour": 4, "zone": "UTC", "deadline": {"deck": SLUG, "interview_at": "2026-01-11T09:00:00+00:00"}},
    ],
)
def test_an_entry_cached_by_an_earlier_version_counts_as_a_miss(tmp_path: Path, earlier: dict) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW)
    due_report(workspace, FIXED_NOW)

    def cache_earlier() -> None:
        with contextlib.closing(sqlite3.connect(database_path(workspace))) as conn, conn:
            conn.execute("UPDATE plan_cache SET settings = ?", (json.dumps(earlier),))

    cache_earlier()
    with open_store(workspace) as store:
        day = deck_days(workspace, store, [SLUG], FIXED_NOW)[0]
    assert day.plan == DeadlinePlan.of(load_plan(workspace, SLUG))
    cache_earlier()
    (report,) = readiness_report(workspace, FIXED_NOW)
    assert report.report.interview == INTERVIEW


def test_counting_a_dated_deck_imports_no_plan_model_once_its_plan_is_cached(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW)
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": FIXED_NOW.isoformat(), "TZ": "UTC"}
    probe = (
        "import sys\nsys.argv = ['studyprep', *sys.argv[1:]]\nfrom studyprep.cli import main\n"
        "try:\n    main()\nfinally:\n"
        "    print(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules), file=sys.stderr)\n"
    )
    imported = []
    for command in ("due", "due", "decks"):
        done = subprocess.run([sys.executable, "-c", probe, command], env=env, capture_output=True, text=True,
                              check=False, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "interview in" in done.stdout or "review" in done.stdout
        imported.append(done.stderr.strip().splitlines()[-1])
    # The first run validates the plan file (and the deck file, new to the mirror); later ones read the cache.
    assert imported == ["['pydantic', 'yaml']", "[]", "[]"]


def test_the_projections_model_keeps_a_fractional_step(tmp_path: Path) -> None:
    from studyprep.schedule.projection import MemoScheduler

    workspace = make_workspace(tmp_path, learning_steps=["1.5s"], relearning_steps=["2.5s"])
    plain = scheduler_for(load_plan(workspace, SLUG))
    model = MemoScheduler.of(plain)
    assert _steps(model) == _steps(plain) == ([timedelta(seconds=1.5)], [timedelta(seconds=2.5)])
    assert not model.enable_fuzzing
    assert MemoScheduler.of(plain)._memo is model._memo  # the same settings share a memo
    (tmp_path / "b").mkdir()
    whole = scheduler_for(load_plan(make_workspace(tmp_path / "b", learning_steps=["1s"], relearning_steps=["2s"]),
                                    SLUG))  # fmt: skip
    assert MemoScheduler.of(whole)._memo is not model._memo  # to_dict alone would call these the same


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        "[1, 2]",
        '"text"',
        json.dumps({"format": 2}),
        json.dumps({"format": 2, "new": "20", "hour": 4, "zone": "UTC", "deadline": None}),
        json.dumps({"format": 2, "new": 20, "hour": 4, "zone": "Mars/Olympus", "deadline": None}),
        json.dumps({"format": 2, "new": 20, "hour": 4, "zone": "UTC", "deadline": {"deck": SLUG}}),
        json.dumps({"format": 2, "new": 20, "hour": 4, "zone": "UTC", "deadline": [1]}),
    ],
)
def test_a_plan_cache_entry_broken_by_hand_is_read_from_the_plan_file_again(tmp_path: Path, broken: str) -> None:
    from click.testing import CliRunner

    from studyprep.cli import cli

    workspace = make_workspace(tmp_path, interview_at=INTERVIEW, daily_budget_cards=5)
    env = {"STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": FIXED_NOW.isoformat()}
    first = CliRunner().invoke(cli, ["due", "--json"], env=env)
    assert first.exit_code == 0, first.output
    with contextlib.closing(sqlite3.connect(database_path(workspace))) as conn, conn:
        assert conn.execute("UPDATE plan_cache SET settings = ?", (broken,)).rowcount == 1
    for command in (["due", "--json"], ["readiness", "--json"]):
        result = CliRunner().invoke(cli, command, env=env)
        assert result.exit_code == 0, result.output
        assert result.exception is None
    assert CliRunner().invoke(cli, ["due", "--json"], env=env).output == first.output
    with contextlib.closing(sqlite3.connect(database_path(workspace))) as conn:
        (settings,) = conn.execute("SELECT settings FROM plan_cache").fetchone()
    assert json.loads(settings)["deadline"]["daily_budget_cards"] == 5  # validated again and cached anew


def test_a_plan_rewritten_while_it_is_read_is_not_cached_as_the_new_version(tmp_path: Path, monkeypatch) -> None:
    import studyprep.store.plan

    workspace = make_workspace(tmp_path, interview_at=INTERVIEW)
    real_load = studyprep.store.plan.load_plan

    def load_then_rewrite(*args: object) -> object:
        read = real_load(*args)
        set_plan(workspace, interview_at=INTERVIEW + timedelta(days=5))  # `studyprep plan` in another process
        return read

    monkeypatch.setattr(studyprep.store.plan, "load_plan", load_then_rewrite)
    assert due_report(workspace, FIXED_NOW).decks[0].readiness.days_left == 10  # the version it read
    monkeypatch.setattr(studyprep.store.plan, "load_plan", real_load)
    assert due_report(workspace, FIXED_NOW).decks[0].readiness.days_left == 15
    (report,) = readiness_report(workspace, FIXED_NOW)
    assert report.report.interview == INTERVIEW + timedelta(days=5)
