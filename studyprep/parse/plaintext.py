"""Notes written without Markdown, as a notes app keeps them: the first line is the title, section names stand
alone on their line (in capitals, or short and ending in a colon), and every line under one is an item.

Markdown joins such lines into one paragraph, so "QUESTIONS THEY MIGHT ASK" and the questions under it would
read as one run of text. `plain_notes_as_markdown` writes the structure they mean as Markdown, line for line
(the line count is kept, so line numbers given to the user stay those of their file). A document with any
Markdown heading is left as it is: its writer chose the structure.
"""

from __future__ import annotations

import re

from studyprep.parse.meaning import CARD_SECTION_KINDS, section_kind

__all__ = ["plain_notes_as_markdown"]

# Any Markdown heading (ATX or a setext underline under a line that is not empty) or bold line: the document has
# its own structure. Each alternative starts at a line's start or at its break, so a long line is read once.
_MARKDOWN_HEADING = re.compile(r"^ {0,3}(?:#{1,6}[ \t]|\*\*|__)|(?<=[^\n])\n {0,3}=+[ \t]*$", re.MULTILINE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•–]|\d{1,3}[.)])\s+")
_BULLET = re.compile(r"^(\s*)[•–]\s+")
_LETTERS = re.compile(r"[^\W\d_]")
_MAX_TITLE_WORDS = 15
_MAX_SECTION_WORDS = 8
_MIN_SECTIONS = 2


def plain_notes_as_markdown(text: str) -> str:
    """`text` with a plain-notes outline written as Markdown headings and list items; unchanged when it has
    Markdown headings of its own or fewer than two section lines, one of them naming cards."""
    if _MARKDOWN_HEADING.search(text):
        return text
    lines = text.split("\n")
    sections = [index for index in range(len(lines)) if _is_section_line(lines, index)]
    named = [section_kind(_section_name(lines[index])) for index in sections]
    if len(sections) < _MIN_SECTIONS or not any(kind in CARD_SECTION_KINDS for kind in named):
        return text
    _title(lines, sections[0])
    for number, start in enumerate(sections):
        end = sections[number + 1] if number + 1 < len(sections) else len(lines)
        lines[start] = f"## {lines[start].strip()}"
        _items(lines, start + 1, end)
    return "\n".join(lines)


def _section_name(line: str) -> str:
    return line.strip().rstrip(":：").strip()


def _is_section_line(lines: list[str], index: int) -> bool:
    """A line standing for a section: after a blank line (or first), before text, not indented, no list
    marker, and either in capitals ("QUESTIONS FOR THEM") or ending in a colon and naming a section
    ("Questions they might ask:")."""
    line = lines[index]
    after_blank = index == 0 or not lines[index - 1].strip()
    before_text = index + 1 < len(lines) and bool(lines[index + 1].strip())
    if not (after_blank and before_text) or line[:1].isspace() or _LIST_MARKER.match(line):
        return False
    name = _section_name(line)
    words = name.split()
    if not words or len(words) > _MAX_SECTION_WORDS or name.endswith((".", "?", "!", "？")):
        return False
    letters = _LETTERS.findall(name)
    capitals = len(letters) >= 3 and name == name.upper() and name != name.lower()
    return capitals or (line.rstrip().endswith((":", "：")) and section_kind(name) is not None)


def _title(lines: list[str], first_section: int) -> None:
    """The note's first line, before any section, short and no sentence, is its title (as notes apps take it)."""
    first = next((index for index, line in enumerate(lines) if line.strip()), first_section)
    words = lines[first].split()
    if first < first_section and len(words) <= _MAX_TITLE_WORDS and not lines[first].rstrip().endswith("."):
        lines[first] = f"# {lines[first].strip()}"


def _items(lines: list[str], start: int, end: int) -> None:
    """Every line under a section as an item; a marked line right under an unmarked one is nested under it
    (the answer or hint written under a question)."""
    previous_plain = False
    for index in range(start, end):
        line = lines[index]
        if not line.strip():
            previous_plain = False
            continue
        if _LIST_MARKER.match(line):
            line = _BULLET.sub(r"\1- ", line)  # "• a" and "– a" are no Markdown list items
            lines[index] = f"  {line}" if previous_plain and not line[:1].isspace() else line
            continue  # an item already; under an unmarked item it stays nested there
        if line[:1].isspace():
            continue  # an indented line carries on the item above it
        lines[index] = f"- {line}"
        previous_plain = True
