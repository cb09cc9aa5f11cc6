"""Every `--json` output is a contract: one golden file per command (and per form of it) under tests/golden/json/.

One scenario drives the real CLI (CliRunner) through a small workspace on a fixed clock: import, list, plan,
a piped review, readiness, answers, card actions, a mock, an export and a pull of that package, check, the
backup listing and a restore of the oldest backup. Each step's JSON is compared with its golden file after two
normalizations only: the temporary folder reads `<tmp>`, and sub-second digits of timestamps are dropped (a piped
review's clock runs from the fixed start with real time, so its answers land a few milliseconds apart from run to
run).

After an intended change of a JSON shape, regenerate and read the diff:
    STUDYPREP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_json.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from studyprep.cli import cli

GOLDEN = Path(__file__).parent / "golden" / "json"
UPDATE = os.environ.get("STUDYPREP_UPDATE_GOLDEN") == "1"
NOW = "2026-03-02T09:00:00+00:00"
LATER = "2026-03-05T09:00:00+00:00"
SLUG = "acme-site-reliability-engineer"
_FRACTION = re.compile(r"(T\d\d:\d\d:\d\d)\.\d{1,6}")

DOCUMENT = """\
# Acme – Site Reliability Engineer

## Interview Questions

### Technical

1. How does TCP slow start work?
   - **What they're looking for:** congestion window growth, ssthresh.
   - **Sample answer:** cwnd doubles every RTT until ssthresh, then grows linearly.
2. What is an SLO, and how does it differ from an SLA?

### Behavioural

- Tell me about an outage you led. -> STAR, blameless review

## Concepts to Review

- **Error budget:** the unreliability an SLO allows.
- **Circuit breaker:** stop calling a failing dependency for a while.

## Key Facts

- Founded: 2009
- Team size: 40 engineers

## Questions to Ask

- How is on-call shared across the team?
- What does a good first quarter look like?
"""


def _normalized(text: str, folder: Path) -> Any:
    flat = json.dumps(json.loads(text), ensure_ascii=False)
    flat = flat.replace(str(folder), "<tmp>")
    return json.loads(_FRACTION.sub(r"\1", flat))


class Scenario:
    """Runs the CLI in one workspace and keeps each step's normalized JSON by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.home = folder / "home"
        self.outputs: dict[str, Any] = {}

    def run(self, name: str, *args: str, now: str = NOW, stdin: str | None = None, code: int = 0) -> Any:
        # STUDYPREP_CLOCK_STEP: the mock's clock moves only with its screen's ticks (none when piped).
        env = {"STUDYPREP_NOW": now, "TZ": "UTC", "EDITOR": "true", "COLUMNS": "100", "STUDYPREP_CLOCK_STEP": "1"}
        result = CliRunner().invoke(cli, ["--home", str(self.home), *args], input=stdin, env=env)
        assert result.exit_code == code, (name, result.output, result.exception)
        if name:
            self.outputs[name] = _normalized(result.stdout, self.folder)
            return self.outputs[name]
        return None


def _play(scenario: Scenario, tmp: Path) -> None:
    document = tmp / "acme.md"
    document.write_text(DOCUMENT, encoding="utf-8")
    run = scenario.run
    run("import-dry-run", "import", str(document), "--dry-run", "--json")
    run("import", "import", str(document), "--json")
    run("import-again", "import", str(document), "--json")
    run("decks", "decks", "--json")
    run("show", "show", "--json")
    run("plan-set", "plan", "--interview", "2026-03-20", "--budget-cards", "12", "--json")
    run("plan", "plan", "--json")
    run("due", "due", "--json")
    run("", "review", stdin="\n3\n" * 6 + "\n1\n" + "q\n")
    run("due-after-review", "due", "--json")
    run("readiness", "readiness", "--json")
    run("readiness-deck", "readiness", SLUG, "--json")
    run("brief", "brief", "--json")
    cards = run("cards", "cards", "--json")
    first = cards[0]["id"]
    run("cards-search", "cards", "--search", "slow start", "--json")
    run("card", "card", first, "--json")
    run("add", "add", SLUG, "What is toil?", "--category", "Technical", "--back", "Manual, repetitive work.", "--json")
    for action in ("flag", "unflag", "suspend", "unsuspend", "forget"):
        run(action, action, first, "--json")
    sheet = tmp / "answers.md"
    run("answers-export", "answers", "--export", str(sheet), "--json")
    lines = sheet.read_text(encoding="utf-8").splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("## What is an SLO"))
    lines.insert(at + 1, "An SLO is our own target; an SLA is a contract.")
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("answers-import", "answers", "--import", str(sheet), "--json")
    run("mock", "mock", "--questions", "2", "--json", now=LATER, stdin="\n3\n\n2\n")
    package = tmp / "acme.apkg"
    run("export", "export", "--all", "--output", str(package), "--json", now=LATER)
    run("anki-pull", "anki-pull", str(package), "--json", now=LATER)
    run("stats", "stats", "--json", now=LATER)
    run("check", "check", "--json", now=LATER)
    listing = run("restore-list", "restore", "--list", "--json", now=LATER)
    oldest = listing["backups"][-1]["name"]
    run("restore", "restore", oldest, "--json", now=LATER)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("golden-json")
    scenario = Scenario(tmp)
    _play(scenario, tmp)
    return scenario.outputs


STEPS = [
    "import-dry-run", "import", "import-again", "decks", "show", "plan-set", "plan", "due", "due-after-review",
    "readiness", "readiness-deck", "brief", "cards", "cards-search", "card", "add", "flag", "unflag", "suspend",
    "unsuspend", "forget", "answers-export", "answers-import", "mock", "export", "anki-pull", "stats", "check",
    "restore-list", "restore",
]  # fmt: skip


@pytest.mark.parametrize("step", STEPS)
def test_json_output_matches_its_golden_file(outputs: dict[str, Any], step: str) -> None:
    golden = GOLDEN / f"{step}.json"
    produced = json.dumps(outputs[step], indent=2, ensure_ascii=False) + "\n"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"no golden file for {step}: run with STUDYPREP_UPDATE_GOLDEN=1 and read the diff"
    assert produced == golden.read_text(encoding="utf-8"), f"`{step}` --json changed shape or values"


def _shape(value: Any) -> Any:
    """The JSON's shape: keys kept, each number, string or boolean replaced by its type, a list by its first item."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return "null" if value is None else type(value).__name__


def test_optimize_json_keeps_its_shape(tmp_path: Path) -> None:
    # The fit's figures come from fsrs-rs's training (floating point, platform-dependent in the last digits), so
    # this golden holds the shape: every key and the type of every value.
    from test_optimize import LEARNERS, simulated_log, workspace_with_history

    memory, cards, days = LEARNERS["strong"]
    workspace = workspace_with_history(tmp_path, simulated_log(1, memory, cards, days), cards)
    env = {"STUDYPREP_NOW": "2026-06-01T09:00:00Z", "TZ": "UTC"}
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), "optimize", "--json"], env=env)
    assert result.exit_code == 0, result.output
    produced = json.dumps(_shape(json.loads(result.stdout)), indent=2) + "\n"
    golden = GOLDEN / "optimize.shape.json"
    if UPDATE:
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8"), "`optimize --json` changed shape"


def test_every_command_with_json_has_a_golden_step() -> None:
    # A new command with --json must join the scenario: the contract covers every command.
    with_json: set[str] = set()
    for name, command in cli.commands.items():
        if any(param.name == "as_json" for param in command.params):
            with_json.add(name)
    steps = [*STEPS, "optimize"]  # optimize: its shape (test_optimize_json_keeps_its_shape)
    covered = {name for name in cli.commands if any(step == name or step.startswith(f"{name}-") for step in steps)}
    assert with_json - covered == set(), f"commands with --json but no golden step: {sorted(with_json - covered)}"
