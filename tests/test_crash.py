"""SIGKILL any command at a random moment, many times: `studyprep check` must then find the workspace whole.

Whole means: deck files parse, `PRAGMA integrity_check` passes, every card's state comes from its latest
logged review (no answer lost between log and state, none applied twice), the log never shrinks, and an
exported package is either absent or complete. Commands: import (new deck), merge (re-import), review,
due, export, anki-pull; two decks have an interview date, so review and due decide day plans (on several
cores, and a first session shows its card while they are decided). Seeded, so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import EXAMPLE, FIXED_NOW
from review_helpers import set_plan
from test_anki_pull import T0, handmade_collection

from studyprep.anki import model as anki_model
from studyprep.commands.check import check_workspace
from studyprep.commands.importing import import_document
from studyprep.store.db import database_path
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

KILLS = 14  # runs really cut short
MAX_RUNS = 60
SEED = 20260101


def big_document(questions: int, variant: int) -> str:
    lines = ["# Interview Prep: Crashco – SRE", "", "## Predicted Interview Questions", ""]
    lines += [f"- How does part {n} of system {variant if n % 7 == 0 else 0} fail over?" for n in range(questions)]
    return "\n".join(lines) + "\n"


def log_count(workspace: Workspace) -> int:
    path = database_path(workspace)
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


def commands(workspace: Workspace, folder: Path, rng: random.Random) -> dict[str, tuple[list[str], str | None]]:
    """Each command line with the stdin it reads."""
    big = folder / f"big-{rng.randint(0, 3)}.md"
    return {
        "import": (["import", str(big)], None),
        "merge": (["import", str(folder / f"example-{rng.randint(0, 3)}.md")], None),
        "review": (["review"], "\n3\n\n1\n\n4\n\n2\n" * 40 + "q\n"),
        "due": (["due"], None),
        "export": (["export", "--all", "-o", str(folder / "out.apkg")], None),
        "anki-pull": (["anki-pull", str(folder / "collection.anki2")], None),
    }


def prepare(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    import_document(workspace, EXAMPLE, FIXED_NOW, deck="second-round")
    for dated in (slug, "second-round"):
        set_plan(workspace, dated, interview_at=FIXED_NOW + timedelta(days=9))
    example = EXAMPLE.read_text(encoding="utf-8")
    for variant in range(4):
        (tmp_path / f"big-{variant}.md").write_text(big_document(6000, variant), encoding="utf-8")
        extra = "".join(f"- Why does variant {variant} need step {n}?\n" for n in range(variant * 5))
        (tmp_path / f"example-{variant}.md").write_text(example.replace("\n## ", f"\n{extra}\n## ", 1), "utf-8")
    cards = load_deck(workspace, slug).cards[:60]
    guids = [anki_model.note_guid(slug, card.id) for card in cards]
    revlog = [(T0 + 1000 * (index * 5 + step), index + 1, 3, 5000, 0) for index in range(60) for step in range(5)]
    handmade_collection(tmp_path / "collection.anki2", guids, revlog)
    return workspace


def _start(args: list[str], stdin: str | None, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "studyprep", *args],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdin is not None
    if stdin:
        process.stdin.write(stdin.encode())
    process.stdin.close()
    return process


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_a_whole_workspace(tmp_path: Path) -> None:
    # The moment of each kill is a random share of that command's own running time, measured here by letting
    # its first run finish, so the runs are cut short on a fast machine and on a loaded one alike; the test
    # goes on until KILLS runs were really cut short (at most MAX_RUNS), so no assertion hangs on timing.
    workspace = prepare(tmp_path)
    rng = random.Random(SEED)
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": "2026-01-03T09:00:00Z", "TZ": "UTC"}
    logged = log_count(workspace)
    killed = 0
    running_time: dict[str, float] = {}
    run = 0
    while killed < KILLS and run < MAX_RUNS:
        run += 1
        name, (args, stdin) = rng.choice(sorted(commands(workspace, tmp_path, rng).items()))
        started = time.monotonic()
        process = _start(args, stdin, env)
        if name in running_time:
            try:
                process.wait(timeout=rng.uniform(0.05, 0.9) * running_time[name])
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                killed += 1
        process.wait()
        running_time.setdefault(name, time.monotonic() - started)
        assert process.stderr is not None
        stderr = process.stderr.read().decode()
        process.stderr.close()
        assert "Traceback" not in stderr, f"run {run} ({name}): {stderr}"

        result = check_workspace(workspace, full=True)
        assert result.problems == [], f"run {run} ({name}): {[problem.render() for problem in result.problems]}"
        now_logged = log_count(workspace)
        assert now_logged >= logged, f"run {run} ({name}) lost answered reviews"
        logged = now_logged
        package = tmp_path / "out.apkg"
        if package.exists():
            assert zipfile.is_zipfile(package), f"run {run} ({name}) left a half-written package"
    assert killed >= KILLS, f"only {killed} of {run} runs were cut short: the test proves little"
