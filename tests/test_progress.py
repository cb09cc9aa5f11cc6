"""Progress of long work (issue 19): a bar on stderr in a real terminal once the work has run a moment, never in
a pipe, never in `--json` output, never with `--quiet`; core functions report through a callback and print
nothing. `$STUDYPREP_PROGRESS_DELAY` (the moment, injected) is 0 here, so no test waits for a bar."""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from studyprep.commands.importing import import_document
from studyprep.commands.listing import show_deck
from studyprep.render.progress_bar import ProgressBar
from studyprep.store.workspace import Workspace
from tests.helpers import EXAMPLE, FIXED_NOW, REPO

NOW = "2026-03-01T09:00:00Z"
STUDYPREP = f"{shlex.quote(sys.executable)} -m studyprep"


def environment(delay: str = "0") -> dict[str, str]:
    env = {**os.environ, "STUDYPREP_NOW": NOW, "STUDYPREP_PROGRESS_DELAY": delay, "TERM": "xterm"}
    env.pop("COLUMNS", None)
    return env


def in_terminal(command: str, delay: str = "0") -> str:
    """What a shell `command` draws on a real terminal (stdout may be redirected inside it)."""
    child = pexpect.spawn("bash", ["-c", command], cwd=str(REPO), env=environment(delay), encoding="utf-8",
                          dimensions=(30, 100), timeout=120)  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example imported by the command, once for the module."""
    home = tmp_path_factory.mktemp("imported")
    done = subprocess.run([sys.executable, "-m", "studyprep", "--home", str(home), "import", str(EXAMPLE)],
                          capture_output=True, text=True, env=environment(), check=False, cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # stderr is a pipe: no bar, even with no delay
    return home


@pytest.fixture
def home(imported: Path, tmp_path: Path) -> Path:
    """A copy of the imported workspace of the test's own (the tests write into it)."""
    return Path(shutil.copytree(imported, tmp_path / "home"))


def test_import_draws_a_bar_in_a_terminal_and_json_output_stays_clean(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    screen = in_terminal(f"{STUDYPREP} --home {tmp_path} import {EXAMPLE} --json > {out}")
    assert f"reading {EXAMPLE.name}" in screen and "writing doit-senior-backend-engineer-golang" in screen
    assert json.loads(out.read_text(encoding="utf-8"))["deck"] == "doit-senior-backend-engineer-golang"


@pytest.mark.parametrize(
    ("command", "task"),
    [("show > {folder}/shown.txt", "writing the cards"), ("export -o {folder}/x.apkg", "exporting doit"),
     ("decks", "planning today"), ("show", "reading doit-senior-backend-engineer-golang.yaml"),
     ("check --full", "checking the review database (full)")],
)  # fmt: skip
def test_long_work_draws_a_bar_on_stderr_in_a_terminal(home: Path, command: str, task: str) -> None:
    if command == "decks":  # a deck with an interview date: the first listing of the day decides its plan
        plan = f"{STUDYPREP} --home {home} plan --interview 2026-03-20 > /dev/null"
        subprocess.run(["bash", "-c", plan], env=environment(), check=True, cwd=REPO)
    screen = in_terminal(f"{STUDYPREP} --home {home} {command.format(folder=home)}")
    assert task in screen and "━" in screen
    if ">" in command:  # the cards went to the file, whole; the bar only to the terminal
        shown = (home / "shown.txt").read_text(encoding="utf-8")
        assert "━" not in shown and "Describe a data pipeline or analytics feature you built" in shown


def test_no_bar_with_quiet_nor_before_the_delay_nor_in_a_pipe(home: Path) -> None:
    assert "━" not in in_terminal(f"{STUDYPREP} --home {home} --quiet show")
    assert "━" not in in_terminal(f"{STUDYPREP} --home {home} show", delay="3600")  # short work: never drawn
    piped = subprocess.run([sys.executable, "-m", "studyprep", "--home", str(home), "export", "-o", str(home)],
                           capture_output=True, text=True, env=environment(), check=False, cwd=REPO)  # fmt: skip
    assert piped.returncode == 0 and piped.stderr == "" and "━" not in piped.stdout


def test_quiet_leaves_out_the_hints_on_what_to_do_next(tmp_path: Path) -> None:
    quiet = in_terminal(f"{STUDYPREP} --home {tmp_path} -q import {EXAMPLE}")
    assert "wrote" in quiet and "next:" not in quiet
    exported = in_terminal(f"{STUDYPREP} --home {tmp_path} --quiet export -o {tmp_path}")
    assert "wrote" in exported and "Open the file with Anki" not in exported


def test_the_bar_appears_once_the_injected_clock_passes_the_delay() -> None:
    screen = io.StringIO()
    now = [100.0]
    bar = ProgressBar(Console(file=screen, force_terminal=True, width=80), delay=3600, clock=lambda: now[0])
    try:
        bar("reading", 1, 10)
        now[0] += 3599
        bar("reading", 2, 10)
        assert not bar.shown and screen.getvalue() == ""
        now[0] += 1
        bar("writing", 3, 10)
        assert bar.shown and "writing" in screen.getvalue()
    finally:
        bar.stop()


def test_core_functions_report_steps_and_counts_and_print_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    heard: list[tuple[str, int, int | None]] = []

    def progress(task: str, done: int = 0, total: int | None = None) -> None:
        heard.append((task, done, total))

    workspace = Workspace(tmp_path)
    result = import_document(workspace, EXAMPLE, FIXED_NOW, progress=progress)
    cards = len(result.report.added) and sum(result.report.added.values())
    writes = [entry for entry in heard if entry[0].startswith("writing")]
    assert heard[0] == (f"reading {EXAMPLE.name}", 0, None)
    assert [done for _, done, _ in writes] == list(range(1, len(writes) + 1)) and writes[-1][2] == len(writes)
    assert len(writes) >= cards  # every card (and reference note) written is told
    heard.clear()
    show_deck(workspace, "", progress=progress)
    reads = [done for task, done, _ in heard if task.startswith("reading")]
    assert reads == sorted(reads) and len(reads) > cards  # characters read, growing, at each card or list
    assert capsys.readouterr() == ("", "")


def test_review_decides_the_days_plans_under_a_bar_that_is_gone_before_the_first_card(home: Path) -> None:
    plan = f"{STUDYPREP} --home {home} plan --interview 2026-03-20 > /dev/null"
    subprocess.run(["bash", "-c", plan], env=environment(), check=True, cwd=REPO)
    child = pexpect.spawn(sys.executable, ["-m", "studyprep", "--home", str(home), "review"], cwd=str(REPO),
                          env=environment(), encoding="utf-8", dimensions=(30, 100), timeout=60)  # fmt: skip
    child.expect("planning today")
    child.expect("space")  # the first card's key line: the session is on screen
    child.send("q")
    child.expect(pexpect.EOF)
    assert "Session over" in child.before


def test_anki_pull_reports_its_steps(tmp_path: Path) -> None:
    from test_anki_pull import T0, handmade_collection

    from studyprep.anki import model as anki_model
    from studyprep.commands.anki_pull import pull_reviews
    from studyprep.store.deckstore import load_deck

    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    first = load_deck(workspace, slug).cards[0].id
    collection = handmade_collection(tmp_path / "collection.anki2", [anki_model.note_guid(slug, first)],
                                     [(T0, 1, 3, 8000, 0), (T0 + 600_000, 1, 3, 4000, 0)])  # fmt: skip
    heard: list[str] = []
    result = pull_reviews(workspace, collection, FIXED_NOW.replace(day=5), lambda task, *_: heard.append(task))
    assert result.added == 2
    assert heard[:3] == ["reading the decks", "reading collection.anki2", "replaying 2 reviews"]
