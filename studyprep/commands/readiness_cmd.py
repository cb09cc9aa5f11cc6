"""`studyprep readiness [DECK]`: will I be ready on the day? Reads the review database and the study plans."""

from __future__ import annotations

__all__ = ["readiness_report"]

from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyprep.errors import StudyprepError
from studyprep.schedule.deadline_plan import deadline_plan, plan_settings
from studyprep.schedule.deck_readiness import DeckReadiness, deck_readiness
from studyprep.schedule.replays import open_store
from studyprep.store.bulk import without_cyclic_gc
from studyprep.store.workspace import Workspace, match_slug

if TYPE_CHECKING:
    pass


def readiness_report(workspace: Workspace, now: datetime, deck: str | None = None) -> list[DeckReadiness]:
    """Readiness of the named deck (slug or unique prefix), or of every deck whose plan has an interview date (one
    whose file cannot be read is listed with its error; named, it is refused by it)."""
    # A projection allocates hundreds of thousands of short-lived states beside the long-lived cards and memos:
    # the cyclic collector, triggered by the allocation count, walked them again and again (a tenth to a fifth
    # of `readiness`); reference counting frees them all the same.
    with open_store(workspace, create=False) as store, without_cyclic_gc():
        broken = store.refresh_decks(workspace)
        slugs = [slug for slug in store.deck_slugs() if slug not in broken]
        if deck is not None:
            # A unique prefix names a deck, as everywhere.
            deck = match_slug(deck, sorted({*slugs, *broken}), workspace.decks_dir)
            if deck in broken:
                raise broken[deck]
            plan = deadline_plan(workspace, store, deck)
            if plan is None:
                hint = f"set one with `studyprep plan {deck} --interview DATE`"
                raise StudyprepError(f"deck {deck!r} has no interview date: {hint}")
            return [deck_readiness(store, (deck, plan, _day_start(workspace, store, deck, now)), now)]
        dated = [(slug, plan, _day_start(workspace, store, slug, now))
                 for slug in slugs if (plan := deadline_plan(workspace, store, slug))]  # fmt: skip
        reports = [deck_readiness(store, item, now) for item in dated]
        reports += [DeckReadiness(slug, None, broken[slug].render()) for slug in broken
                    if _has_date(workspace, store, slug)]  # fmt: skip
        return sorted(reports, key=lambda found: found.deck)


def _day_start(workspace: Workspace, store: Any, slug: str, now: datetime) -> datetime:
    """When the deck's study day containing `now` began (its plan's `day_starts_at_hour` and time zone)."""
    return plan_settings(workspace, store, slug).study_day(now)[0]


def _has_date(workspace: Workspace, store: Any, slug: str) -> bool:
    """Whether a deck whose file cannot be read has an interview date (its plan is read, never made)."""
    if not (workspace.schedules_dir / f"{slug}.yaml").is_file():
        return False
    try:
        return deadline_plan(workspace, store, slug) is not None
    except StudyprepError:
        return True  # its plan is broken too: list the deck with its file's error all the same
