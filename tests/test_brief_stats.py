"""`studyprep brief` and `studyprep stats` on a real workspace and review database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW
from review_helpers import SLUG, Clock, answer_all, make_workspace, session_at
from test_plan_cli import _answer_all, _run, _slug

from studyprep.clock import isoformat
from studyprep.commands.importing import import_document
from studyprep.store.db import open_store
from studyprep.store.workspace import Workspace


def _home(tmp_path: Path) -> Path:
    import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW)
    return tmp_path


def test_brief_has_facts_questions_strategy_and_weakest(tmp_path: Path) -> None:
    home = _home(tmp_path)
    slug = _slug(home)
    data = json.loads(_run(home, FIXED_NOW, "brief", slug, "--json").output)
    assert data["company"] == "DoiT"
    assert any(fact["prompt"] == "Company" for fact in data["facts"])
    assert len(data["questions_to_ask"]) == 20
    assert data["strategy"] and data["weakest_categories"]
    human = _run(home, FIXED_NOW, "brief", slug).output
    assert "Questions to ask them" in human and "Strategy" in human


def test_stats_count_reviews_days_streak_and_retention(tmp_path: Path) -> None:
    home = _home(tmp_path)
    slug = _slug(home)
    _answer_all(home, slug, FIXED_NOW, 5)
    _answer_all(home, slug, FIXED_NOW + timedelta(days=1), 5)  # reviews of graduated cards, all passed
    data = json.loads(_run(home, FIXED_NOW + timedelta(days=1), "stats", "--json").output)
    total = data["total"]
    assert total["new_cards"] == 5
    assert total["reviews"] == 5 * 2 + 5
    assert total["true_retention"] == 1.0
    assert len(total["per_day"]) == 2 and data["streak_days"] == 2
    assert data["decks"][0]["deck"] == slug
    assert json.loads(_run(home, FIXED_NOW + timedelta(days=3), "stats", "--json").output)["streak_days"] == 0
    assert "streak: 2 days" in _run(home, FIXED_NOW + timedelta(days=1), "stats").output


def test_stats_on_an_empty_workspace(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_main(), ["stats", "--json"], env={"STUDYPREP_HOME": str(tmp_path)})
    assert result.exit_code == 0 and json.loads(result.output)["total"]["reviews"] == 0


def cli_main():
    from studyprep.cli import cli

    return cli


def test_brief_lists_a_multi_line_fact_under_its_name(tmp_path: Path) -> None:
    home = _home(tmp_path)
    human = _run(home, FIXED_NOW, "brief", _slug(home)).output
    assert "Core values:\n  - Act as One Team\n  - Wow the Customer\n" in human
    assert "Mission: “Intelligence to optimize your cloud.”" in human


def test_brief_leaves_out_the_documents_closing_offer_but_the_deck_keeps_it(tmp_path: Path) -> None:
    home = _home(tmp_path)
    slug = _slug(home)
    human = _run(home, FIXED_NOW, "brief", slug).output
    data = json.loads(_run(home, FIXED_NOW, "brief", slug, "--json").output)
    assert "I can tailor" not in human and "I can tailor" not in json.dumps(data)
    assert "Candidate positioning summary" in data["strategy"][-1]["text"]
    assert "I can tailor this document further" in (home / "decks" / f"{slug}.yaml").read_text(encoding="utf-8")


def test_an_offer_is_only_a_closing_paragraph_in_which_the_writer_offers_help() -> None:
    from studyprep.commands.brief_cmd import without_offer

    assert without_offer("Bring numbers.\n\nLet me know if you want a 90-day plan.") == "Bring numbers."
    assert without_offer("Bring numbers.\n  \nWould you like me to draft answers?\n") == "Bring numbers."
    kept = ("If you want to stand out, bring numbers.", "If you'd like, I can help.\n\nBring numbers.")
    assert [without_offer(text) for text in kept] == list(kept)


def test_stats_heatmap_rows_are_weekdays_and_end_today(tmp_path: Path) -> None:
    home = _home(tmp_path)
    slug = _slug(home)
    _answer_all(home, slug, FIXED_NOW, 5)  # 2026-01-01, a Thursday
    friday = FIXED_NOW + timedelta(days=1)
    _answer_all(home, slug, friday, 5)
    lines = _run(home, friday, "stats").output.splitlines()
    rows = {line[:3]: line[4:] for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
    assert list(rows) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    # Piped, a row ends at its last shaded day (no padding): today (Friday) and Thursday are the twelfth column.
    assert len(rows["Thu"]) == len(rows["Fri"]) == 2 * 12
    assert rows["Thu"][-2:].strip() and rows["Fri"][-2:].strip()
    assert all(not rows[day] for day in ("Mon", "Tue", "Wed", "Sat", "Sun"))  # no reviews: no cell is shaded


def _stats(workspace: Workspace, now: datetime) -> dict[str, object]:
    env = {"STUDYPREP_NOW": isoformat(now), "TZ": "UTC"}
    result = CliRunner().invoke(cli_main(), ["--home", str(workspace.root), "stats", "--json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_day_with_nothing_to_do_keeps_the_streak_and_a_day_with_cards_due_breaks_it(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=None)
    with session_at(workspace, Clock(FIXED_NOW)) as session:
        answer_all(session, 4)  # every card seen and graduated: nothing due for days
    # Day 1 had nothing to do (no card due, none new): it keeps the streak (before, it broke it: 0).
    assert _stats(workspace, FIXED_NOW + timedelta(days=2))["streak_days"] == 2
    with open_store(workspace) as store:
        due = min(store.get_state(SLUG, card).card.due for card in store.logged_cards(SLUG))
    # Once cards fall due and the day passes without a review, the streak is broken.
    assert _stats(workspace, due + timedelta(days=2))["streak_days"] == 0


def test_a_piped_session_is_logged_without_durations_and_sets_no_pace(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, interview_at=FIXED_NOW + timedelta(days=5), daily_budget_minutes=10)
    env = {**os.environ, "STUDYPREP_NOW": isoformat(FIXED_NOW), "TZ": "UTC"}
    command = [sys.executable, "-m", "studyprep", "--home", str(workspace.root), "review"]
    done = subprocess.run(
        command, input="\n3\n\n3\n\n4\nq\n", text=True, capture_output=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    with open_store(workspace) as store:
        durations = store.conn.execute("SELECT duration_ms FROM review_log").fetchall()
    assert len(durations) == 3 and all(duration is None for (duration,) in durations)
    report = subprocess.run(
        [*command[:-1], "readiness", "--json"], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    (deck,) = json.loads(report.stdout)
    assert deck["seconds_per_answer_measured"] is False
