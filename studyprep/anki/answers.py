"""Answers written in Anki's Notes field, brought back into a card's `notes`: which side changed, and what to keep.

Decided against the exchange record (`anki.exchange`): studyprep's notes and Anki's field as they were at the
last exchange. Only Anki changed: take Anki's. Only studyprep: keep ours (the next export carries it). Both, or
nothing recorded to tell: keep both, ours first, Anki's below a marked line, and report the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from studyprep.anki.exchange import NoteRecord
from studyprep.anki.html import field_html, field_text

__all__ = ["ANKI_MARK", "NotesOutcome", "NotesPull", "merge_notes"]

# The line above Anki's answer when both sides changed; `{day}` is the pull's date.
ANKI_MARK = "--- written in Anki (pulled {day}); both changed, keep what you want ---"


class NotesOutcome(StrEnum):
    """What a pull did with one card's notes."""

    SAME = "same"  # nothing to do: Anki holds what studyprep has, or only studyprep changed
    TAKEN = "taken"  # only Anki changed: its answer is now the card's notes
    BOTH = "both"  # both changed: both kept, Anki's below a marked line


@dataclass(frozen=True)
class NotesPull:
    """One card's notes after a pull, and Anki's field as read (for the exchange record)."""

    notes: str
    anki_notes: str
    outcome: NotesOutcome


def merge_notes(local: str, anki_field: str, before: NoteRecord | None, now: datetime) -> NotesPull:
    """The card's notes once Anki's Notes field (`anki_field`, HTML) is taken in; never drops either side."""
    if anki_field == field_html(local) or (before is not None and anki_field == before.anki_notes):
        return NotesPull(local, anki_field, NotesOutcome.SAME)  # in step, or Anki unchanged since
    theirs = field_text(anki_field)
    if not theirs.strip() and before is None:
        return NotesPull(local, anki_field, NotesOutcome.SAME)  # an empty field never tells us to drop ours
    if not local.strip() or (before is not None and local == before.notes):
        return NotesPull(theirs, anki_field, NotesOutcome.TAKEN)
    if theirs.strip() and theirs.strip() in local:
        return NotesPull(local, anki_field, NotesOutcome.SAME)  # already kept by an earlier pull
    merged = f"{local.rstrip()}\n\n{ANKI_MARK.format(day=now.date().isoformat())}\n{theirs}"
    return NotesPull(merged, anki_field, NotesOutcome.BOTH)
