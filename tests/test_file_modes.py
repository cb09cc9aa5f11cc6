"""Files studyprep rewrites keep their permission bits; files it creates get the user's default mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE

from studyprep.cli import cli

NOW = {"STUDYPREP_NOW": "2026-01-01T09:00:00Z"}
SLUG = "doit-senior-backend-engineer-golang"


def run(home: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], env=NOW)
    assert result.exit_code == 0, result.output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_new_deck_and_plan_files_get_the_default_mode(tmp_path: Path, umask_022: None) -> None:
    run(tmp_path, "import", str(EXAMPLE))
    run(tmp_path, "plan", SLUG, "--interview", "2026-01-20T10:00", "--tz", "UTC")
    assert mode(tmp_path / "decks" / f"{SLUG}.yaml") == 0o644
    assert mode(tmp_path / "schedules" / f"{SLUG}.yaml") == 0o644


def test_a_rewritten_deck_or_plan_keeps_the_mode_it_had(tmp_path: Path, umask_022: None) -> None:
    run(tmp_path, "import", str(EXAMPLE))
    run(tmp_path, "plan", SLUG, "--interview", "2026-01-20T10:00", "--tz", "UTC")
    deck, plan = tmp_path / "decks" / f"{SLUG}.yaml", tmp_path / "schedules" / f"{SLUG}.yaml"
    deck.chmod(0o640)
    plan.chmod(0o604)
    edited = tmp_path / "edited.md"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n## Concepts to Review\n- Escape analysis\n", "utf-8")
    run(tmp_path, "import", str(edited), "--deck", SLUG)  # rewrites the deck file
    run(tmp_path, "plan", SLUG, "--budget-minutes", "30")  # rewrites the plan file
    assert "Escape analysis" in deck.read_text(encoding="utf-8")
    assert "30" in plan.read_text(encoding="utf-8")
    assert mode(deck) == 0o640
    assert mode(plan) == 0o604
    assert not list(deck.parent.glob(".*.tmp")) and not list(plan.parent.glob(".*.tmp"))


def test_an_exported_package_gets_the_default_mode(tmp_path: Path, umask_022: None) -> None:
    run(tmp_path, "import", str(EXAMPLE))
    target = tmp_path / "out.apkg"
    run(tmp_path, "export", SLUG, "-o", str(target))
    assert mode(target) == 0o644
