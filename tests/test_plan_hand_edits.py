"""Study plans edited by hand into odd states: every command that plans names the file and line, or works.

Real workspaces on disk through click's CliRunner; each plan is written as a user would type it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from review_helpers import DOC, SLUG

from studyprep.cli import cli

NOW = "2026-01-02T09:00:00Z"
PLANNING_COMMANDS = [["due"], ["decks"], ["readiness"], ["review"], ["due", "--json"], ["readiness", "--json"]]


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args], input="\n3\nq\n", env={"STUDYPREP_NOW": NOW})


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the document imported and an interview date, made by the commands once for the module."""
    folder = tmp_path_factory.mktemp("planned")
    document = folder / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    home = folder / "home"
    assert run(home, "import", str(document)).exit_code == 0
    assert run(home, "plan", SLUG, "--interview", "2026-01-20").exit_code == 0
    return home


def workspace_with_plan(planned: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The test's own copy of the planned workspace, and its plan file."""
    home = Path(shutil.copytree(planned, tmp_path / "home"))
    return home, home / "schedules" / f"{SLUG}.yaml"


def edit_line(plan: Path, key: str, value: str) -> str:
    """Replace the line `key: …` (top level or indented, with any list below it) by `key: value`; return the text."""
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.lstrip().startswith(f"{key}:"):
            indent = line[: len(line) - len(line.lstrip())]
            lines[index] = f"{indent}{key}: {value}\n"
            while index + 1 < len(lines) and lines[index + 1].startswith(f"{indent}- "):
                del lines[index + 1]
            break
    else:
        raise AssertionError(f"no {key} in {plan}")
    text = "".join(lines)
    yaml.safe_load(text)  # still valid YAML: the edit is odd, not broken
    plan.write_text(text, encoding="utf-8")
    return text


def assert_error_names_line(result: Result, plan: Path, text: str, where: str, *expected: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    key = where.rsplit(".", 1)[-1]
    line = next(number for number, content in enumerate(text.splitlines(), 1) if content.lstrip().startswith(key))
    assert lines[0].startswith(f"Error: {plan}:{line}: {where}"), lines[0]
    for part in expected:
        assert part in lines[0], lines[0]
    assert plan.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("value", ["'2026-01-20T09:00:00'", "2026-01-20", "2026-01-20 09:00:00"])
@pytest.mark.parametrize("command", PLANNING_COMMANDS)
def test_an_interview_without_an_offset_is_named_with_its_line(
    planned: Path, tmp_path: Path, value: str, command: list[str]
) -> None:
    home, plan = workspace_with_plan(planned, tmp_path)
    text = edit_line(plan, "interview_at", value)
    assert_error_names_line(run(home, *command), plan, text, "interview_at", "offset")


@pytest.mark.parametrize("value", ["'0001-01-01T00:00:00+05:00'", "'9999-12-31T23:00:00-05:00'"])
@pytest.mark.parametrize("command", PLANNING_COMMANDS)
def test_an_interview_at_the_edge_of_the_calendar_is_named_with_its_line(
    planned: Path, tmp_path: Path, value: str, command: list[str]
) -> None:
    home, plan = workspace_with_plan(planned, tmp_path)
    text = edit_line(plan, "interview_at", value)
    assert_error_names_line(run(home, *command), plan, text, "interview_at", "year")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("learning_steps", "[99999999999d]"),
        ("relearning_steps", "[9999999d]"),
        ("learning_steps", f"[{'9' * 400}s]"),
        ("maximum_interval_days", "99999999999"),
    ],
)
@pytest.mark.parametrize("command", PLANNING_COMMANDS)
def test_a_step_or_interval_beyond_the_calendar_is_named_with_its_line(
    planned: Path, tmp_path: Path, key: str, value: str, command: list[str]
) -> None:
    home, plan = workspace_with_plan(planned, tmp_path)
    text = edit_line(plan, key, value)
    assert_error_names_line(run(home, *command), plan, text, f"scheduler.{key}")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("learning_steps", "[]"),
        ("relearning_steps", "[]"),
        ("learning_steps", "[1s, 365d]"),
        ("maximum_interval_days", "36500"),
        ("desired_retention", "0.0000001"),
        ("desired_retention", "0.9999999"),
        ("daily_budget_cards", "1000000000000"),
        ("target_recall", "0.999999999"),
        ("new_cards_per_day", "0"),
    ],
)
def test_odd_but_valid_plans_plan_and_review(planned: Path, tmp_path: Path, key: str, value: str) -> None:
    home, plan = workspace_with_plan(planned, tmp_path)
    edit_line(plan, key, value)
    for command in [*PLANNING_COMMANDS, ["review"], ["export", "-o", str(tmp_path / "out.apkg")]]:
        result = run(home, *command)
        assert result.exit_code == 0, (command, result.output, result.exception)


@pytest.mark.parametrize("command", PLANNING_COMMANDS)
def test_a_plan_file_that_is_a_link_to_nothing_is_named_and_kept(
    planned: Path, tmp_path: Path, command: list[str]
) -> None:
    home, plan = workspace_with_plan(planned, tmp_path)
    target = tmp_path / "dotfiles" / "plan.yaml"  # a plan kept elsewhere, on a drive not mounted now, say
    plan.unlink()
    plan.symlink_to(target)
    result = run(home, *command)
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{plan.name}: study plan is a link to nothing" in result.output
    assert plan.is_symlink() and plan.readlink() == target  # not replaced by a default plan without the interview
