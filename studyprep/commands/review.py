"""`studyprep review [DECK ...]`: open a review session over some decks (all by default).

The session holds the workspace's review lock for its lifetime, so a second session fails with a clear
message instead of racing; each answer is still checked against the stored state in its own transaction.
A deck file that cannot be read keeps only its own deck out: named, it is refused with its error; else the
session goes on over the other decks and says which was left out.
"""

from __future__ import annotations

__all__ = ["open_session", "session_clock"]

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from studyprep.errors import DeckNotFoundError, StudyprepError
from studyprep.progress import ProgressCallback, no_progress
from studyprep.schedule.practice import CardFilter, chosen_cards
from studyprep.schedule.queue import build_queue
from studyprep.schedule.replays import open_store
from studyprep.schedule.session import ReviewSession
from studyprep.schedule.today import deck_days
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace


def session_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at `start` (read once by the command) and advances with real time."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def match_decks(known: list[str], names: list[str]) -> list[str]:
    """Resolve deck names (exact slugs or unique prefixes) against the known slugs; all decks when none."""
    if not names:
        return known
    chosen: list[str] = []
    for name in names:
        matches = [name] if name in known else [slug for slug in known if slug.startswith(name)]
        if not matches:
            listing = ", ".join(known) or "none yet; run `studyprep import FILE`"
            raise DeckNotFoundError(f"no deck named {name!r} (decks: {listing})")
        if len(matches) > 1:
            raise DeckNotFoundError(f"deck name {name!r} is ambiguous: matches {', '.join(matches)}")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


@contextlib.contextmanager
def open_session(
    workspace: Workspace,
    names: list[str],
    now: datetime,
    limit: int | None = None,
    new: int | None = None,
    clock: Callable[[], datetime] | None = None,
    ahead: int | None = None,
    card_filter: CardFilter | None = None,
    timed: bool = True,
    progress: ProgressCallback = no_progress,
) -> Iterator[ReviewSession]:
    """A started review session over the named decks; the lock and database are released on exit.

    `ahead`: study up to that many cards ahead of the schedule instead of today's; `card_filter`: only the cards
    it chooses (today's, or ahead); `timed` False (a scripted session) logs answers without their durations
    (`ReviewSession.timed`). `progress` hears the day's plans decided while the session opens.
    """
    if min(limit or 0, new or 0, ahead or 0, (card_filter and card_filter.weakest) or 0) < 0:
        raise StudyprepError("--limit, --new, --ahead and --weakest take a number of cards, zero or more")
    with open_store(workspace, create=False) as store, store.session_lock():
        broken = store.refresh_decks(workspace, verify=True)  # by content: never serve a stale copy of a deck
        chosen = match_decks(sorted({*store.deck_slugs(), *broken}), names)
        for slug in chosen:
            if names and slug in broken:
                raise broken[slug]
        skipped = {slug: error for slug, error in broken.items() if slug in chosen}
        decks = deck_days(workspace, store, [slug for slug in chosen if slug not in broken], now)
        plans = {deck.slug: load_plan(workspace, deck.slug) for deck in decks}
        only = None
        if card_filter is not None and card_filter.given:
            only = chosen_cards(workspace, store, decks, plans, card_filter, now)
        if only is None and ahead is None:
            queue = build_queue(store, decks, now, limit=limit, new_limit=new, progress=progress)
        else:
            queue = build_queue(store, decks, now, new_limit=new, progress=progress)
            queue.restrict(only if only is not None else set(), limit)
        session = ReviewSession(store, workspace, decks, queue, clock or session_clock(now), plans,
                                skipped=skipped, limit=limit, new_limit=new, only=only, timed=timed)  # fmt: skip
        session.start()
        if ahead is not None:
            session.study_ahead(ahead)
        yield session
