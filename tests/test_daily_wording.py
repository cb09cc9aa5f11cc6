"""What a daily user reads: one way to say a duration, counts in the right number, no heading over nothing, no
word cut in half, no deck slug cut short, and an import that was not written never called unchanged."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import EXAMPLE, FIXED_NOW
from review_helpers import DOC, SLUG, make_workspace

from studyprep.cli import cli
from studyprep.clock import isoformat
from studyprep.wording import count, duration, ellipsize


def run(home: Path, *args: str, now=FIXED_NOW, columns: int = 80) -> Result:
    env = {"STUDYPREP_NOW": isoformat(now), "TZ": "UTC", "COLUMNS": str(columns)}
    result = CliRunner().invoke(cli, ["--home", str(home), *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (10, "under a minute"),
        (60, "1 minute"),
        (30 * 60, "30 minutes"),
        (3600, "1 hour"),
        (3600 + 60, "1 hour 1 minute"),
        (5 * 3600 + 20 * 60, "5 hours 20 minutes"),
        (86400, "1 day"),
        (10 * 86400 + 4 * 3600 + 59, "10 days 4 hours"),
        (45 * 86400, "45 days"),
        (75 * 86400, "2 months 15 days"),
        (400 * 86400, "1 year 1 month"),
    ],
)
def test_one_way_to_say_a_duration(seconds: int, said: str) -> None:
    assert duration(seconds) == said == duration(timedelta(seconds=seconds))


def test_counts_and_ellipsis() -> None:
    assert [count(1, "card"), count(2, "card"), count(1, "deck file"), count(0, "deck file")] == [
        "1 card", "2 cards", "1 deck file", "0 deck files",
    ]  # fmt: skip
    assert count(2, "reschedule/manual entry") == "2 reschedule/manual entries"
    prompt = "How would you approach refactoring in the new payments service when nobody knows the code?"
    assert ellipsize(prompt, 70) == "How would you approach refactoring in the new payments service when…"
    assert ellipsize("short", 70) == "short"


def test_decks_and_due_say_time_left_as_readiness_does_and_counts_in_the_right_number(tmp_path: Path) -> None:
    one = "# Acme – SRE\n\n## Interview Questions\n\n- How does TCP slow start work?\n"
    workspace = make_workspace(tmp_path, one, interview_at=FIXED_NOW + timedelta(minutes=30))
    decks = run(workspace.root, "decks").output
    assert "1 card: 1 question, 0 concepts, 0 facts, 0 to ask" in decks
    assert "interview in 30 minutes, readiness today 0%" in decks and "0d" not in decks
    readiness = run(workspace.root, "readiness").output
    assert "30 minutes left" in readiness
    due = run(workspace.root, "due").output
    assert "1 card today: run `studyprep review`." in due
    check = run(workspace.root, "check").output
    assert "checked 1 deck file (1 card), 1 plan, 0 logged reviews" in check


def test_a_dry_run_that_would_add_cards_does_not_say_no_changes(tmp_path: Path) -> None:
    document = tmp_path / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    shown = run(tmp_path, "import", str(document), "--dry-run", columns=300).output
    assert "no changes" not in shown
    assert f"dry run, nothing written: would write {tmp_path / 'decks' / f'{SLUG}.yaml'}" in shown
    assert not (tmp_path / "decks").exists()
    data = json.loads(run(tmp_path, "import", str(document), "--dry-run", "--json").output)
    assert data["written"] is False and data["changed"] is True
    run(tmp_path, "import", str(document))
    again = run(tmp_path, "import", str(document), "--dry-run", columns=300).output
    assert f"no changes to {tmp_path / 'decks' / f'{SLUG}.yaml'}" in again


def test_readiness_at_risk_prompts_end_at_a_word(tmp_path: Path) -> None:
    prompt = "How would you approach refactoring in the new payments service when nobody knows the code?"
    doc = f"# Acme – SRE\n\n## Interview Questions\n\n- {prompt}\n- How does TCP slow start work?\n"
    workspace = make_workspace(tmp_path, doc, interview_at=FIXED_NOW + timedelta(days=5))
    shown = run(workspace.root, "readiness", SLUG, columns=200).output
    assert "How would you approach refactoring in the new payments service when…" in shown
    assert prompt[:70] not in shown  # "… when no": half a word


def test_stats_show_long_deck_slugs_whole_and_an_empty_heatmap_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    empty = run(tmp_path / "empty", "stats").output
    assert "No reviews yet" in empty and "peak" not in empty
    long_slug = "a-rather-long-deck-name-for-the-platform-onsite-round"
    home = tmp_path / "home"
    run(home, "import", str(EXAMPLE), "--deck", long_slug)
    run(home, "import", str(EXAMPLE), "--deck", "short")
    from test_plan_cli import _answer_all

    _answer_all(home, long_slug, FIXED_NOW, 3)
    _answer_all(home, "short", FIXED_NOW, 2)
    for columns in (60, 80, 200):
        shown = run(home, "stats", now=FIXED_NOW + timedelta(hours=1), columns=columns).output
        assert long_slug in shown, shown
        assert "short" in shown and "…" not in shown
    later = run(home, "stats", now=FIXED_NOW + timedelta(weeks=20)).output
    assert "no reviews in the last 12 weeks" in later and "peak" not in later


STRATEGY_HEADINGS = ["My strategy", "Game plan", "Approach", "Ma stratégie", "Plano de jogo", "Mi enfoque",
                     "Meine Vorgehensweise"]  # fmt: skip


def test_brief_reads_a_strategy_under_other_names_and_prints_no_heading_over_nothing(tmp_path: Path) -> None:
    notes = "".join(f"\n## {heading}\n\nNote {n} for the day.\n" for n, heading in enumerate(STRATEGY_HEADINGS))
    doc = f"# Acme – SRE\n\n## Interview Questions\n\n- How does TCP slow start work?\n{notes}"
    workspace = make_workspace(tmp_path, doc)
    data = json.loads(run(workspace.root, "brief", SLUG, "--json").output)
    assert [entry["section"] for entry in data["strategy"]] == STRATEGY_HEADINGS
    shown = run(workspace.root, "brief", SLUG).output
    assert "Strategy" in shown and "Weakest categories" in shown
    assert "Note 6 for the day." in shown
    # No fact and no question to ask them in this document: no heading for either.
    assert "Company facts" not in shown and "Questions to ask them" not in shown
