"""`studyprep plan` and `studyprep readiness` through the CLI, on a real workspace and review database."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW, terminal_lines

from studyprep.cli import cli
from studyprep.clock import isoformat
from studyprep.commands.importing import import_document
from studyprep.schedule.scheduling import review, scheduler_for
from studyprep.store.db import open_store
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace


@pytest.fixture
def home(tmp_path: Path) -> Path:
    import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW)
    return tmp_path


def _run(home: Path, now: datetime, *args: str) -> object:
    env = {"STUDYPREP_HOME": str(home), "STUDYPREP_NOW": isoformat(now)}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _slug(home: Path) -> str:
    return next((home / "decks").glob("*.yaml")).stem


def _answer_all(home: Path, slug: str, now: datetime, limit: int) -> None:
    """Answer the first `limit` cards Good (through any learning steps), as the review session stores them."""
    workspace = Workspace(home)
    scheduler = scheduler_for(load_plan(workspace, slug))
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        for card_id in list(store.card_states(slug))[:limit]:
            stored = store.get_state(slug, card_id)
            state, when = (stored.card if stored else None), now
            for _ in range(3):
                before = store.get_state(slug, card_id)
                after = review(scheduler, slug, card_id, state, 3, when)
                store.record_answer(slug, card_id, 3, when, 15_000, before, after)
                state, when = after, after.due
                if after.state.value == 2:
                    break


def test_plan_set_show_and_clear(home: Path) -> None:
    slug = _slug(home)
    shown = _run(home, FIXED_NOW, "plan", slug)
    assert "No interview date" in shown.output
    result = _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-01-15T14:00", "--tz", "Europe/Amsterdam",
                  "--budget-cards", "40", "--target", "0.85", "--json")  # fmt: skip
    data = json.loads(result.output)
    assert data["interview"] == "2026-01-15T13:00:00Z"
    assert data["daily_budget_cards"] == 40 and data["target_recall"] == 0.85
    assert load_plan(Workspace(home), slug).time_zone == "Europe/Amsterdam"
    assert "14:00" in _run(home, FIXED_NOW, "plan", slug).output
    both = _run(home, FIXED_NOW, "plan", slug, "--clear", "--interview", "2026-02-01")
    assert both.exit_code != 0 and "--clear" in both.output and len(both.output.strip().splitlines()) == 1
    assert load_plan(Workspace(home), slug).daily_budget_cards == 40  # refused whole: nothing cleared
    cleared = json.loads(_run(home, FIXED_NOW, "plan", slug, "--clear", "--json").output)
    assert cleared["interview"] is None and cleared["daily_budget_cards"] is None


def test_plan_errors_are_one_line(home: Path) -> None:
    slug = _slug(home)
    past = _run(home, FIXED_NOW, "plan", slug, "--interview", "2025-12-01")
    assert past.exit_code != 0 and "already passed" in past.output
    zone = _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-02-01", "--tz", "Mars/Olympus")
    assert zone.exit_code != 0 and "unknown time zone" in zone.output
    both = _run(home, FIXED_NOW, "plan", slug, "--budget-cards", "3", "--budget-minutes", "3")
    assert both.exit_code != 0 and "not both" in both.output
    gap = _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-03-29T02:30", "--tz", "Europe/Berlin")
    assert gap.exit_code != 0 and "2026-03-29 02:30 does not exist in Europe/Berlin" in gap.output
    assert load_plan(Workspace(home), slug).interview_at is None  # nothing stored
    assert "Traceback" not in past.output + zone.output + both.output + gap.output


def test_an_interview_in_the_repeated_hour_of_a_clock_change_is_kept_as_given(home: Path) -> None:
    slug = _slug(home)
    result = _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-10-25T02:30", "--tz", "Europe/Berlin")
    assert result.exit_code == 0, result.output
    assert load_plan(Workspace(home), slug).interview_local().strftime("%Y-%m-%d %H:%M") == "2026-10-25 02:30"


def test_plan_shows_the_interview_on_the_plan_clock(home: Path) -> None:
    slug = _slug(home)
    given = json.loads(_run(home, FIXED_NOW, "plan", slug, "--interview", "2026-03-16T14:00+01:00",
                            "--tz", "America/New_York", "--json").output)  # fmt: skip
    assert given["interview"] == "2026-03-16T13:00:00Z"
    assert given["interview_local"] == "2026-03-16T09:00:00-04:00"  # New York is on summer time by then
    assert "Mon 2026-03-16 09:00 (America/New_York)" in _run(home, FIXED_NOW, "plan", slug).output
    # A zone changed later keeps the moment and shows it on the new clock.
    _run(home, FIXED_NOW, "plan", slug, "--tz", "Asia/Tokyo")
    assert "Mon 2026-03-16 22:00 (Asia/Tokyo)" in _run(home, FIXED_NOW, "plan", slug).output
    assert "interview Mon 2026-03-16 22:00 JST" in _run(home, FIXED_NOW, "brief", slug).output
    readiness = _run(home, FIXED_NOW, "readiness", slug).output
    assert "interview 2026-03-16T22:00+09:00" in readiness


def test_readiness_rises_as_days_of_study_pass(home: Path) -> None:
    slug = _slug(home)
    interview = FIXED_NOW + timedelta(days=10)
    _run(home, FIXED_NOW, "plan", slug, "--interview", interview.strftime("%Y-%m-%dT%H:%M"), "--tz", "UTC",
         "--budget-minutes", "15")  # fmt: skip
    first = json.loads(_run(home, FIXED_NOW, "readiness", slug, "--json").output)
    assert first["readiness_today"] == 0 and first["coverage"] == 0
    assert first["days_left"] == 10
    assert len(first["daily_plan"]) == 10
    assert first["daily_plan"][-1]["readiness"] == pytest.approx(first["readiness_projected"], abs=1e-3)
    assert first["readiness_projected"] > 0.9
    # Study 30 cards, then look again two days later: some coverage, some readiness.
    _answer_all(home, slug, FIXED_NOW, 30)
    later = json.loads(_run(home, FIXED_NOW + timedelta(days=2), "readiness", "--json").output)[0]
    assert later["seen"] == 30 and later["days_left"] == 8
    assert 0.1 < later["readiness_today"] < 30 / first["cards"]
    assert later["seconds_per_answer_measured"] and later["seconds_per_answer"] == pytest.approx(15.0)
    with open_store(Workspace(home)) as store:
        mirrored = dict(store.conn.execute("SELECT card_id, prompt FROM cards WHERE deck = ?", (slug,)).fetchall())
    assert len(later["at_risk"]) == 10
    assert all(row["prompt"] and row["prompt"] == mirrored[row["key"]] for row in later["at_risk"])
    human = _run(home, FIXED_NOW + timedelta(days=2), "readiness", slug)
    assert "categories, weakest first" in human.output and "daily plan" in human.output
    # After the interview: nothing left to plan.
    after = json.loads(_run(home, interview + timedelta(hours=1), "readiness", "--json").output)[0]
    assert after["days_left"] == 0 and after["daily_plan"] == []
    assert after["interview_passed"] and not first["interview_passed"]


def test_readiness_after_the_interview_says_it_has_passed(home: Path) -> None:
    slug = _slug(home)
    _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-01-02T10:00", "--tz", "UTC")
    soon = _run(home, FIXED_NOW, "readiness", slug).output
    assert "1 day 1 hour left" in soon and "if the plan is kept" in soon
    after = _run(home, FIXED_NOW + timedelta(days=3, hours=2), "readiness", slug)
    assert after.exit_code == 0
    assert "the interview was 2 days 1 hour ago" in after.output
    assert "left;" not in after.output and "if the plan is kept" not in after.output
    assert "most at risk" not in after.output and "daily plan" not in after.output
    just_after = _run(home, datetime.fromisoformat("2026-01-02T10:55:00+00:00"), "readiness", slug).output
    assert "the interview was 55 minutes ago" in just_after


def test_readiness_without_a_date_says_how_to_set_one(home: Path) -> None:
    result = _run(home, FIXED_NOW, "readiness", _slug(home))
    assert result.exit_code != 0 and "studyprep plan" in result.output


def test_readiness_names_a_deck_by_unique_prefix_like_the_other_commands(home: Path) -> None:
    slug = _slug(home)
    _run(home, FIXED_NOW, "plan", slug[:4], "--interview", "2026-01-11T14:00", "--tz", "UTC")
    report = json.loads(_run(home, FIXED_NOW, "readiness", slug[:4], "--json").output)
    assert report["deck"] == slug  # one named deck: an object, not a list of one
    unknown = _run(home, FIXED_NOW, "readiness", "nope")
    assert unknown.exit_code != 0 and "no deck named 'nope'" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1


@pytest.mark.parametrize("columns", [60, 100])
def test_the_daily_plan_chart_fits_the_terminal(home: Path, columns: int) -> None:
    slug = _slug(home)
    _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-01-11T14:00", "--tz", "UTC")
    # In a terminal `columns` wide (piped, a report is laid out for no width at all).
    lines = terminal_lines(columns, "readiness", slug, env={"STUDYPREP_HOME": str(home), "TZ": "UTC",
                                                           "STUDYPREP_NOW": isoformat(FIXED_NOW)})  # fmt: skip
    chart = lines[next(i for i, line in enumerate(lines) if "daily plan" in line) :]
    assert [line.split()[0] for line in chart[2:]] == [f"2026-01-{day:02d}" for day in range(1, 12)]
    assert all(len(line) <= columns for line in chart)
    assert all("█" in line for line in chart[3:])


def test_readiness_of_several_decks_is_a_line_each_with_the_way_to_one_decks_report(tmp_path: Path) -> None:
    long_slug = "a-rather-long-deck-name-for-the-platform-onsite"
    for slug in ("second-round", long_slug, "undated"):
        import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW, deck=slug)
    _run(tmp_path, FIXED_NOW, "plan", long_slug, "--interview", "2026-01-11T14:00", "--tz", "UTC")
    _run(tmp_path, FIXED_NOW, "plan", "second-round", "--interview", "2026-01-02T10:00", "--tz", "UTC")
    later = FIXED_NOW + timedelta(days=2)  # the second round is over
    env = {"STUDYPREP_HOME": str(tmp_path), "STUDYPREP_NOW": isoformat(later), "COLUMNS": "80"}
    shown = CliRunner().invoke(cli, ["readiness"], env=env, catch_exceptions=False)
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    reports = {entry["deck"]: entry for entry in json.loads(_run(tmp_path, later, "readiness", "--json").output)}
    dated = reports[long_slug]
    left = "8 days 5 hours"  # from 2026-01-03 09:00 to 2026-01-11 14:00, said as `decks` and `due` say it
    assert dated["days_left"] == 8 and dated["hours_left"] == 8 * 24 + 5
    at = lines.index(long_slug)  # the slug whole, on its own line, at 80 columns
    assert lines[at + 1 : at + 3] == [
        f"  interview 2026-01-11 14:00 UTC, in {left} · coverage 0/{dated['cards']}",
        f"  today 0.0% · if kept {dated['readiness_projected']:.1%} · on track (target 90.0%)",
    ]
    at = lines.index("second-round")
    assert lines[at + 1 : at + 3] == [
        f"  interview 2026-01-02 10:00 UTC, passed · coverage 0/{reports['second-round']['cards']}",
        "  recall at the interview 0.0% · review follows plain FSRS again",
    ]
    assert "undated" not in shown.output and "categories, weakest first" not in shown.output
    assert lines[-1] == "studyprep readiness DECK: a deck's categories, cards most at risk and daily plan"
    assert "categories, weakest first" in _run(tmp_path, later, "readiness", long_slug).output


def test_a_plan_rewritten_to_the_same_size_within_the_mtime_granularity_is_read_again(home: Path) -> None:
    import os

    slug = _slug(home)
    plan = home / "schedules" / f"{slug}.yaml"
    assert _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-01-10", "--tz", "UTC").exit_code == 0
    before = plan.stat()
    due = json.loads(_run(home, FIXED_NOW, "due", "--json").output)
    assert due["decks"][0]["readiness"]["interview"] == "2026-01-10T09:00:00Z"  # cached for this size and mtime
    assert _run(home, FIXED_NOW, "plan", slug, "--interview", "2026-01-11").exit_code == 0
    assert plan.stat().st_size == before.st_size
    # What a file system keeping mtimes to the second or two (FAT, some network shares) records for a second
    # write within that second: the same size and mtime as the first.
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    due = json.loads(_run(home, FIXED_NOW, "due", "--json").output)
    assert due["decks"][0]["readiness"]["interview"] == "2026-01-11T09:00:00Z"
    (report,) = json.loads(_run(home, FIXED_NOW, "readiness", "--json").output)
    assert report["interview"].startswith("2026-01-11T09:00:00")


def test_readiness_of_several_decks_says_the_minutes_left_in_the_last_hour(tmp_path: Path) -> None:
    for slug in ("first-round", "second-round"):
        import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW, deck=slug)
        _run(tmp_path, FIXED_NOW, "plan", slug, "--interview", "2026-01-01T09:40", "--tz", "UTC")
    shown = _run(tmp_path, FIXED_NOW, "readiness").output.splitlines()
    line = shown[shown.index("first-round") + 1]
    assert line.startswith("  interview 2026-01-01 09:40 UTC, in 40 minutes · coverage")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # FIXED_NOW is 18:00 in Tokyo (today there is 2026-01-01); the JSON says the moment in UTC.
        ("+14", "2026-01-15T00:00:00Z"),  # 09:00 in Tokyo
        ("+14d", "2026-01-15T00:00:00Z"),
        ("+3dT14:30", "2026-01-04T05:30:00Z"),
    ],
)
def test_an_interview_given_in_days_from_today_counts_from_today_in_its_time_zone(
    home: Path, given: str, expected: str
) -> None:
    # A README example or a script never goes stale: `+14` is two weeks from the day the command runs.
    slug = _slug(home)
    result = _run(home, FIXED_NOW, "plan", slug, "--tz", "Asia/Tokyo", "--interview", given, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["interview"] == expected


def test_an_interview_in_days_that_are_not_a_number_is_one_line(home: Path) -> None:
    result = _run(home, FIXED_NOW, "plan", _slug(home), "--interview", "+two")
    assert result.exit_code == 1
    assert "--interview: '+two' is not a date like YYYY-MM-DD, YYYY-MM-DDTHH:MM or +DAYS" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_days_from_today_count_from_the_date_in_the_interviews_time_zone(home: Path) -> None:
    late = datetime.fromisoformat("2026-01-01T20:00:00+00:00")  # already 2026-01-02, 05:00, in Tokyo
    result = _run(home, late, "plan", _slug(home), "--tz", "Asia/Tokyo", "--interview", "+14", "--json")
    assert json.loads(result.output)["interview"] == "2026-01-16T00:00:00Z"  # 2026-01-16 09:00 in Tokyo
