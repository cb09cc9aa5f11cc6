"""The review database as commands that read FSRS states open it: with the schedule's replay wired in.

A migration that changes how states are computed queues the decks whose states must be replayed from their logs
(`store.db.replays`). Replaying needs each deck's scheduler, built from its plan, which the store (below the
schedule) cannot build: so a store opened here replays the queued decks with `scheduling.replay_deck` at its next
mirror refresh (`ReviewStore.refresh_mirror`), which every command reading states runs before it reads them.
"""

from __future__ import annotations

__all__ = ["open_store"]

from studyprep.schedule.scheduling import replay_deck
from studyprep.store.db import ReviewStore
from studyprep.store.db import open_store as open_review_store
from studyprep.store.workspace import Workspace


def open_store(workspace: Workspace, create: bool = True) -> ReviewStore:
    """`store.db.open_store`, with queued decks replayed by the next mirror refresh."""
    return open_review_store(workspace, create, replay=replay_deck)
