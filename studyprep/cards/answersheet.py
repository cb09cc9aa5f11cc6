"""The answer sheet: cards as one Markdown file to write answers in, and reading it back.

Each card is a heading (its prompt, ending in a short `{#id}` marker), a quoted block shown read-only (kind,
category and the card's hints from the document), then the user's notes, which are what is read back:

    ## How does TCP slow start work? {#9ab13c}
    > question · Networking · read-only
    > Mention the congestion window.

    My answer…

Reading never guesses: a part whose marker is unknown, ambiguous, repeated, or that swallowed another card's
heading (a marker deleted, two headings merged onto one line) is reported with its line and not read.
"""

from __future__ import annotations

__all__ = [
    "SheetProblem",
    "SheetReading",
    "kept_sheet_path",
    "read_one_card",
    "read_sheet",
    "render_card",
    "render_sheet",
]

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from studyprep.cards.ids import normalize_prompt
from studyprep.cards.models import normalize_notes

MIN_MARKER = 6
READ_ONLY = "read-only"
_MARKER = re.compile(r"\{#([0-9a-z][0-9a-z-]*)\}")
_CARD_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>.*?)[ \t]*\{#(?P<id>[0-9a-z][0-9a-z-]*)\}[ \t]*$")
_ANY_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")
_COMMENT_START, _COMMENT_END = "<!--", "-->"


class CardContent(Protocol):
    """What the sheet shows of a card (a deck file's card and a mirrored one both have it)."""

    # Read-only members: frozen dataclasses (a deck's Card, the review database's MirrorCard) satisfy them.
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> Sequence[str]: ...
    @property
    def prompt(self) -> str: ...
    @property
    def context(self) -> str: ...
    @property
    def back(self) -> str: ...
    @property
    def notes(self) -> str: ...


@dataclass(frozen=True)
class SheetAnswer:
    """A card's notes as written in the sheet, with the line of its heading."""

    card_id: str
    line: int
    notes: str


@dataclass(frozen=True)
class SheetProblem:
    """A part of the sheet that was not read, and why (line is 1-based)."""

    line: int
    message: str


@dataclass(frozen=True)
class SheetReading:
    """What a sheet holds: the answers read, and the parts that could not be."""

    answers: tuple[SheetAnswer, ...]
    problems: tuple[SheetProblem, ...]


def marker_length(ids: Sequence[str]) -> int:
    """The shortest id prefix (at least MIN_MARKER characters) that tells every one of `ids` apart."""
    longest = max((len(card_id) for card_id in ids), default=MIN_MARKER)
    for length in range(MIN_MARKER, longest):
        if len({card_id[:length] for card_id in ids}) == len(set(ids)):
            return length
    return longest


def kept_sheet_path(root: Path, slug: str, now: datetime) -> Path:
    """Where a sheet being edited is written, and kept when part of it could not be saved: `answers/` of the
    workspace, so typing survives a crash."""
    stem = root / "answers" / f"{slug}-{now.strftime('%Y%m%dT%H%M%S')}"
    taken = 0
    while (path := stem.with_name(f"{stem.name}-{taken}.md" if taken else f"{stem.name}.md")).exists():
        taken += 1  # a sheet kept earlier (the clock may even stand still: STUDYPREP_NOW) is never replaced
    return path


def render_sheet(title: str, cards: Mapping[str, CardContent], all_ids: Sequence[str]) -> str:
    """The sheet for `cards` by id (markers short enough to stay unique among `all_ids`, the deck's every card)."""
    length = marker_length(all_ids)
    parts = [
        f"<!-- studyprep answers: {title}\n"
        "Write your answer under each card. Keep each heading's {#id} marker; the quoted lines are the card's\n"
        "hints, shown read-only (change them in the prep document). Save and close to store your answers. -->\n"
    ]
    parts += [render_card(card_id, card, length) for card_id, card in cards.items()]
    return "\n".join(parts)


def render_card(card_id: str, card: CardContent, length: int = MIN_MARKER) -> str:
    """One card's part of the sheet: heading with marker, read-only quote, notes."""
    prompt = " ".join(card.prompt.split())  # a heading is one line
    where = " › ".join(card.category)
    lines = [f"## {prompt} {{#{card_id[:length]}}}", "> " + " · ".join(filter(None, (card.kind, where, READ_ONLY)))]
    for text in (card.context, card.back):
        lines += [f"> {line}".rstrip() for line in text.strip().splitlines()]
    lines.append("")
    notes = normalize_notes(card.notes)
    if notes:
        lines += [notes, ""]
    return "\n".join(lines)


def read_sheet(text: str, cards: Mapping[str, str]) -> SheetReading:
    """The answers a sheet holds for `cards` (id to prompt; markers are matched as id prefixes among them), and
    the parts it could not read."""
    lines = text.splitlines()
    starts = [number for number, line in enumerate(lines) if _CARD_HEADING.match(line)]
    problems = _preamble_problems(lines[: starts[0] if starts else len(lines)])
    prompts = {normalize_prompt(prompt) for prompt in cards.values()}
    found: dict[str, list[SheetAnswer]] = {}
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        card_id, problem = _card_of(lines[start], start + 1, cards)
        body: list[str] | None = lines[start + 1 : end]
        if problem is None:
            body, problem = _body_problem(lines[start + 1 : end], start + 2, prompts)
        if problem is not None:
            problems.append(problem)
        if body is None or not card_id:
            continue
        found.setdefault(card_id, []).append(SheetAnswer(card_id, start + 1, _notes(body)))
    answers = []
    for card_id, entries in found.items():
        if len(entries) == 1:
            answers.append(entries[0])
            continue
        where = ", ".join(str(entry.line) for entry in entries)
        problems += [SheetProblem(entry.line, f"card {card_id} appears {len(entries)} times (lines {where})")
                     for entry in entries]  # fmt: skip
    return SheetReading(tuple(answers), tuple(sorted(problems, key=lambda problem: problem.line)))


def _card_of(heading: str, line: int, cards: Mapping[str, str]) -> tuple[str, SheetProblem | None]:
    match = _CARD_HEADING.match(heading)
    if match is None:  # pragma: no cover - only called on lines that matched
        return "", SheetProblem(line, "not a card heading")
    markers = _MARKER.findall(heading)
    if len(markers) > 1:
        return "", SheetProblem(line, f"{len(markers)} card markers on one heading: were two headings merged?")
    marker = match["id"]
    candidates = [card_id for card_id in cards if card_id.startswith(marker)]
    exact = [card_id for card_id in candidates if card_id == marker]
    if len(exact) == 1 or len(candidates) == 1:
        return (exact or candidates)[0], None
    if not candidates:
        return "", SheetProblem(line, f"no card of this deck has the marker {{#{marker}}}")
    return "", SheetProblem(line, f"the marker {{#{marker}}} fits {len(candidates)} cards: give more of the id")


def _body_problem(body: list[str], first_line: int, prompts: set[str]) -> tuple[list[str] | None, SheetProblem | None]:
    """A card's text and what is wrong in it: a marker inside it (two cards merged: nothing of it is read), or a
    heading that is another card's prompt (that card lost its marker: the text above it is still this card's)."""
    for offset, line in enumerate(body):
        if _MARKER.search(line):
            return None, SheetProblem(first_line + offset, "a card marker inside an answer: were two cards merged?")
        heading = _ANY_HEADING.match(line)
        if heading and normalize_prompt(heading["text"]) in prompts:
            return body[:offset], SheetProblem(
                first_line + offset, "this card heading lost its {#id} marker: put it back"
            )
    return body, None


def _notes(body: list[str]) -> str:
    """The notes of a card's part: what follows the read-only quote (the first quote, if it says so)."""
    rest = list(body)
    while rest and not rest[0].strip():
        rest.pop(0)
    if rest and rest[0].startswith(">") and rest[0].rstrip().endswith(READ_ONLY):
        while rest and rest[0].startswith(">"):
            rest.pop(0)
    return normalize_notes("\n".join(rest))


def _preamble_problems(preamble: list[str]) -> list[SheetProblem]:
    """Text before the first card belongs to no card: reported (the header comment aside)."""
    in_comment = False
    for number, line in enumerate(preamble, start=1):
        stripped = line.strip()
        if in_comment or stripped.startswith(_COMMENT_START):
            in_comment = not stripped.endswith(_COMMENT_END)
            continue
        if stripped:
            return [SheetProblem(number, "text before the first card belongs to no card")]
    return []


def read_one_card(text: str, card_id: str, prompt: str) -> SheetAnswer | SheetProblem:
    """The notes of a one-card sheet (a review's `e`). The card is known, so a file without any card heading is
    all notes (the read-only quote aside); a broken or foreign marker is a problem, as in a whole sheet."""
    if not any(_CARD_HEADING.match(line) for line in text.splitlines()):
        lines = text.splitlines()
        body, problem = _body_problem(lines, 1, set())
        return problem or SheetAnswer(card_id, 1, _notes(body or []))
    reading = read_sheet(text, {card_id: prompt})
    if reading.problems:
        return reading.problems[0]
    if len(reading.answers) != 1:  # pragma: no cover - a heading matched, so there is an answer or a problem
        return SheetProblem(1, "the card's heading was not found")
    return reading.answers[0]
