"""`studyprep mock DECK`: a mock interview over a deck's interview questions, under the review lock."""

from __future__ import annotations

__all__ = ["open_mock"]

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from studyprep.errors import StudyprepError
from studyprep.schedule.mock import MockInterview, pick_questions
from studyprep.schedule.replays import open_store
from studyprep.schedule.scheduling import scheduler_for
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace, match_slug


@contextlib.contextmanager
def open_mock(
    workspace: Workspace, deck: str, now: datetime, clock: Callable[[], datetime], questions: int = 5,
    minutes: float = 2.0, category: str | None = None,
) -> Iterator[MockInterview]:  # fmt: skip
    """A mock interview of `questions` questions of `deck` (a slug or unique prefix), `minutes` each."""
    if questions < 1 or minutes <= 0:
        raise StudyprepError("--questions takes 1 or more, --minutes more than 0")
    with open_store(workspace, create=False) as store, store.session_lock():
        broken = store.refresh_decks(workspace)
        slug = match_slug(deck, sorted({*store.deck_slugs(), *broken}), workspace.decks_dir)
        if slug in broken:
            raise broken[slug]
        plan = load_plan(workspace, slug)
        scheduler = scheduler_for(plan)
        moment = plan.interview_at if plan.interview_at and plan.interview_at > now else now
        chosen = pick_questions(store, slug, scheduler, moment, questions, category)
        yield MockInterview(store, workspace, slug, chosen, timedelta(minutes=minutes), scheduler, clock)
