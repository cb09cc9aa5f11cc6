"""The review session in a real pseudo-terminal: single keypresses, reveal, rate, undo, bury, notes, quit, kill."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pexpect
from helpers import REPO
from review_helpers import PROMPTS, SLUG, make_workspace

from studyprep.store.db import open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"
FRONT_HINT = "space: show answer"
BACK_HINT = "1-4 rate"


def spawn(
    workspace: Workspace, *args: str, editor: str = "true", dimensions: tuple[int, int] = (50, 250)
) -> pexpect.spawn:
    env = {**os.environ, "STUDYPREP_NOW": NOW, "TZ": "UTC", "TERM": "xterm-256color", "EDITOR": editor}
    env.pop("VISUAL", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "studyprep", "--home", str(workspace.root), "review", *args],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=15,
        dimensions=dimensions,
        # A runner started in the background ignores SIGINT, and children inherit that: Ctrl-C must mean Ctrl-C.
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def logged(workspace: Workspace) -> int:
    with open_store(workspace) as store:
        return store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


def front(child: pexpect.spawn, prompt: str) -> None:
    child.expect_exact(prompt)
    child.expect_exact(FRONT_HINT)


def test_reveal_rate_undo_bury_and_quit(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace)
    front(child, PROMPTS[0])  # markup-like text shows literally
    child.send(" ")
    child.expect_exact("related")
    child.expect_exact("DNS")
    child.expect(r"1 again 1 minute\s+2 hard 6 minutes\s+3 good 10 minutes\s+4 easy \d+ days")
    child.expect_exact(BACK_HINT)
    child.send("3")
    front(child, PROMPTS[1])
    child.expect_exact("done 1 · left")
    child.send("u")
    child.expect_exact(PROMPTS[0])
    child.expect_exact("undone")
    child.expect_exact("done 0 · left")
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("4")
    front(child, PROMPTS[1])
    child.send("s")
    child.expect_exact(PROMPTS[2])
    child.expect_exact("buried until tomorrow")
    child.send("q")
    child.expect_exact("Session over: 1 card, 1 answer · again 0%")
    child.expect_exact("1 buried")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert logged(workspace) == 1


def test_ctrl_c_ends_with_a_summary_and_no_traceback(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace)
    front(child, PROMPTS[0])
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("2")
    front(child, PROMPTS[1])
    child.expect_exact("0:01")  # the live line keeps time while waiting for a key
    child.sendintr()
    child.expect_exact("Session over: 1 card")
    child.expect_exact("Next card due")
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in (child.before or "")
    assert child.exitstatus == 0


def test_e_edits_notes_in_the_editor_and_saves_them_into_the_deck_file(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    editor = 'sh -c \'printf "Say: resolver, TCP, TLS, [red]HTTP" > "$1"\' sh'
    child = spawn(workspace, editor=editor)
    front(child, PROMPTS[0])
    child.send("e")
    child.expect_exact("notes saved")
    child.send(" ")
    child.expect_exact("Your notes")
    child.expect_exact("Say: resolver, TCP, TLS, [red]HTTP")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    card = next(card for card in load_deck(workspace, SLUG).cards if card.prompt == PROMPTS[0])
    assert card.notes == "Say: resolver, TCP, TLS, [red]HTTP"


def test_sigkill_after_answers_loses_none_and_the_next_session_continues(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace)
    answered = 3
    for prompt in PROMPTS[:answered]:
        front(child, prompt)
        child.send(" ")
        child.expect_exact(BACK_HINT)
        child.send("4")
    front(child, PROMPTS[answered])  # the next card is on screen: the answers are committed
    child.kill(signal.SIGKILL)
    child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    assert logged(workspace) == answered

    child = spawn(workspace)
    front(child, PROMPTS[answered])
    child.expect_exact(f"done 0 · left {len(PROMPTS) - answered}")
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("3")
    front(child, PROMPTS[answered + 1])
    child.send("q")
    child.expect_exact("Session over: 1 card")
    child.expect(pexpect.EOF)
    child.close()
    assert logged(workspace) == answered + 1


def test_the_live_line_stays_on_one_screen_line_in_a_narrow_terminal(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace, dimensions=(30, 60))
    front(child, PROMPTS[0][:40])  # the prompt wraps at 60 columns; the live line must not
    child.expect_exact("\r\x1b[2K")  # the first tick erases the live line, then draws it again
    for _ in range(2):
        child.expect_exact("\r\x1b[2K")
        redrawn = child.before or ""
        visible = re.sub(r"\x1b\[[0-9;]*m", "", redrawn)
        assert visible.startswith("done 0 · left ")
        assert "\n" not in visible, f"the live line wrapped: {visible!r}"
        assert len(visible) < 60
    child.send("q")
    child.expect_exact("Session over")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_last_answer_can_still_be_undone_before_the_session_ends(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace, "--limit", "1")
    front(child, PROMPTS[0])
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("4")  # a slip on the only card: easy instead of again
    child.expect_exact("Limit reached: 1 card this session (--limit 1).")
    child.expect_exact("u undo the last answer")
    assert logged(workspace) == 1
    child.send("u")
    child.expect_exact(PROMPTS[0])
    child.expect_exact("undone")
    child.expect_exact(FRONT_HINT)
    assert logged(workspace) == 0
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("1")  # again: back in ten minutes' learning step, shown again at once (learn-ahead)
    front(child, PROMPTS[0])
    child.send("q")
    child.expect_exact("Session over: 1 card, 1 answer · again 100%")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with open_store(workspace) as store:
        ratings = [row[0] for row in store.conn.execute("SELECT rating FROM review_log")]
    assert ratings == [1]


def test_a_key_that_does_nothing_says_so_on_the_status_line_with_the_valid_keys(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace)
    front(child, PROMPTS[0])
    child.send("x")
    child.expect_exact(f"'x' does nothing here · {FRONT_HINT}")
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send(" ")  # space again, on the answer side: rate instead
    child.expect_exact(f"space does nothing here · {BACK_HINT}")
    child.send("3")
    child.expect_exact(PROMPTS[1])
    child.expect_exact(FRONT_HINT)
    assert "does nothing" not in (child.before or "")  # the next key clears the hint
    child.send("q")
    child.expect_exact("Session over: 1 card")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and logged(workspace) == 1


def test_the_first_session_of_a_day_decides_every_plan_and_shows_its_card_with_the_count(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from review_helpers import set_plan

    from studyprep.commands.importing import import_document

    workspace = make_workspace(tmp_path, interview_at=datetime(2026, 1, 8, 9, tzinfo=UTC))
    for slug in ("b-round", "c-round"):
        import_document(workspace, tmp_path / "prep.md", datetime(2026, 1, 1, 9, tzinfo=UTC), deck=slug)
        set_plan(workspace, slug, interview_at=datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=5))
    child = spawn(workspace)
    child.expect_exact(PROMPTS[0])
    child.expect(r"done 0 · left \d+")
    child.expect_exact(FRONT_HINT)
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("3")
    child.expect_exact(FRONT_HINT)
    child.sendintr()
    child.expect_exact("Session over: 1 card")
    child.expect(pexpect.EOF)
    assert "Traceback" not in child.before
    child.close()
    assert child.exitstatus == 0
    with open_store(workspace) as store:
        assert {row[0] for row in store.conn.execute("SELECT deck FROM day_plan")} == {SLUG, "b-round", "c-round"}
