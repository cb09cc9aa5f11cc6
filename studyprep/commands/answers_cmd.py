"""`studyprep answers DECK`: write answers to many cards at once, in the editor or in a file taken elsewhere.

The cards go out as one Markdown sheet (`studyprep.cards.answersheet`); what comes back is saved card by card: a
changed answer is written into the deck file (atomically, under the deck lock), an untouched card is left
byte for byte as it was, and a part that cannot be read is reported with its line and never lost: the whole
edited file stays where the report says.
"""

from __future__ import annotations

__all__ = ["AnswerFilter", "AnswersResult", "edit_answers", "export_answers", "import_answers"]

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from studyprep.cards.answersheet import SheetProblem, SheetReading, kept_sheet_path, read_sheet, render_sheet
from studyprep.cards.models import Card, Deck, normalize_notes
from studyprep.cards.search import contains
from studyprep.errors import StudyprepError
from studyprep.result import json_field
from studyprep.store.atomic import write_atomic
from studyprep.store.cardedit import changed, rewrite_deck
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace
from studyprep.store.yamlio import read_text_file

MAX_SHEET_BYTES = 20_000_000


@dataclass(frozen=True)
class AnswerFilter:
    """Which cards go on the sheet: of a kind, under a category (case and accents ignored), without notes."""

    kind: str | None = None
    category: str | None = None
    missing: bool = False

    def keeps(self, card: Card) -> bool:
        """Whether the card goes on the sheet (retired cards never do)."""
        return (
            card.retired is None
            and (self.kind is None or card.kind == self.kind)
            and (self.category is None or contains(self.category, [" / ".join(card.category)]))
            and not (self.missing and normalize_notes(card.notes))
        )


@dataclass(frozen=True)
class AnswersResult:
    """What `answers` did: the sheet written, or the answers saved from it and the parts not read."""

    # In JSON order; `exported` and `unchanged` are keyword-only, so they can stand there.
    deck: str
    deck_path: Path = field(metadata=json_field(name="deck_file"))
    sheet: Path | None  # the file exported, or read back (kept when it holds problems)
    exported: bool = field(default=False, kw_only=True)
    cards: int  # cards on the sheet (exported), or answers read from it
    saved: tuple[str, ...] = ()
    unchanged: int = field(default=0, kw_only=True)
    problems: tuple[SheetProblem, ...] = ()
    kept: bool = False  # the sheet was kept because some of it was not saved

    @property
    def ok(self) -> bool:
        """Whether every part of the sheet was read."""
        return not self.problems


def export_answers(workspace: Workspace, name: str, chosen: AnswerFilter, target: Path) -> AnswersResult:
    """Write the sheet of the chosen cards to `target` (refusing to replace a file: it may hold answers)."""
    deck = load_deck(workspace, name)
    if target.exists():
        raise StudyprepError("the file exists and may hold answers not imported yet: import it or pick a new name",
                             target)  # fmt: skip
    cards = [card for card in deck.cards if chosen.keeps(card)]
    write_atomic(target, _sheet(deck, cards))
    return AnswersResult(deck.slug, workspace.deck_path(deck.slug), target, len(cards), exported=True)


def import_answers(workspace: Workspace, name: str, source: Path, now: datetime) -> AnswersResult:
    """Save the answers of a sheet (from `--export`, edited anywhere) into the deck; the file is left as it is."""
    deck = load_deck(workspace, name)
    text = read_text_file(source, "answer sheet", MAX_SHEET_BYTES)
    reading = read_sheet(text, _prompts(deck))
    return _save(workspace, deck, reading, {}, source, now, kept=False)


def edit_answers(
    workspace: Workspace, name: str, chosen: AnswerFilter, now: datetime, edit: Callable[[Path], None]
) -> AnswersResult:
    """Open the sheet of the chosen cards with `edit` (the user's editor) and save the answers changed in it.

    The sheet is written in `answers/` of the workspace, so a crash or a kill meanwhile loses no typing; it is
    removed once every part of it is saved, and kept (the result says where) when a part could not be read.
    """
    deck = load_deck(workspace, name)
    cards = [card for card in deck.cards if chosen.keeps(card)]
    path = workspace.deck_path(deck.slug)
    if not cards:
        return AnswersResult(deck.slug, path, None, 0)
    sheet = kept_sheet_path(workspace.root, deck.slug, now)
    original = _sheet(deck, cards)
    write_atomic(sheet, original)
    try:
        edit(sheet)
    except StudyprepError as error:
        if read_text_file(sheet, "answer sheet", MAX_SHEET_BYTES) == original:
            sheet.unlink(missing_ok=True)
            raise StudyprepError(f"{error.message}; nothing saved") from None
        raise StudyprepError(f"{error.message}; nothing saved, your edits are kept in {sheet}") from None
    reading = read_sheet(read_text_file(sheet, "answer sheet", MAX_SHEET_BYTES), _prompts(deck))
    baseline = {card.id: card.notes for card in cards}
    result = _save(workspace, deck, reading, baseline, sheet, now, kept=True)
    if result.ok:
        sheet.unlink(missing_ok=True)
    return result


def _sheet(deck: Deck, cards: list[Card]) -> str:
    chosen = {card.id: card for card in cards}
    return render_sheet(f"{deck.title} ({deck.slug})", chosen, [card.id for card in deck.cards])


def _prompts(deck: Deck) -> dict[str, str]:
    return {card.id: card.prompt for card in deck.cards}


def _save(workspace: Workspace, deck: Deck, reading: SheetReading, baseline: dict[str, str], sheet: Path,
          now: datetime, kept: bool) -> AnswersResult:  # fmt: skip
    """Write the answers that changed since `baseline` (the notes the sheet was made from; the deck's notes
    when unknown). An answer changed meanwhile in the deck too (a review's `e`) is a problem, not overwritten."""
    problems = list(reading.problems)
    saved: list[str] = []

    def change(current: Deck) -> list[Card] | None:
        by_id = {card.id: card for card in current.cards}
        updates: dict[str, str] = {}
        for answer in reading.answers:
            card = by_id.get(answer.card_id)
            if card is None:
                problems.append(SheetProblem(answer.line, f"card {answer.card_id} is no longer in the deck file"))
                continue
            now_notes = normalize_notes(card.notes)
            before = normalize_notes(baseline.get(card.id, card.notes))
            if answer.notes in (before, now_notes):
                continue
            if now_notes != before:
                problems.append(SheetProblem(answer.line, "this card's notes were changed elsewhere meanwhile"))
                continue
            updates[card.id] = answer.notes
        saved.extend(updates)
        if not updates:
            return None
        return [changed(card, notes=updates[card.id]) if card.id in updates else card for card in current.cards]

    path = workspace.deck_path(deck.slug)
    rewrite_deck(workspace, deck.slug, change, backup_at=now)
    problems.sort(key=lambda problem: problem.line)
    answers = len(reading.answers)
    return AnswersResult(
        deck.slug, path, sheet, answers, tuple(saved), tuple(problems), kept=kept and bool(problems),
        unchanged=answers - len(saved) - (len(problems) - len(reading.problems)),
    )  # fmt: skip
