"""Your own FSRS parameters: fitted to the whole review log with fsrs-rs (`fsrs_rs_python`), judged on later reviews.

Every card's answers (studyprep's and those pulled from Anki alike) become fsrs-rs training items the way Anki
builds them: one item per answer given on a later study day than the card's previous answer (a "counted review"),
holding the card's whole history up to it, elapsed time in study days of the card's deck (`studydays`), as review,
replay and projection count it. The items are split by time: the parameters are fitted on the earlier
`FIT_SHARE` and both they and the defaults are judged (log loss, RMSE over fsrs-rs's bins) on the later part, which
the fit never saw. The fitted parameters are only worth writing when they predict that part better.

Public: `MIN_REVIEWS`, `FIT_SHARE`, `CardHistory`, `Accuracy`, `Optimization`, `NotEnoughReviewsError`,
`histories(store, plans)`, `counted_reviews(histories)`, `optimize(histories, ...)`, `accuracy(parameters, items)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from studyprep.errors import StudyprepError
from studyprep.result import Computed, json_field, rounded
from studyprep.schedule.studydays import study_days_between

if TYPE_CHECKING:
    from studyprep.store.db import ReviewStore

__all__ = [
    "FIT_SHARE",
    "MIN_FIT_ITEMS",
    "MIN_REVIEWS",
    "Accuracy",
    "CardHistory",
    "NotEnoughReviewsError",
    "Optimization",
    "accuracy",
    "counted_reviews",
    "histories",
    "optimize",
]

# fsrs-rs fits every parameter only from 64 training items on (below 8 it returns the defaults, from 8 to 63 only the
# four initial stabilities: `compute_parameters` in fsrs-rs's training.rs). The earlier 75% must hold 64 of them and
# the later 25% enough to judge by, so 100 counted reviews: 75 to fit on, 25 to judge.
MIN_FIT_ITEMS = 64
FIT_SHARE = 0.75
MIN_REVIEWS = 100
# fsrs-rs returns 32-bit floats: four decimals, as fsrs writes its defaults, say as much.
_DECIMALS = 4


class NotEnoughReviewsError(StudyprepError):
    """Too few counted reviews to fit parameters worth trusting: nothing is fitted or written."""

    exit_code = 3


@dataclass(frozen=True)
class CardHistory:
    """One card's answers, oldest first, and the study day of its deck (`day_starts_at_hour`, time zone)."""

    deck: str
    card_id: str
    answers: tuple[tuple[datetime, int], ...]
    day_starts_at_hour: int
    time_zone: str | None


@dataclass(frozen=True)
class Accuracy:
    """How well parameters predict answers: log loss (lower is better) and RMSE over fsrs-rs's bins."""

    log_loss: float = field(metadata=json_field(convert=rounded(5)))
    rmse: float = field(metadata=json_field(convert=rounded(5)))


@dataclass(frozen=True)
class Optimization:
    """A fit: the counted reviews, how they were split, the fitted parameters, and both parameter sets' accuracy
    on the later part. `better`: the fitted parameters have the lower log loss there."""

    reviews: int
    fitted_on: int
    judged_on: int
    split_at: datetime
    default: Accuracy
    fitted: Accuracy
    parameters: tuple[float, ...]
    # Each deck's own parameters' accuracy, shown per deck (`optimize_cmd.DeckParameters`).
    current: tuple[tuple[str, Accuracy], ...] = field(default=(), metadata=json_field(skip=True))

    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("better", after="fitted"),)

    @property
    def better(self) -> bool:
        """Whether the fitted parameters predict the later reviews better than the defaults."""
        return self.fitted.log_loss < self.default.log_loss

    def better_for(self, deck: str) -> bool:
        """Whether the fitted parameters predict the later reviews better than the defaults and than the deck's
        current parameters (when it has its own)."""
        own = dict(self.current).get(deck)
        return self.better and (own is None or self.fitted.log_loss < own.log_loss)


@dataclass(frozen=True)
class _Counted:
    """A counted review: when it was given, and the card's history up to it as fsrs-rs (rating, study days)."""

    at: datetime
    reviews: tuple[tuple[int, int], ...]


def histories(store: ReviewStore, plans: Mapping[str, tuple[int, str | None]]) -> list[CardHistory]:
    """Every card's answers in the review log, for the decks in `plans` (slug -> (day_starts_at_hour, time zone)).

    A card sent back to new (`studyprep forget`) keeps only the answers after that moment, as its replay does."""
    answers: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
    for answer in store.answer_history():  # oldest first
        if answer.deck in plans:
            answers.setdefault((answer.deck, answer.card_id), []).append((answer.reviewed_at, answer.rating))
    found = []
    for (deck, card_id), given in answers.items():
        since = store.forgotten_at(deck, card_id)
        kept = tuple(item for item in given if since is None or item[0] >= since)
        hour, zone = plans[deck]
        found.append(CardHistory(deck, card_id, kept, hour, zone))
    return found


def counted_reviews(cards: Iterable[CardHistory]) -> list[_Counted]:
    """The counted reviews of every card (an answer on a later study day than the card's previous one), oldest
    first, each with its card's history up to it in study days."""
    counted = []
    for card in cards:
        reviews: list[tuple[int, int]] = []
        previous: datetime | None = None
        for at, rating in card.answers:
            days = 0 if previous is None else study_days_between(previous, at, card.day_starts_at_hour, card.time_zone)
            reviews.append((rating, days))
            previous = at
            if len(reviews) > 1 and days > 0:
                counted.append(_Counted(at, tuple(reviews)))
    return sorted(counted, key=lambda review: review.at)


def _items(counted: Sequence[_Counted]) -> list[Any]:
    from fsrs_rs_python import FSRSItem, FSRSReview

    return [FSRSItem([FSRSReview(rating, days) for rating, days in review.reviews]) for review in counted]


def accuracy(parameters: Sequence[float], items: Sequence[Any]) -> Accuracy:
    """fsrs-rs's log loss and RMSE (bins) of `parameters` on `items` (fsrs_rs_python.FSRSItem)."""
    from fsrs_rs_python import FSRS

    evaluation = FSRS(list(parameters)).evaluate(list(items))
    return Accuracy(evaluation.log_loss, evaluation.rmse_bins)


def optimize(
    cards: Iterable[CardHistory],
    current: Mapping[str, Sequence[float]] | None = None,
    relearning_steps: int | None = None,
) -> Optimization:
    """Fit FSRS parameters on the earlier `FIT_SHARE` of the counted reviews and judge them on the rest, beside fsrs's
    defaults and each deck's `current` parameters that are not the defaults. `NotEnoughReviewsError` below
    `MIN_REVIEWS` counted reviews."""
    from fsrs_rs_python import FSRS

    counted = counted_reviews(cards)
    if len(counted) < MIN_REVIEWS:
        raise NotEnoughReviewsError(
            f"not enough reviews to fit your own parameters: {len(counted)} of the {MIN_REVIEWS} needed (answers"
            " on a later study day than the card's previous answer); keep reviewing and run `optimize` again"
        )
    split = int(len(counted) * FIT_SHARE)
    items = _items(counted)
    earlier, later = items[:split], items[split:]
    baseline = list(DEFAULT_PARAMETERS)
    try:
        found = FSRS(baseline).compute_parameters(earlier, num_relearning_steps=relearning_steps)
    except (ValueError, RuntimeError) as error:  # fsrs-rs refuses a log it cannot fit (its FSRSError, raised as these)
        raise StudyprepError(f"fsrs-rs could not fit parameters to your reviews: {error}") from None
    fitted = _within_bounds(found)
    own = {deck: tuple(values) for deck, values in (current or {}).items() if tuple(values) != tuple(baseline)}
    return Optimization(
        reviews=len(counted),
        fitted_on=len(earlier),
        judged_on=len(later),
        split_at=counted[split].at,
        parameters=fitted,
        default=accuracy(baseline, later),
        fitted=accuracy(fitted, later),
        current=tuple((deck, accuracy(values, later)) for deck, values in sorted(own.items())),
    )


def _within_bounds(parameters: Sequence[float]) -> tuple[float, ...]:
    """fsrs-rs's parameters rounded, and kept within fsrs's own bounds (a plan file is checked against them)."""
    bounds = zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    return tuple(
        min(max(round(value, _DECIMALS), low), high) for value, (low, high) in zip(parameters, bounds, strict=True)
    )
