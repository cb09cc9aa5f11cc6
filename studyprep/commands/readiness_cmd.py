"""`studyprep readiness [DECK]`: will I be ready on the day? Reads the review database and the study plans."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyprep.errors import StudyprepError
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from studyprep.schedule.answered import AnswerCoverage
    from studyprep.schedule.deadline_plan import DeadlinePlan

KIND_LABELS = {"fact": "Company facts", "ask": "Questions to ask", "concept": "Concepts", "question": "Questions"}


@dataclass
class DeckReadiness:
    """One deck's readiness report (see studyprep.schedule.readiness.Readiness)."""

    deck: str
    report: Any  # studyprep.schedule.readiness.Readiness, imported lazily; None when the deck file cannot be read
    error: str | None = None  # why the deck file cannot be read (file and line)
    answers: AnswerCoverage | None = None  # questions with the user's own answer

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form (a deck whose file cannot be read: its slug and error)."""
        if self.report is None:
            return {"deck": self.deck, "error": self.error}
        answers = None if self.answers is None else self.answers.to_json()
        return {"deck": self.deck, **self.report.to_json(), "answers": answers}


def category_label(category: list[str], kind: str) -> str:
    """A card's category for readiness tables: its category path, else its kind."""
    return " / ".join(category) if category else KIND_LABELS.get(kind, kind)


def deck_readiness(store: Any, item: tuple[str, DeadlinePlan, datetime], now: datetime) -> DeckReadiness:
    """Readiness of one deck with an interview date, from its plan (`deadline_plan.deadline_plan`) and the start
    of its study day (today's answers and new cards so far are not played out again)."""
    from studyprep.schedule.answered import answer_coverage
    from studyprep.schedule.readiness import Budget, TrackedCard, assess, user_pace

    slug, plan, day_start = item
    plan.check_horizon(now, store.path.parent / f"{slug}.yaml")
    report = assess(
        _tracked_cards(store, slug, TrackedCard),
        plan.interview_local(),
        now,
        plan.fsrs_scheduler(),
        budget=Budget(cards=plan.daily_budget_cards, minutes=plan.daily_budget_minutes),
        target=plan.target_recall or 0.9,
        pace=user_pace(store, slug),
        zone=plan.zone(),
        prompts=functools.partial(store.prompts, slug),
        today_done=(store.answers_since(slug, day_start), store.new_cards_since(slug, day_start)),
    )
    answers = answer_coverage(store, slug, plan.fsrs_scheduler(), max(report.interview, now))
    return DeckReadiness(slug, report, answers=answers)


def _tracked_cards(store: Any, slug: str, tracked: type) -> list[Any]:
    """Every active card in document order with its category label and fsrs state, built as the store reads it
    (one pass: at 100k cards a second one was a fifth of `readiness`)."""
    labels: dict[tuple[tuple[str, ...], str], str] = {}

    def entry(card_id: str, category: tuple[str, ...], kind: str, state: Any) -> Any:
        label = labels.get((category, kind))
        if label is None:
            label = labels[(category, kind)] = category_label(list(category), kind)
        return tracked(card_id, label, state)

    return store.active_cards(slug, entry)


def readiness_report(workspace: Workspace, now: datetime, deck: str | None = None) -> list[DeckReadiness]:
    """Readiness of the named deck (slug or unique prefix), or of every deck whose plan has an interview date (one
    whose file cannot be read is listed with its error; named, it is refused by it)."""
    from studyprep.schedule.deadline_plan import deadline_plan
    from studyprep.schedule.parallel import map_decks
    from studyprep.store.reviewstore import open_store
    from studyprep.store.workspace import match_slug

    with open_store(workspace, create=False) as store:
        broken = store.refresh_decks(workspace)
        slugs = [slug for slug in store.deck_slugs() if slug not in broken]
        if deck is not None:
            deck = match_slug(deck, sorted({*slugs, *broken}))  # a unique prefix names a deck, as everywhere
            if deck in broken:
                raise broken[deck]
            plan = deadline_plan(workspace, store, deck)
            if plan is None:
                hint = f"set one with `studyprep plan {deck} --interview DATE`"
                raise StudyprepError(f"deck {deck!r} has no interview date: {hint}")
            return [deck_readiness(store, (deck, plan, _day_start(workspace, store, deck, now)), now)]
        dated = [(slug, plan, _day_start(workspace, store, slug, now))
                 for slug in slugs if (plan := deadline_plan(workspace, store, slug))]  # fmt: skip
        # Decks are independent: with several, their readiness is worked out on several cores. What a deck's
        # readiness needs is imported first, once, rather than by each forked worker.
        import studyprep.schedule.readiness
        import studyprep.schedule.scheduling  # noqa: F401

        job = functools.partial(deck_readiness, now=now)
        reports = map_decks(job, dated, store, functools.partial(open_store, workspace, create=False))
        reports += [DeckReadiness(slug, None, broken[slug].render()) for slug in broken
                    if _has_date(workspace, store, slug)]  # fmt: skip
        return sorted(reports, key=lambda found: found.deck)


def _day_start(workspace: Workspace, store: Any, slug: str, now: datetime) -> datetime:
    """When the deck's study day containing `now` began (its plan's `day_starts_at_hour` and time zone)."""
    from studyprep.schedule.deadline_plan import plan_settings
    from studyprep.schedule.scheduling import study_day

    settings = plan_settings(workspace, store, slug)
    return study_day(now, settings["hour"], settings["zone"])[0]


def _has_date(workspace: Workspace, store: Any, slug: str) -> bool:
    """Whether a deck whose file cannot be read has an interview date (its plan is read, never made)."""
    from studyprep.schedule.deadline_plan import deadline_plan

    if not (workspace.schedules_dir / f"{slug}.yaml").is_file():
        return False
    try:
        return deadline_plan(workspace, store, slug) is not None
    except StudyprepError:
        return True  # its plan is broken too: list the deck with its file's error all the same
