"""`studyprep due`, `studyprep decks` due counts and scripted `studyprep review`, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from helpers import FIXED_NOW
from review_helpers import DOC, SLUG, Clock, make_workspace, session_at

from studyprep.cli import cli
from studyprep.store.db import database_path
from studyprep.store.workspace import Workspace


def run(workspace: Workspace, *args: str, now: str = "2026-01-01T09:00:00Z", stdin: str | None = None) -> Result:
    runner = CliRunner()
    env = {"STUDYPREP_NOW": now, "TZ": "UTC", "EDITOR": "true"}
    return runner.invoke(cli, ["--home", str(workspace.root), *args], input=stdin, env=env, catch_exceptions=False)


def due_json(workspace: Workspace, now: str) -> dict:
    result = run(workspace, "due", "--json", now=now)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_due_counts_change_as_cards_are_answered_and_days_pass(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=5)
    first = due_json(workspace, "2026-01-01T09:00:00Z")
    assert first["decks"] == [{"deck": SLUG, "learning": 0, "review": 0, "new": 5, "new_today": 0, "next_due": None}]
    # Scripted session (stdin is not a terminal: one key per line): reveal + "again", reveal + "easy".
    result = run(workspace, "review", stdin="\n1\n\n4\nq\n")
    assert result.exit_code == 0, result.output
    assert "Session over: 2 cards, 2 answers · again 50%" in result.output
    after = due_json(workspace, "2026-01-01T09:00:30Z")
    assert after["decks"][0] | {"next_due": None} == {
        "deck": SLUG, "learning": 1, "review": 0, "new": 3, "new_today": 2, "next_due": None,
    }  # fmt: skip
    assert after["next_due"] == "2026-01-01T09:01:00Z"
    next_day = due_json(workspace, "2026-01-02T09:00:00Z")["decks"][0]
    assert (next_day["new"], next_day["new_today"]) == (5, 0)
    assert next_day["learning"] == 1
    much_later = due_json(workspace, "2026-03-01T09:00:00Z")["total"]
    assert much_later == {"learning": 1, "review": 1, "new": 5}


def test_decks_json_has_the_same_due_counts_as_due_json(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert run(workspace, "review", stdin="\n1\nq\n").exit_code == 0  # reveal + "again": learning, due in a minute
    later = "2026-01-01T09:00:30Z"
    decks = json.loads(run(workspace, "decks", "--json", now=later).output)[0]["due"]
    due = due_json(workspace, later)["decks"][0]
    assert decks == {key: value for key, value in due.items() if key not in ("deck", "readiness")}
    assert decks["new_today"] == 1 and decks["next_due"] == "2026-01-01T09:01:00Z"


def test_due_human_output_and_decks_gain_counts(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run(workspace, "due")
    assert result.exit_code == 0
    assert "8 cards today" in result.output
    decks = run(workspace, "decks", "--json")
    due = {"learning": 0, "review": 0, "new": 8, "new_today": 0, "next_due": None}
    assert json.loads(decks.output)[0]["due"] == due
    assert json.loads(decks.output)[0]["total"] == 8  # existing fields kept


def test_due_prints_a_long_deck_slug_whole_at_80_columns(tmp_path: Path) -> None:
    title = "# Interview Prep: Stripe – Backend Engineer, Payments Infrastructure (Ruby/Java)\n"
    workspace = make_workspace(tmp_path, DOC.replace(DOC.splitlines()[0] + "\n", title))
    slug = "stripe-backend-engineer-payments-infrastructure-ruby-java"
    result = run(workspace, "due")  # not a terminal: rich lays out 80 columns
    assert result.exit_code == 0, result.output
    assert slug in result.output.splitlines()  # the name `review DECK` takes, on a line of its own
    assert "…" not in result.output
    assert "  today: 0 learning, 0 review, 8 new" in result.output


def test_document_text_is_printed_literally(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run(workspace, "review", stdin="\nq\n")
    assert "[bold]caching[/bold]" in result.output
    assert "<script>x</script>" in result.output


def test_second_session_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    with session_at(workspace, Clock(FIXED_NOW)):
        result = run(workspace, "review", stdin="q\n")
    assert result.exit_code == 1
    assert "another review session is running" in result.output
    assert "Traceback" not in result.output


def test_corrupt_database_is_an_error_not_a_traceback_and_is_kept(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    path = database_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"garbage" * 100)
    for command in (["due"], ["review"], ["decks"]):
        result = run(workspace, *command, stdin="q\n")
        assert result.exit_code == 1
        assert "Error:" in result.output and "not a studyprep review database" in result.output
    assert path.read_bytes() == b"garbage" * 100


def test_unknown_deck_and_empty_workspace(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    result = run(workspace, "review", "nope")
    assert result.exit_code == 2 and "no deck named 'nope'" in result.output
    empty = Workspace(tmp_path / "empty")
    nothing = run(empty, "review", stdin="q\n")
    assert nothing.exit_code == 0
    assert f"No decks in {empty.decks_dir} yet. Import one: studyprep import PREP.md" in nothing.output
    assert "Session over" not in nothing.output  # no session to sum up
    empty.root.mkdir()  # a workspace folder that holds nothing yet (one that does not exist is an error)
    assert json.loads(run(empty, "due", "--json").output)["decks"] == []
