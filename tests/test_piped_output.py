"""Output to a pipe is not laid out for 80 columns: a line is as long as its content, with no padding after it;
and in a terminal the `cards` table keeps one line a card at 80 columns (issue 19)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from studyprep.cli import cli
from tests.helpers import EXAMPLE, REPO, terminal_lines

NOW = "2026-03-01T09:00:00Z"
# A prompt of the example longer than 80 columns: piped, it must come out whole on one line.
LONG_PROMPT = "Describe a data pipeline or analytics feature you built. What were the challenges around throughput"
REPORTS = [("show",), ("cards",), ("decks",), ("readiness",), ("brief",), ("stats",)]


def invoke(home: Path, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin, env={"STUDYPREP_NOW": NOW})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example imported, an interview date set, and three cards answered (so every report has content)."""
    home = tmp_path_factory.mktemp("piped")
    invoke(home, "import", str(EXAMPLE))
    invoke(home, "plan", "--interview", "2026-03-20", "--budget-minutes", "30")
    invoke(home, "review", stdin="\n3\n\n4\n\n2\nq\n")
    return home


def assert_unpadded(output: str, command: str) -> None:
    padded = [line for line in output.splitlines() if line != line.rstrip()]
    assert not padded, f"{command}: lines end in spaces: {padded[:3]}"


@pytest.mark.parametrize("command", REPORTS)
def test_a_report_through_click_is_neither_wrapped_nor_padded(home: Path, command: tuple[str, ...]) -> None:
    output = invoke(home, *command)
    assert output.strip()
    assert_unpadded(output, command[0])
    if command[0] in ("show", "cards"):
        assert any(LONG_PROMPT in line for line in output.splitlines()), output[:2000]


@pytest.mark.parametrize("command", REPORTS)
def test_a_report_through_a_pipe_is_neither_wrapped_nor_padded(home: Path, command: tuple[str, ...]) -> None:
    env = {**os.environ, "STUDYPREP_NOW": NOW, "COLUMNS": "40"}  # a narrow COLUMNS is no reason to wrap a pipe
    done = subprocess.run([sys.executable, "-m", "studyprep", "--home", str(home), *command],
                          capture_output=True, text=True, env=env, check=False, cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert_unpadded(done.stdout, command[0])
    lines = done.stdout.splitlines()
    if command[0] in ("show", "cards"):
        assert any(LONG_PROMPT in line for line in lines)
    if command[0] == "cards":  # every column whole: the longest category is not cut or folded
        assert any("Security and Multi-Tenancy" in line and "new" in line for line in lines)


@pytest.mark.parametrize("columns", [80, 50])
def test_the_cards_table_keeps_one_line_a_card_in_a_terminal(home: Path, columns: int) -> None:
    lines = terminal_lines(columns, "--home", str(home), "cards", env={"STUDYPREP_NOW": NOW})
    rows = [line for line in lines if re.match(r"[0-9a-f]{12}  ", line)]
    assert len(rows) == 106, lines[:5]  # every card on one line of its own: no category folded under it
    assert all(len(line) <= columns for line in lines)
    assert any("…" in row for row in rows)  # long prompts are cut with an ellipsis, never wrapped
    header = lines[0].split()
    assert header[:2] == ["id", "prompt"] and "state" in header
    if columns == 80:
        assert "category" in header


@pytest.mark.parametrize("command", ["decks", "due", "review", "show", "brief", "plan", "export", "mock"])
def test_a_workspace_without_decks_is_named_in_full(tmp_path: Path, command: str) -> None:
    (tmp_path / "ws").mkdir()
    env = {**os.environ, "STUDYPREP_NOW": NOW}
    done = subprocess.run([sys.executable, "-m", "studyprep", "--home", "ws", command], cwd=tmp_path, input="q\n",
                          capture_output=True, text=True, env=env, check=False)  # fmt: skip
    said = done.stdout + done.stderr
    assert f"o decks in {tmp_path / 'ws' / 'decks'} yet" in said and "studyprep import PREP.md" in said, said
    assert done.returncode == (0 if command in ("decks", "due", "review") else 2 if command != "export" else 1)
