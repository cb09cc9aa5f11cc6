"""Hostile text never reaches the terminal raw: controls, escape sequences, bidi and zero-width characters.

Fed through a deck (a card's prompt, back, category, the deck's title and company, a YAML key, a deck file's
name) and through errors; the bytes that reach stdout and stderr are checked against a list written out here
(not the sanitizer's own), and `--json` must escape C1 controls yet parse back to the text as stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from studyprep.cli import cli
from studyprep.safetext import json_dumps, strip, visible

NOW = "2026-01-02T09:00:00Z"
SLUG = "evil-sre"
OSC52 = "\x1b]52;c;ZWNobyBoaQ==\x07"
TITLE = "\x1b]0;pwned\x07"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c",
        "\u200e", "\u200f"]  # fmt: skip
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
C1 = ["\x85", "\x9b", "\x9d"]
FORBIDDEN = {chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\n", "\t"}
FORBIDDEN |= set(BIDI) | set(ZERO_WIDTH)
DOC = f"""# Interview Prep: Evil{BIDI[4]}Corp – SRE

## Interview Questions

### Net{ZERO_WIDTH[0]}working{C1[1]}
- What happens when you type a URL?{OSC52} {BIDI[4]}txt.exe{BIDI[2]}
  - DNS{TITLE} first{ZERO_WIDTH[3]}{C1[0]}
- How does TCP{BIDI[7]} slow start{BIDI[8]} work?{ZERO_WIDTH[2]}

## Questions to Ask
- What is on{BIDI[9]}call like{ZERO_WIDTH[4]}?

## Company
- Mission: pwn{BIDI[0]} terminals{C1[2]}
"""


def run(home: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin, env={"STUDYPREP_NOW": NOW,
                                                                                   "COLUMNS": "200"})  # fmt: skip


def forbidden_in(data: bytes) -> set[str]:
    return set(data.decode("utf-8")) & FORBIDDEN


@pytest.fixture
def home(tmp_path: Path) -> Path:
    document = tmp_path / "evil.md"
    document.write_text(DOC, encoding="utf-8")
    home = tmp_path / "home"
    imported = run(home, "import", str(document), "--deck", SLUG)
    assert imported.exit_code == 0, imported.output
    assert run(home, "plan", SLUG, "--interview", "2026-01-20").exit_code == 0
    return home


COMMANDS = [["show", SLUG], ["brief", SLUG], ["decks"], ["readiness", SLUG], ["readiness"], ["due"], ["check"],
            ["review"]]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_no_hostile_character_of_a_deck_reaches_the_terminal(home: Path, command: list[str]) -> None:
    result = run(home, *command, stdin="\n3\n\n3\n\n3\nq\n")
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert forbidden_in(result.stdout_bytes) == set(), command
    assert forbidden_in(result.stderr_bytes) == set(), command
    shown = result.stdout
    assert command[0] not in ("show", "review") or "txt.exe" in shown


def test_json_escapes_c1_bidi_and_zero_width_yet_keeps_the_text(home: Path) -> None:
    result = run(home, "show", SLUG, "--json")
    assert result.exit_code == 0
    raw = result.stdout_bytes
    for char in [*C1, *BIDI, *ZERO_WIDTH, "\x1b", "\x07"]:
        assert char.encode() not in raw, repr(char)
    assert b"\\u009b" in raw and b"\\u202e" in raw and b"\\u001b" in raw
    prompts = [card["prompt"] for card in json.loads(result.stdout)]
    assert f"What happens when you type a URL?{OSC52} {BIDI[4]}txt.exe{BIDI[2]}" in prompts


def test_a_hostile_yaml_key_in_an_error_is_shown_visibly(home: Path) -> None:
    deck = home / "decks" / f"{SLUG}.yaml"
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("title:", '"\\e]52;c;aGk=\\a\\u202eevil\\u200b": 1\ntitle:', 1), encoding="utf-8")
    for command in (["due"], ["decks"], ["check"], ["show", SLUG]):  # the broken deck is named on screen, or...
        result = run(home, *command)
        assert forbidden_in(result.stderr_bytes) == set() and forbidden_in(result.stdout_bytes) == set()
        assert "]52;c;aGk=" in result.output, command
    shown = run(home, "show", SLUG)  # ...in the error line, where it is shown visibly
    assert shown.exit_code != 0
    (line,) = shown.stderr.splitlines()
    assert line.startswith(f"Error: {deck}:")
    assert "<U+001B>]52;c;aGk=<U+0007><U+202E>evil<U+200B>: unknown key" in line


def test_a_hostile_deck_file_name_in_an_error_is_shown_visibly(home: Path) -> None:
    name = f"x{TITLE}{BIDI[4]}lmth.yaml"
    (home / "decks" / name).write_text("format: 1\nslug: [\n", encoding="utf-8")
    for command in (["due"], ["decks"], ["check"], ["check", "--json"]):
        result = run(home, *command)
        assert forbidden_in(result.stderr_bytes) == set() and forbidden_in(result.stdout_bytes) == set(), command
        assert "lmth.yaml" in result.output, command
    line = run(home, "show", name.removesuffix(".yaml")).stderr
    assert "x<U+001B>]0;pwned<U+0007><U+202E>lmth.yaml" in line and len(line.splitlines()) == 1


def test_a_hostile_argument_echoed_in_an_error_is_shown_visibly(home: Path) -> None:
    result = run(home, "show", f"nope{OSC52}{BIDI[4]}")
    assert result.exit_code == 2
    assert forbidden_in(result.stderr_bytes) == set()
    assert "nope" in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_sanitizer_keeps_newlines_and_tabs_of_multi_line_text_and_nothing_else_unsafe() -> None:
    text = "line one\tcol\nline two" + "".join(BIDI + ZERO_WIDTH + C1) + "\x1b[2J\x00\x7f"
    assert strip(text) == "line one\tcol\nline two[2J"
    assert visible("a\u202eb\nc") == "a<U+202E>b\nc"
    assert visible("a\u202eb\nc\td", multiline=False) == "a<U+202E>b<U+000A>c<U+0009>d"
    assert set(visible(text)) & FORBIDDEN == {"\n", "\t"} & FORBIDDEN
    dumped = json_dumps({"k\u202e": ["\x85", "\x1b", "é"]}, indent=None)
    assert dumped == '{"k\\u202e": ["\\u0085", "\\u001b", "é"]}'
    assert json.loads(dumped) == {"k\u202e": ["\x85", "\x1b", "é"]}
