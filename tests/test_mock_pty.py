"""`studyprep mock` in a real pseudo-terminal: the countdown on a stepped clock (no sleeps), the early-end key,
typed answers kept as attempts, and Ctrl-C keeping every rated answer."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect
from click.testing import CliRunner
from helpers import REPO
from review_helpers import PROMPTS, SLUG, make_workspace

from studyprep.cli import cli
from studyprep.store.db import open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"


def spawn(workspace: Workspace, *args: str) -> pexpect.spawn:
    # Every screen tick moves the mock's clock 5 seconds: a minute's countdown runs out after 12 ticks.
    env = {**os.environ, "STUDYPREP_NOW": NOW, "STUDYPREP_CLOCK_STEP": "5", "TZ": "UTC", "TERM": "xterm-256color"}
    return pexpect.spawn(sys.executable, ["-m", "studyprep", "--home", str(workspace.root), "mock", SLUG, *args],
                         cwd=str(REPO), env=env, encoding="utf-8", timeout=15, dimensions=(50, 250),
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip


def logged(workspace: Workspace) -> list[tuple[str, int, int]]:
    with open_store(workspace) as store:
        return store.conn.execute("SELECT card_id, rating, duration_ms FROM review_log ORDER BY id").fetchall()


def test_the_countdown_runs_out_and_a_key_ends_an_answer_early(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace, "--questions", "2", "--minutes", "1")
    child.expect_exact("question 1 of 2")
    child.expect_exact("0:55 left")
    child.expect_exact("0:05 left")
    child.expect_exact("time is up")
    child.expect_exact("answered in 1:00 of 1:00")
    child.send("3")
    child.expect_exact("question 2 of 2")
    child.expect_exact("left")
    child.send(" ")  # ends the answer before the time is up
    child.expect(r"answered in 0:\d\d of 1:00")
    child.send("2")
    child.expect_exact("Mock interview over: 2 of 2 questions rated · 0 over time")
    child.expect_exact("By category")
    child.expect_exact("Rework")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    rows = logged(workspace)
    assert [rating for _, rating, _ in rows] == [3, 2]
    assert rows[0][2] == 60_000 and 0 <= rows[1][2] < 60_000  # the answer time is the review's duration
    assert len({card_id for card_id, _, _ in rows}) == 2


def test_typed_answers_are_kept_as_attempts_and_ctrl_c_keeps_every_rated_answer(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace, "--questions", "3", "--minutes", "10", "--type")
    child.expect_exact("question 1 of 3")
    child.expect_exact("Type your answer")
    child.send("Resolve DNS, open TCP\x7fP")
    child.expect_exact("Resolve DNS, open TCP")
    child.send("\r")
    child.expect_exact("Your answer now:")
    child.expect_exact("Resolve DNS, open TCP")
    child.expect_exact("n save your answer as the card's notes")
    child.send("n")
    child.expect_exact("saved as the card's notes")
    child.send("4")
    child.expect_exact("question 2 of 3")
    child.sendintr()
    child.expect_exact("Mock interview over: 1 of 2 questions rated")
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in (child.before or "")
    rows = logged(workspace)
    assert len(rows) == 1 and rows[0][1] == 4
    with open_store(workspace) as store:
        attempts = store.attempts(SLUG, rows[0][0])
    assert [attempt.answer for attempt in attempts] == ["Resolve DNS, open TCP"]
    card = next(card for card in load_deck(workspace, SLUG).cards if card.id == rows[0][0])
    assert card.notes == "Resolve DNS, open TCP" and card.prompt in PROMPTS
    detail = CliRunner().invoke(cli, ["--home", str(workspace.root), "card", rows[0][0]], env={"STUDYPREP_NOW": NOW})
    assert "mock answer 2026-01-01" in detail.output and "Resolve DNS, open TCP" in detail.output
