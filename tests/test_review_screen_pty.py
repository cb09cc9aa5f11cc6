"""The review screen in a real pseudo-terminal: the header over a card, a back taller than the screen, and the
live count of what is left."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect
import pytest
from review_helpers import PROMPTS, make_workspace
from test_review_session_pty import BACK_HINT, FRONT_HINT, front, spawn

CLEAR = "\x1b[2J"
STYLES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def visible(chunk: str) -> str:
    """What a chunk of the screen shows since it was last cleared (styles left out)."""
    return STYLES.sub("", chunk.rsplit(CLEAR, 1)[-1])


def test_the_header_keeps_the_category_and_shortens_the_deck_slug(tmp_path: Path) -> None:
    long_slug = "principal-distributed-systems-engineer-platform-onsite"
    category = "Go fundamentals (to bridge the experience gap)"
    doc = f"# Notes\n\n## Interview Questions\n\n### {category}\n- How does the Go scheduler work?\n"
    workspace = make_workspace(tmp_path, doc.replace("# Notes", f"# {long_slug}"))
    child = spawn(workspace, dimensions=(24, 80))
    child.expect_exact(FRONT_HINT)
    header = next(line for line in visible(child.before).splitlines() if "›" in line)
    assert f"› {category} " in header  # the category whole
    slug_shown = header.split(" › ")[0].strip("─ ")
    assert slug_shown.endswith("…") and long_slug.startswith(slug_shown[:-1]) and len(slug_shown) >= 8
    assert len(header) <= 80
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_back_taller_than_the_screen_is_paged_under_the_prompt(tmp_path: Path) -> None:
    rows = 24
    back = "\n".join(f"  - point {n}: say something specific about it" for n in range(1, 61))
    doc = f"# Acme – SRE\n\n## Interview Questions\n\n- How do you run an incident review?\n{back}\n"
    workspace = make_workspace(tmp_path, doc)
    child = spawn(workspace, dimensions=(rows, 80))
    front(child, "How do you run an incident review?")
    child.send(" ")
    child.expect_exact(BACK_HINT)
    screen = visible(child.before)
    lines = screen.split("\n")
    assert len(lines) <= rows, f"{len(lines)} lines on a {rows}-line screen: the prompt scrolled away"
    assert "How do you run an incident review?" in screen
    assert "point 1:" in screen and "point 60:" not in screen
    assert re.search(r"… lines 1-\d+ of 60 · space: more", screen)
    assert "1 again" in screen  # the rating keys stay on screen too
    child.send(" ")  # the next page, the prompt still above it
    child.expect_exact(BACK_HINT)
    screen = visible(child.before)
    assert len(screen.split("\n")) <= rows
    assert "How do you run an incident review?" in screen
    assert "point 1:" not in screen and re.search(r"… lines \d+-\d+ of 60", screen)
    child.send("3")  # rating works on any page
    child.expect_exact(FRONT_HINT)
    child.send("q")
    child.expect_exact("Session over: 1 card")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_live_line_says_what_is_left_and_it_goes_down_with_each_new_card_rated_good(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace)
    front(child, PROMPTS[0])
    child.expect_exact(f"done 0 · left {len(PROMPTS)} cards · ")
    for done, prompt in enumerate(PROMPTS[1:3], start=1):
        child.send(" ")
        child.expect_exact(BACK_HINT)
        child.send("3")  # good: the new card comes back in ten minutes for its next learning step
        front(child, prompt)
        repeats = f"{done} repeat" + ("s" if done > 1 else "")
        child.expect_exact(f"done {done} · left {len(PROMPTS) - done} cards + {repeats} · ")
    child.send("u")  # undone: the card is one to answer again, not a repeat
    child.expect_exact(f"done 1 · left {len(PROMPTS) - 1} cards + 1 repeat · ")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize("columns", [80, 60])
def test_the_key_line_fits_the_screen_in_shorter_words_never_cut(tmp_path: Path, columns: int) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn(workspace, dimensions=(24, columns))
    child.expect_exact(FRONT_HINT)  # (the prompt itself may wrap at this width)
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.expect(r"q(?: quit)?")  # the quit key is on the line, whatever the wording
    status = visible(child.before + child.after).splitlines()[-1]
    assert "…" not in status and len(status) < columns
    assert status.rstrip().endswith(("q quit", "u q")), status
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
