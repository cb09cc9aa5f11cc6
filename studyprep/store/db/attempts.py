"""Answers typed in mock interviews (`attempts`), kept per card: shown by `card ID` and weighed by the next mock."""

from __future__ import annotations

__all__ = ["Attempt", "add_attempt", "attempts"]

from dataclasses import dataclass, field
from datetime import datetime

from studyprep.result import json_field
from studyprep.store.db.codec import from_us, to_us
from studyprep.store.db.connection import Database


@dataclass(frozen=True)
class Attempt:
    """An answer typed in a mock interview: when, how long it took, and the text."""

    at: datetime
    duration_ms: int = field(metadata=json_field(name="seconds", convert=lambda ms: round(ms / 1000, 1)))
    answer: str


def add_attempt(db: Database, deck: str, card_id: str, at: datetime, duration_ms: int, answer: str) -> None:
    """Keep an answer typed in a mock interview."""
    with db.atomic():
        db.execute("INSERT INTO attempts (deck, card_id, at, duration_ms, answer) VALUES (?, ?, ?, ?, ?)",
                   (deck, card_id, to_us(at), duration_ms, answer))  # fmt: skip


def attempts(db: Database, deck: str, card_id: str) -> list[Attempt]:
    """A card's typed mock-interview answers, oldest first."""
    rows = db.query(
        "SELECT at, duration_ms, answer FROM attempts WHERE deck = ? AND card_id = ? ORDER BY at, id", (deck, card_id)
    )
    return [Attempt(from_us(at), duration, answer) for at, duration, answer in rows]
