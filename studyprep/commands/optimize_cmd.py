"""`studyprep optimize [DECK]`: fit FSRS parameters to your whole review log; write them where they predict better."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studyprep.errors import StudyprepError
from studyprep.result import json_field
from studyprep.schedule.optimize import Accuracy, Optimization, histories, optimize
from studyprep.schedule.replays import open_store
from studyprep.schedule.scheduling import replay_deck
from studyprep.store.locking import deck_write_lock
from studyprep.store.plan import StudyPlan, load_plan, plan_path, save_plan
from studyprep.store.workspace import Workspace, match_slug

__all__ = ["DeckParameters", "OptimizeReport", "optimize_parameters"]


@dataclass(frozen=True)
class DeckParameters:
    """One deck's outcome: its own parameters' accuracy (None: it used fsrs's defaults) and whether the fitted
    parameters were written into its plan (`plan`)."""

    deck: str
    plan: str
    written: bool
    current: Accuracy | None


@dataclass(frozen=True)
class OptimizeReport:
    """What `studyprep optimize` shows: the fit and, per deck, whether its plan now holds the fitted parameters."""

    fit: Optimization = field(metadata=json_field(inline=True))
    decks: tuple[DeckParameters, ...]


def optimize_parameters(workspace: Workspace, deck: str | None) -> OptimizeReport:
    """Fit parameters to the review log of every deck and write them into the plan of the named deck (slug or unique
    prefix; every deck when None) where they predict the later reviews better than the defaults and than the
    deck's own parameters. Its states are then replayed with them, so `readiness` and the day plan use them.

    `optimize.NotEnoughReviewsError` (exit 3) below `optimize.MIN_REVIEWS` counted reviews; nothing is written."""
    with open_store(workspace, create=False) as store:
        broken = store.refresh_decks(workspace)
        slugs = [slug for slug in store.deck_slugs() if slug not in broken]
        targets = slugs
        if deck is not None:
            named = match_slug(deck, sorted({*slugs, *broken}))  # a unique prefix names a deck, as everywhere
            if named in broken:
                raise broken[named]
            targets = [named]
        if not targets:
            raise StudyprepError("no decks yet: run `studyprep import FILE` first")
        plans = {slug: load_plan(workspace, slug) for slug in slugs}
        days = {slug: (plan.day_starts_at_hour, plan.time_zone) for slug, plan in plans.items()}
        fit = optimize(
            histories(store, days),
            current={slug: plans[slug].scheduler.parameters for slug in targets},
            relearning_steps=max(len(plans[slug].scheduler.relearning_steps) for slug in targets),
        )
        written = [slug for slug in targets if fit.better_for(slug)]
        if written:
            with store.session_lock():  # not under a running session, which holds the states it will write
                for slug in written:
                    _write_parameters(workspace, store, slug, fit.parameters)
    own = dict(fit.current)
    return OptimizeReport(fit, tuple(_outcome(workspace, slug, own.get(slug), slug in written) for slug in targets))


def _outcome(workspace: Workspace, slug: str, current: Accuracy | None, written: bool) -> DeckParameters:
    return DeckParameters(slug, str(plan_path(workspace, slug)), written=written, current=current)


def _write_parameters(workspace: Workspace, store: Any, slug: str, parameters: tuple[float, ...]) -> None:
    """Put `parameters` in the deck's plan (read and written under the writers' lock), then replay its states."""
    with deck_write_lock(workspace):
        plan = load_plan(workspace, slug)
        plan.scheduler.parameters = list(parameters)
        save_plan(workspace, StudyPlan.model_validate(plan.model_dump()))
    store.forget_plan(slug)  # `due` and `readiness` read the new file, not the cached settings of the old one
    with store.transaction():
        replay_deck(workspace, store, slug)
