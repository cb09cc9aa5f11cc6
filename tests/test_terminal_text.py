"""Document text reaches the terminal as text: escape sequences in a document never drive the terminal.

A document (generated, pasted from the web) may hold ESC, BEL or C1 control characters. The deck keeps them
verbatim (JSON escapes them); what the commands print to a terminal must not let them clear the screen,
retitle the window or write the clipboard. Real subprocesses and a real pty.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from helpers import REPO

NOW = "2026-01-02T09:00:00Z"
SLUG = "evil-sre"
SEQUENCES = ["\x1b[2J", "\x1b]0;pwned\x07", "\x1b]52;c;ZWNobyBoaQ==\x07", "\x9b31m", "\x1bP+q\x1b\\"]
DOC = f"""# Interview Prep: Evil – SRE

## Interview Questions

### Net{SEQUENCES[3]}working
- What {SEQUENCES[0]}happens {SEQUENCES[1]}when you type a URL?
  - DNS{SEQUENCES[2]} first
- How does TCP{SEQUENCES[4]} slow start work?

## Questions to Ask
- What is on{SEQUENCES[0]}call like?

## Company
- Mission: pwn{SEQUENCES[1]} terminals
"""
COMMANDS = [
    ["show", SLUG],
    ["show", SLUG, "--retired"],
    ["decks"],
    ["due"],
    ["brief", SLUG],
    ["readiness", SLUG],
    ["stats"],
    ["check"],
]


def env() -> dict[str, str]:
    return {**os.environ, "STUDYPREP_NOW": NOW, "TZ": "UTC", "COLUMNS": "200"}


def studyprep(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "studyprep", "--home", str(home), *args],
        input=stdin.encode(),
        capture_output=True,
        env=env(),
        cwd=str(REPO),
        check=False,
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The document imported and given an interview date by the commands, once for the module."""
    folder = tmp_path_factory.mktemp("evil")
    document = folder / "evil.md"
    document.write_text(DOC, encoding="utf-8")
    home = folder / "home"
    assert studyprep(home, "import", str(document)).returncode == 0
    assert studyprep(home, "plan", SLUG, "--interview", "2026-01-20").returncode == 0
    return home


@pytest.fixture
def home(imported: Path, tmp_path: Path) -> Path:
    """A copy of the imported workspace of the test's own (a review changes it)."""
    return Path(shutil.copytree(imported, tmp_path / "home"))


def test_the_deck_keeps_the_text_verbatim(home: Path) -> None:
    import json

    result = studyprep(home, "show", SLUG, "--json")
    assert result.returncode == 0, result.stderr
    prompts = [card["prompt"] for card in json.loads(result.stdout)]
    assert f"What {SEQUENCES[0]}happens {SEQUENCES[1]}when you type a URL?" in prompts


@pytest.mark.parametrize("command", [*COMMANDS, ["review"]])
def test_no_control_character_of_the_document_reaches_the_output(home: Path, command: list[str]) -> None:
    result = studyprep(home, *command, stdin="\n3\n\n3\n\n3\nq\n")
    assert result.returncode in (0, 1), result.stderr  # check exits 1 on nothing here; never a traceback
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode("utf-8")
    assert not [char for char in text if (ord(char) < 0x20 and char not in "\n\t") or 0x7F <= ord(char) <= 0x9F]
    assert "happens" in text or command[0] not in ("show", "review")


def test_a_review_in_a_terminal_shows_the_text_without_its_escape_sequences(home: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "studyprep", "--home", str(home), "review"],
        cwd=str(REPO),
        env={**env(), "TERM": "xterm-256color"},
        encoding="utf-8",
        timeout=15,
        dimensions=(50, 200),
    )
    shown = io.StringIO()
    child.logfile_read = shown
    child.expect_exact("when you type a URL?")
    child.send(" ")
    child.expect_exact("first")
    child.send("3")
    child.expect_exact("space: show answer")
    child.send("q")
    child.expect(pexpect.EOF)
    screen = shown.getvalue()
    assert "DNS" in screen
    for sequence in ["\x1b[2Jhappens", "\x1b]", "\x9b", "\x1bP", "\x07"]:  # rich clears the screen itself
        assert sequence not in screen, repr(sequence)
