"""Practice beyond the schedule: `--limit` in cards, study ahead, filtered sessions (real database, real CLI)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from review_helpers import PROMPTS, make_workspace

from studyprep.cli import cli
from studyprep.workspace import Workspace

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
