"""A deck file broken by a hand edit blocks only its own deck: the other decks review, list, export and brief as
usual; `due`, `decks` and `readiness` list the broken one with its error; a command exits non-zero for it only
when it names that deck."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import FIXED_NOW
from review_helpers import SLUG, make_workspace, set_plan

from studyprep.cli import cli
from studyprep.commands.importing import import_document
from studyprep.store.workspace import Workspace

OTHER = "zeta-platform"
INTERVIEW = datetime(2026, 1, 8, 9, tzinfo=UTC)


def run(workspace: Workspace, *args: str, stdin: str | None = None) -> Result:
    env = {"STUDYPREP_NOW": "2026-01-01T09:00:00Z", "TZ": "UTC", "EDITOR": "true"}
    return CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input=stdin, env=env)


def two_decks_one_broken(tmp_path: Path) -> tuple[Workspace, str]:
    """`acme-sre` (broken by a typo'd key, after a first `due` mirrored it) and `zeta-platform` (fine), both with
    an interview date; returns the workspace and the error's start: the broken file and a line."""
    workspace = make_workspace(tmp_path, interview_at=INTERVIEW)
    import_document(workspace, tmp_path / "prep.md", FIXED_NOW, deck=OTHER)
    set_plan(workspace, OTHER, interview_at=INTERVIEW)
    assert run(workspace, "due").exit_code == 0  # both mirrored while still whole
    path = workspace.deck_path(SLUG)
    lines = path.read_text(encoding="utf-8").split("\n")
    broken_at = next(number for number, line in enumerate(lines) if line.startswith("  prompt:"))
    lines[broken_at] = lines[broken_at].replace("prompt:", "promt:")
    path.write_text("\n".join(lines), encoding="utf-8")
    return workspace, f"{path}:"


def test_another_decks_broken_file_does_not_stop_a_review(tmp_path: Path) -> None:
    workspace, _ = two_decks_one_broken(tmp_path)
    named = run(workspace, "review", "zeta", stdin="\n3\nq\n")
    assert named.exit_code == 0, named.output
    assert "Session over: 1 card" in named.output and "acme-sre" not in named.output
    every = run(workspace, "review", stdin="\n3\nq\n")  # no deck named: the others, and a word on the broken one
    assert every.exit_code == 0, every.output
    assert "Session over: 1 card" in every.output
    assert "left out acme-sre: its deck file cannot be read" in every.output


def test_a_broken_deck_named_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    workspace, where = two_decks_one_broken(tmp_path)
    for command in (["review", "acme"], ["readiness", "acme"], ["show", "acme"], ["export", "acme"],
                    ["brief", "acme"]):  # fmt: skip
        result = run(workspace, *command, stdin="q\n")
        assert result.exit_code == 1, (command, result.output)
        assert re.search(rf"^Error: {re.escape(where)}\d+: ", result.stderr), (command, result.stderr)
        assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["due", "decks"])
def test_due_and_decks_list_the_broken_deck_with_its_error_and_count_the_others(tmp_path: Path, command: str) -> None:
    workspace, where = two_decks_one_broken(tmp_path)
    shown = run(workspace, command)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    at = lines.index(SLUG)
    assert re.match(rf"  cannot read the deck file: {re.escape(where)}\d+: \S", lines[at + 1])
    assert any(line.startswith(OTHER) for line in lines) and "today:" in shown.output
    listed = json.loads(run(workspace, command, "--json").output)
    entries = listed["decks"] if command == "due" else listed
    broken = next(entry for entry in entries if entry["deck"] == SLUG)
    assert set(broken) == {"deck", "error"} and re.match(rf"{re.escape(where)}\d+: \S", broken["error"])
    other = next(entry for entry in entries if entry["deck"] == OTHER)
    assert "error" not in other
    if command == "due":
        assert listed["total"]["new"] == other["new"] > 0  # the broken deck counts for nothing
    else:
        assert other["cards"]["question"] == 5


def test_readiness_brief_and_export_of_the_other_decks_go_on(tmp_path: Path) -> None:
    workspace, where = two_decks_one_broken(tmp_path)
    every = run(workspace, "readiness")
    assert every.exit_code == 0, every.output
    assert f"{SLUG}\n  cannot read the deck file: {where}" in every.output
    assert f"{OTHER}\n  interview 2026-01-08 09:00 UTC, in 7 days" in every.output
    assert run(workspace, "readiness", "zeta").exit_code == 0
    assert run(workspace, "brief", "zeta").exit_code == 0
    exported = run(workspace, "export", "--all", "-o", str(tmp_path / "all.apkg"), "--json")
    assert exported.exit_code == 0, exported.output
    summary = json.loads(exported.stdout)
    assert [deck["deck"] for deck in summary["decks"]] == [OTHER]
    assert [entry["deck"] for entry in summary["skipped"]] == [SLUG]
