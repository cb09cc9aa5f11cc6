"""`studyprep stats`: reviews per day, true retention, streak and time spent, per deck and overall."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from studyprep.workspace import Workspace

HEATMAP_WEEKS = 12


@dataclass
class DeckStats:
    """Review figures of one deck (or of all decks together, deck = "*")."""

    deck: str
    reviews: int = 0
    new: int = 0
    mature_reviews: int = 0
    mature_passed: int = 0
    seconds: float = 0.0
    per_day: dict[str, int] = field(default_factory=dict)

    @property
    def true_retention(self) -> float | None:
        """Share of reviews of graduated cards not rated again (None before there are any)."""
        return self.mature_passed / self.mature_reviews if self.mature_reviews else None

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        retention = self.true_retention
        return {
            "deck": self.deck,
            "reviews": self.reviews,
            "new_cards": self.new,
            "true_retention": None if retention is None else round(retention, 4),
            "minutes": round(self.seconds / 60, 1),
            "per_day": self.per_day,
        }


@dataclass
class Stats:
    """Everything `studyprep stats` shows."""

    today: date
    streak: int
    total: DeckStats
    decks: list[DeckStats]

    def heatmap(self, weeks: int = HEATMAP_WEEKS) -> list[tuple[str, int]]:
        """(date, reviews) per day from the Monday `weeks - 1` weeks before this week's through today."""
        first = self.today - timedelta(days=self.today.weekday(), weeks=weeks - 1)
        dates = [(first + timedelta(days=offset)).isoformat() for offset in range((self.today - first).days + 1)]
        return [(day, self.total.per_day.get(day, 0)) for day in dates]

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {
            "today": self.today.isoformat(),
            "streak_days": self.streak,
            "total": self.total.to_json(),
            "decks": [deck.to_json() for deck in self.decks],
        }


def _add(stats: DeckStats, day: str, rating: int, seconds: float, was_new: bool, state_before: int | None) -> None:
    stats.reviews += 1
    stats.new += was_new
    stats.seconds += seconds
    stats.per_day[day] = stats.per_day.get(day, 0) + 1
    if state_before == 2:  # fsrs State.Review: a graduated card, so a real test of memory
        stats.mature_reviews += 1
        stats.mature_passed += rating != 1


def streak(days_with_reviews: set[str], today: date) -> int:
    """Consecutive days with reviews ending today (or yesterday, if today has none yet)."""
    current = today if today.isoformat() in days_with_reviews else today - timedelta(days=1)
    count = 0
    while current.isoformat() in days_with_reviews:
        count += 1
        current -= timedelta(days=1)
    return count


def review_stats(workspace: Workspace, now: datetime, zone: tzinfo | None = None) -> Stats:
    """Figures from the review log; days are local days (`zone`, else the computer's time zone)."""
    from studyprep.reviewstore import from_us, open_store

    with open_store(workspace, create=False) as store, store.guard():
        rows = store.conn.execute(
            "SELECT deck, rating, reviewed_at, duration_ms, was_new, json_extract(state_before, '$[0]')"
            " FROM review_log ORDER BY reviewed_at"
        ).fetchall()
    total = DeckStats("*")
    decks: dict[str, DeckStats] = {}
    for deck, rating, reviewed_at, duration_ms, was_new, state_before in rows:
        day = from_us(reviewed_at).astimezone(zone).date().isoformat()
        seconds = min(duration_ms or 0, 300_000) / 1000  # a walk-away is not study time
        for stats in (total, decks.setdefault(deck, DeckStats(deck))):
            _add(stats, day, rating, seconds, bool(was_new), state_before)
    today = now.astimezone(zone).date()
    ordered = sorted(decks.values(), key=lambda stats: stats.deck)
    return Stats(today, streak(set(total.per_day), today), total, ordered)
