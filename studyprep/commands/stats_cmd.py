"""`studyprep stats`: reviews per day, true retention, streak and time spent, per deck and overall."""

from __future__ import annotations

__all__ = ["Stats", "review_stats", "streak"]

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import ClassVar

from studyprep.result import Computed, json_field, rounded
from studyprep.store.db import open_store
from studyprep.store.workspace import Workspace

HEATMAP_WEEKS = 12


@dataclass
class DeckStats:
    """Review figures of one deck (or of all decks together, deck = "*")."""

    deck: str
    reviews: int = 0
    new: int = field(default=0, metadata=json_field(name="new_cards"))
    mature_reviews: int = field(default=0, metadata=json_field(skip=True))  # in JSON as true_retention
    mature_passed: int = field(default=0, metadata=json_field(skip=True))
    seconds: float = field(default=0.0, metadata=json_field(name="minutes", convert=lambda s: round(s / 60, 1)))
    per_day: dict[str, int] = field(default_factory=dict)

    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("true_retention", after="new_cards", convert=rounded(4)),)

    @property
    def true_retention(self) -> float | None:
        """Share of reviews of graduated cards not rated again (None before there are any)."""
        return self.mature_passed / self.mature_reviews if self.mature_reviews else None


@dataclass
class Stats:
    """Everything `studyprep stats` shows."""

    today: date
    streak: int = field(metadata=json_field(name="streak_days"))
    total: DeckStats
    decks: list[DeckStats]

    def heatmap(self, weeks: int = HEATMAP_WEEKS) -> list[tuple[str, int]]:
        """(date, reviews) per day from the Monday `weeks - 1` weeks before this week's through today."""
        first = self.today - timedelta(days=self.today.weekday(), weeks=weeks - 1)
        dates = [(first + timedelta(days=offset)).isoformat() for offset in range((self.today - first).days + 1)]
        return [(day, self.total.per_day.get(day, 0)) for day in dates]


def _add(stats: DeckStats, day: str, rating: int, seconds: float, was_new: bool, state_before: int | None) -> None:
    stats.reviews += 1
    stats.new += was_new
    stats.seconds += seconds
    stats.per_day[day] = stats.per_day.get(day, 0) + 1
    if state_before == 2:  # fsrs State.Review: a graduated card, so a real test of memory
        stats.mature_reviews += 1
        stats.mature_passed += rating != 1


def streak(days_with_reviews: set[str], today: date, free: Callable[[date], bool] = lambda day: False) -> int:
    """Consecutive days kept ending today (or yesterday, if today has none yet): a day with reviews, or a day on
    which there was nothing to do (`free`: no card due, none new to learn), which keeps the streak unbroken."""
    current = today if today.isoformat() in days_with_reviews else today - timedelta(days=1)
    first = min(days_with_reviews, default=None)
    count = 0
    while first is not None and current.isoformat() >= first:
        if current.isoformat() not in days_with_reviews and not free(current):
            break
        count += 1
        current -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class _Logged:
    """One logged answer, as `nothing_to_do` reads it: the card, when, and when it fell due next."""

    key: tuple[str, str]
    reviewed_at: datetime
    due: datetime | None


def nothing_to_do(logged: Sequence[_Logged], active: int, zone: tzinfo | None) -> Callable[[date], bool]:
    """Whether a day (local) had nothing to do: every active card seen before it (no new card to learn) and
    none due by its end, by the due dates the log recorded."""

    def free(day: date) -> bool:
        start = datetime.combine(day, time(), zone).astimezone(UTC) if zone else _local_midnight(day)
        end = start + timedelta(days=1)
        latest: dict[tuple[str, str], datetime | None] = {}
        for entry in logged:  # oldest first: the last one before the day holds the card's due date then
            if entry.reviewed_at >= start:
                break
            latest[entry.key] = entry.due
        return len(latest) >= active and all(due is not None and due >= end for due in latest.values())

    return free


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def review_stats(workspace: Workspace, now: datetime, zone: tzinfo | None = None) -> Stats:
    """Figures from the review log; days are local days (`zone`, else the computer's time zone)."""
    with open_store(workspace, create=False) as store:
        answers = store.answer_history()
        active = store.active_card_count()
    total = DeckStats("*")
    decks: dict[str, DeckStats] = {}
    logged = []
    for answer in answers:
        day = answer.reviewed_at.astimezone(zone).date().isoformat()
        seconds = min(answer.duration_ms or 0, 300_000) / 1000  # a walk-away is not study time
        for stats in (total, decks.setdefault(answer.deck, DeckStats(answer.deck))):
            _add(stats, day, answer.rating, seconds, answer.was_new, answer.state_before)
        logged.append(_Logged((answer.deck, answer.card_id), answer.reviewed_at, answer.due_after))
    today = now.astimezone(zone).date()
    ordered = sorted(decks.values(), key=lambda stats: stats.deck)
    return Stats(today, streak(set(total.per_day), today, nothing_to_do(logged, active, zone)), total, ordered)
