"""The first ten minutes: the only deck needs no name, names match without case and near misses are suggested,
`import` says what to do next, and `due` has a one-line form and an exit status for scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from studyprep.cli import cli
from tests.helpers import EXAMPLE

SLUG = "doit-senior-backend-engineer-golang"
NOW = "2026-03-01T09:00:00Z"


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args], env={"STUDYPREP_NOW": NOW, "COLUMNS": "300"})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    imported = run(tmp_path, "import", str(EXAMPLE))
    assert imported.exit_code == 0, imported.output
    return tmp_path


def test_import_says_what_to_do_next(home: Path) -> None:
    first = run(home / "other", "import", str(EXAMPLE)).output
    assert f"next: studyprep review {SLUG} · studyprep plan {SLUG} --interview DATE" in first
    again = run(home, "import", str(EXAMPLE)).output  # nothing new: no advice
    assert "next:" not in again


@pytest.mark.parametrize("command", ["show", "plan", "brief"])
def test_the_only_deck_needs_no_name(home: Path, command: str) -> None:
    result = run(home, command)
    assert result.exit_code == 0, result.output
    assert result.output == run(home, command, SLUG).output


def test_the_only_deck_needs_no_name_for_its_answer_sheet(home: Path) -> None:
    result = run(home, "answers", "--export", str(home / "sheet.md"))
    assert result.exit_code == 0, result.output
    assert f"({SLUG})" in (home / "sheet.md").read_text(encoding="utf-8")


def test_with_two_decks_a_name_is_asked_for(home: Path) -> None:
    second = home / "second.md"
    second.write_text("# Acme – SRE\n\n## Interview Questions\n\n- Why Acme?\n", encoding="utf-8")
    assert run(home, "import", str(second)).exit_code == 0
    result = run(home, "show")
    assert result.exit_code == 2
    assert "name a deck (decks: acme-sre, doit-senior-backend-engineer-golang)" in result.output


def test_deck_names_match_without_case_and_a_near_miss_is_suggested(home: Path) -> None:
    upper = run(home, "show", "DOIT")
    assert upper.exit_code == 0 and "Golang" in upper.output
    typo = run(home, "show", "doit-senior-backend-engineer-golnag")
    assert typo.exit_code == 2
    assert f"did you mean {SLUG}?" in typo.output
    assert "Traceback" not in typo.output


def test_due_short_and_exit_status(home: Path, tmp_path: Path) -> None:
    short = run(home, "due", "--short", "--exit-status")
    assert short.exit_code == 0
    assert short.output.strip() == f"{SLUG} 20"
    (tmp_path / "empty").mkdir()
    empty = run(tmp_path / "empty", "due", "--short", "--exit-status")
    assert empty.exit_code == 1
    assert empty.output.strip() == "nothing due"


@pytest.mark.parametrize("command", ["decks", "due", "stats", "readiness"])
def test_a_home_that_does_not_exist_is_an_error_for_a_reporting_command(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "typo"
    result = run(missing, command)
    assert result.exit_code == 1
    assert f"{missing}: no workspace here: the folder does not exist" in result.output
    assert not missing.exists()


def test_deck_names_complete_in_the_shell(home: Path) -> None:
    env = {**os.environ, "COMP_WORDS": f"studyprep --home {home} show do", "COMP_CWORD": "4",
           "_STUDYPREP_COMPLETE": "bash_complete", "STUDYPREP_NOW": NOW}  # fmt: skip
    found = subprocess.run([sys.executable, "-m", "studyprep"], env=env, capture_output=True, text=True, check=False)
    assert found.stdout.splitlines() == [f"plain,{SLUG}"], found.stderr
    env["COMP_WORDS"] = f"studyprep --home {home / 'nowhere'} show do"
    nothing = subprocess.run([sys.executable, "-m", "studyprep"], env=env, capture_output=True, text=True, check=False)
    assert nothing.stdout.strip() == "" and "Traceback" not in nothing.stderr


def test_card_ids_complete_in_the_shell_without_writing_anything(home: Path) -> None:
    # `card`, `suspend`, `flag`, `forget`... complete the ids of present cards, read from the review database
    # opened read-only: a completion makes no backup and changes no file.
    database = home / "schedules" / "reviews.db"
    ids = sorted(card["id"] for card in json.loads(run(home, "cards", "--json").output))
    before = sorted((path.name, path.stat().st_mtime_ns) for path in (home / "schedules").rglob("*"))
    prefix = ids[0][:2]
    env = {**os.environ, "COMP_WORDS": f"studyprep --home {home} suspend {prefix}", "COMP_CWORD": "4",
           "_STUDYPREP_COMPLETE": "bash_complete", "STUDYPREP_NOW": NOW}  # fmt: skip
    found = subprocess.run([sys.executable, "-m", "studyprep"], env=env, capture_output=True, text=True, check=False)
    offered = [line.split(",", 1)[1] for line in found.stdout.splitlines()]
    assert offered == [card_id for card_id in ids if card_id.startswith(prefix)], found.stderr
    assert sorted((path.name, path.stat().st_mtime_ns) for path in (home / "schedules").rglob("*")) == before
    assert database.is_file()
