"""A review session as a state machine: show a card's front, reveal its back, answer, undo, bury, edit notes.

No printing and no reading of keys here (that is `review_ui`); the clock is injected. Each answer is one
committed transaction before the next card is chosen, so a killed session loses nothing.
"""

from __future__ import annotations

__all__ = ["MAX_ANSWER_MS", "ConceptIndex", "Phase", "Progress", "ReviewSession", "Summary"]

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fsrs import State

from studyprep.errors import StudyprepError
from studyprep.schedule.deadline import steps_owed
from studyprep.schedule.deck_day import DeckDay
from studyprep.schedule.practice import ahead_entries
from studyprep.schedule.queue import Lane, QueueEntry, ReviewQueue
from studyprep.schedule.scheduling import preview, review, scheduler_for
from studyprep.schedule.today import counts_for
from studyprep.store.db import ConflictError, MirrorCard, ReviewStore, StoredState
from studyprep.store.db.mirror import deck_file_stat, deck_file_stats
from studyprep.store.workspace import Workspace
from studyprep.wording import count

if TYPE_CHECKING:
    import fsrs

    from studyprep.schedule.today import DeckDue
    from studyprep.store.plan import StudyPlan

MAX_ANSWER_MS = 5 * 60 * 1000  # a card left on screen while away should not count as hours of study
_WORD = re.compile(r"\w+")
_CONCEPT_SEPARATORS = re.compile(r"\s+(?:vs\.?|versus|and|or)\s+|\s*[/,;()]\s*", re.IGNORECASE)


class Phase(Enum):
    """Where the session is."""

    FRONT = "front"
    BACK = "back"
    DONE = "done"


@dataclass(frozen=True)
class ShownCard:
    """The card on screen, with what the back needs."""

    entry: QueueEntry
    card: MirrorCard
    stored: StoredState | None
    related: list[MirrorCard]
    shown_at: datetime


@dataclass(frozen=True)
class _Done:
    action: Literal["answer", "bury", "suspend", "flag"]
    entry: QueueEntry
    log_id: int = 0
    rating: int = 0


@dataclass(frozen=True)
class Progress:
    """The live line: answers given, cards left, time since the session started.

    `left` counts the cards still to answer that this session has not answered yet (the one on screen included):
    it goes down with every first answer, a new card rated Good included. `repeats` counts the cards answered this
    session that come back today for another learning step (shown when due).
    """

    done: int
    left: int
    elapsed: timedelta
    repeats: int = 0


@dataclass(frozen=True)
class Summary:
    """What the session did and what comes next."""

    answered: int  # answers given, learning steps included
    again: int
    buried: int
    elapsed: timedelta
    due_left: int
    next_due: datetime | None
    cards: int = 0  # distinct cards answered (what `--limit N` counts)
    seen_any: bool = True  # whether the decks hold any card ever answered (else nothing can be scheduled yet)

    @property
    def again_rate(self) -> float:
        """Share of answers rated `again`."""
        return self.again / self.answered if self.answered else 0.0


@dataclass
class ReviewSession:
    """One sitting of reviews over some decks. Drive it with reveal/answer/undo/bury/save_notes."""

    store: ReviewStore
    workspace: Workspace
    decks: list[DeckDay]
    queue: ReviewQueue
    clock: Callable[[], datetime]
    plans: dict[str, StudyPlan]
    phase: Phase = Phase.FRONT
    current: ShownCard | None = None
    notice: str = ""
    answered: int = 0
    again: int = 0
    buried: int = 0
    started: datetime | None = None
    _history: list[_Done] = field(default_factory=list)
    _answers: Counter[tuple[str, str]] = field(default_factory=Counter)  # answers this session, per card
    _schedulers: dict[str, fsrs.Scheduler] = field(default_factory=dict)
    _concepts: dict[str, ConceptIndex] = field(default_factory=dict)
    # The deck files as the last mirror refresh found them, and the errors it found (`_reread_changed_decks`).
    _deck_stats: dict[str, tuple[str, int, int]] | None = None  # by file name
    _deck_errors: list[StudyprepError] = field(default_factory=list)
    # Decks left out because their file cannot be read (by slug, with the error): said on the first card.
    skipped: dict[str, StudyprepError] = field(default_factory=dict)
    limit: int | None = None  # `--limit N`: at most N cards this session (their learning steps included)
    new_limit: int | None = None  # `--new N`: the new cards this session may introduce
    only: set[tuple[str, str]] | None = None  # a filtered session's cards (`practice.chosen_cards`)
    ahead: bool = False  # studying ahead of the schedule (`study_ahead`)
    # False for a scripted (piped) session: its answer times are not the user's, so they are logged without a
    # duration and never count towards the pace that turns a minutes budget into answers.
    timed: bool = True

    def start(self) -> None:
        """Show the first card (or finish at once if nothing is due)."""
        self.started = self.clock()
        self.notice = self.skipped_notice()
        self._advance()

    def skipped_notice(self) -> str:
        """What the session says of the decks it left out ("" when none was)."""
        if not self.skipped:
            return ""
        names = ", ".join(sorted(self.skipped))
        return (
            f"left out {names}: its deck file cannot be read (`studyprep check` names the line)"
            if len(self.skipped) == 1
            else f"left out {names}: their deck files cannot be read (`studyprep check` names the lines)"
        )

    # -- actions ----------------------------------------------------------------------------------------

    def reveal(self) -> None:
        """Turn the card over."""
        if self.phase is Phase.FRONT and self.current is not None:
            self.phase = Phase.BACK

    def intervals(self) -> dict[int, timedelta]:
        """What each rating would schedule for the card on screen, right now."""
        shown = self._require_card()
        state = shown.stored.card if shown.stored else None
        return preview(self._scheduler(shown.entry.deck), shown.entry.deck, shown.card.card_id, state, self.clock())

    def answer(self, rating: int) -> None:
        """Rate the card on screen (1 again, 2 hard, 3 good, 4 easy); committed before the next card shows."""

        shown = self._require_card()
        if rating not in (1, 2, 3, 4):
            raise StudyprepError(f"rating must be 1-4, got {rating}")
        now = self.clock()
        deck, card_id = shown.entry.key
        duration = (
            min(max(int((now - shown.shown_at).total_seconds() * 1000), 0), MAX_ANSWER_MS) if self.timed else None
        )
        state = shown.stored.card if shown.stored else None
        after = review(self._scheduler(deck), deck, card_id, state, rating, now, duration)
        try:
            log_id = self.store.record_answer(deck, card_id, rating, now, duration, shown.stored, after)
        except ConflictError as conflict:
            self.queue.remove(shown.entry.key)
            self.notice = conflict.message
            self._advance()
            return
        self.queue.remove(shown.entry.key)
        self.queue.spend(deck)
        if after.state in (State.Learning, State.Relearning) and after.due < self._deck(deck).day_end:
            self.queue.add_learning(deck, card_id, after.due, steps_owed(self._scheduler(deck), after))
        self._history.append(_Done("answer", shown.entry, log_id, rating))
        self._answers[shown.entry.key] += 1
        self.answered += 1
        self.again += rating == 1
        self.notice = ""
        self._advance()

    def bury(self) -> None:
        """Hide the card on screen until the next study day."""
        shown = self._require_card()
        deck, card_id = shown.entry.key
        self.store.bury(deck, card_id, self._deck(deck).day_end)
        self.queue.remove(shown.entry.key)
        self._history.append(_Done("bury", shown.entry))
        self.buried += 1
        self.notice = "buried until tomorrow"
        self._advance()

    def suspend(self) -> None:
        """Suspend the card on screen (`suspended: true` in its deck file) and go on; `undo` takes it back."""
        shown = self._require_card()
        deck, card_id = shown.entry.key
        self._set_suspended(deck, card_id, True)
        self.queue.remove(shown.entry.key)
        self._history.append(_Done("suspend", shown.entry))
        self.notice = "suspended (u takes it back; `studyprep unsuspend` later)"
        self._advance()

    def flag(self) -> None:
        """Flag the card on screen to come back to it (`studyprep cards --state flagged`), or take the flag off."""
        shown = self._require_card()
        deck, card_id = shown.entry.key
        flagged = (deck, card_id) not in self.store.flagged()
        self.store.set_flag(deck, card_id, flagged, self.clock())
        self._history.append(_Done("flag", shown.entry, rating=int(flagged)))
        self.notice = "flagged" if flagged else "flag taken off"

    def undo(self) -> bool:
        """Take back the last answer, bury, suspend or flag and show that card again; False if there is nothing to
        undo."""
        if not self._history:
            self.notice = "nothing to undo"
            return False
        last = self._history.pop()
        deck, card_id = last.entry.key
        if last.action == "flag":
            self.store.set_flag(deck, card_id, not last.rating, self.clock())
            self.notice = "flag undone"
            return True
        if last.action == "answer":
            try:
                self.store.undo_answer(last.log_id)
            except ConflictError as conflict:
                self.notice = conflict.message
                return False
            self.answered -= 1
            self._answers[last.entry.key] -= 1
            self.again -= last.rating == 1
            self.queue.spend(deck, -1)
        elif last.action == "suspend":
            self._set_suspended(deck, card_id, False)
        else:
            self.store.unbury(deck, card_id)
            self.buried -= 1
        self.queue.put_back(last.entry)
        self.notice = "undone"
        self._show(last.entry)
        return True

    def save_notes(self, text: str) -> None:
        """Store new notes for the card on screen in its deck file (atomically) and in the mirror."""
        from studyprep.cards.models import normalize_notes
        from studyprep.store.cardedit import set_card_fields

        shown = self._require_card()
        deck_slug, card_id = shown.entry.key
        set_card_fields(self.workspace, deck_slug, [card_id], self.store, notes=normalize_notes(text))
        card = self.store.card(deck_slug, card_id) or shown.card
        self.current = ShownCard(shown.entry, card, shown.stored, shown.related, shown.shown_at)
        self.notice = "notes saved"

    def _set_suspended(self, deck: str, card_id: str, suspended: bool) -> None:
        from studyprep.store.cardedit import set_card_fields

        set_card_fields(self.workspace, deck, [card_id], self.store, suspended=suspended)

    def finish(self) -> Summary:
        """End the session and say what was done and what is due next."""
        self.phase = Phase.DONE
        self.current = None
        # The same counts as `studyprep due` (deadline decks counted as their plan serves them).

        now = self.clock()
        counts = counts_for(self.store, self.decks, now)
        due_left = sum(deck.total for deck in counts)
        moments = (_next_moment(deck, self._deck(deck.deck), now) for deck in counts if deck.next_due)
        next_due = min((moment for moment in moments if moment is not None), default=None)
        cards = self.cards_done()
        seen_any = next_due is not None or any(self.store.deck_states(deck.slug) for deck in self.decks)
        return Summary(self.answered, self.again, self.buried, self.elapsed(), due_left, next_due, cards, seen_any)

    def can_study_ahead(self) -> bool:
        """Whether any card seen before could be studied ahead (cheap: the ranking waits for `study_ahead`)."""
        return any(
            (deck.slug, card_id) not in self._answered() and (self.only is None or (deck.slug, card_id) in self.only)
            for deck in self.decks
            for card_id, state in self.store.card_states(deck.slug).items()
            if state is not None
        )

    def study_ahead(self, limit: int) -> int:
        """Go on with up to `limit` cards ahead of the schedule, best first (`practice.ahead_entries`); real FSRS
        reviews. Today's due cards, if any, are left for plain `review`; returns how many cards are queued."""
        now = self.clock()
        entries = ahead_entries(self.store, self.decks, self.plans, now, limit, self.only, self._answered())
        self.queue = ReviewQueue(learning=self.queue.learning, reviews=Lane(entries))
        self.ahead = True
        self.limit = None
        if not entries:
            self.notice = "nothing to study ahead: no card has been seen yet"
        self._advance()
        return len(entries)

    def _answered(self) -> set[tuple[str, str]]:
        return {key for key, answers in self._answers.items() if answers > 0}

    def cards_done(self) -> int:
        """Distinct cards answered this session (an answer taken back uncounts its card)."""
        return sum(1 for answers in self._answers.values() if answers > 0)

    def done_message(self) -> str:
        """Why the queue is empty: the session's `--limit` reached, or nothing left due now."""
        if self.ahead:
            return "No more cards to study ahead in this session."
        if self.new_limit is not None:  # new cards may still be due today: say what held them back
            return f"No more cards within this session's --new {self.new_limit}."
        if not self._history:
            return "Nothing due right now."
        if self.limit is not None and self.cards_done() >= self.limit:
            return f"Limit reached: {count(self.limit, 'card')} this session (--limit {self.limit})."
        return "No more cards due right now."

    # -- views ------------------------------------------------------------------------------------------

    def progress(self) -> Progress:
        """Done / left / repeats / elapsed for the live line."""
        repeats = sum(1 for entry in self.queue.learning if self._answers[entry.key] > 0)
        return Progress(self.answered, len(self.queue) - repeats, self.elapsed(), repeats)

    @property
    def can_undo(self) -> bool:
        """Whether there is an answer or bury of this session to take back."""
        return bool(self._history)

    def elapsed(self) -> timedelta:
        """Time since the session started."""
        return self.clock() - self.started if self.started else timedelta(0)

    # -- internals --------------------------------------------------------------------------------------

    def _advance(self) -> None:
        self.store.replay_pending(self.workspace)
        while True:
            entry = self.queue.next(self.clock())
            if entry is None:
                self.phase = Phase.DONE
                self.current = None
                return
            self._reread_changed_decks(entry.deck)
            if self._show(entry):
                return
            self.queue.remove(entry.key)  # gone from the mirror meanwhile (retired by an import)

    def _reread_changed_decks(self, deck: str) -> None:
        """Mirror deck files changed since the session began (an import, a hand edit) before showing a card of
        `deck`, so that a card retired meanwhile is not shown. A file broken meanwhile keeps its last version for
        the session, and the notice says so (`check` names the line); the other files are mirrored still, and a
        broken file of a deck outside the session goes unsaid.

        Only the file of the card about to be shown is looked at (one `stat`, the same size and mtime as the
        last refresh found: nothing to do), and a change there refreshes every file: a card of another deck is
        looked at again before it is shown. Scanning every deck file on every answer was a fifth of its time."""
        name = self.workspace.deck_path(deck).name
        if self._deck_stats is not None and deck_file_stat(self.workspace, deck) == self._deck_stats.get(name):
            errors = self._deck_errors  # unchanged, or still gone (its cards left the mirror at that refresh)
        else:
            errors = []
            self.store.refresh_mirror(self.workspace, errors)
            self._deck_stats = {stat[0]: stat for stat in deck_file_stats(self.workspace)}
            self._deck_errors = errors
        slugs = {deck.slug for deck in self.decks}
        for error in errors:
            if error.path is not None and Path(error.path).stem in slugs:
                self.notice = f"kept the deck as it was: {error}"
                break

    def _show(self, entry: QueueEntry) -> bool:
        card = self.store.card(*entry.key)
        if card is None or not card.active:
            return False
        stored = self.store.get_state(*entry.key)
        self.current = ShownCard(entry, card, stored, self._related(card), self.clock())
        self.phase = Phase.FRONT
        return True

    def _require_card(self) -> ShownCard:
        if self.current is None:
            raise StudyprepError("no card on screen")
        return self.current

    def _deck(self, slug: str) -> DeckDay:
        return next(deck for deck in self.decks if deck.slug == slug)

    def _scheduler(self, slug: str) -> fsrs.Scheduler:
        if slug not in self._schedulers:
            self._schedulers[slug] = scheduler_for(self.plans[slug])
        return self._schedulers[slug]

    def _related(self, card: MirrorCard) -> list[MirrorCard]:
        if card.kind != "question":
            return []
        if card.deck not in self._concepts:
            concepts = self.store.concepts(card.deck)
            questions = self.store.question_texts(card.deck) if concepts else []
            self._concepts[card.deck] = ConceptIndex(concepts, questions)
        return self._concepts[card.deck].mentioned_in(f"{card.prompt}\n{card.context}")


def _next_moment(counts: DeckDue, day: DeckDay, now: datetime) -> datetime | None:
    """When a deck next has a card for review. A deadline deck with nothing left today may hold cards FSRS calls
    due that its plan leaves alone (safe for the day): its next chance is tomorrow's plan, not "now"."""
    if counts.next_due is not None and counts.next_due <= now and not counts.total and day.plan is not None:
        return day.day_end
    return counts.next_due


class ConceptIndex:
    """A deck's concept cards, indexed by the first word of each name so a lookup costs per word, not per concept.

    A question shows a concept as related only when it names the concept: a whole phrase of its name (the name, or a
    part of a compound one: "sagas" of "Two-phase commit vs sagas"), as whole words, singular or plural; and only
    when that phrase is distinctive in the deck: a name most of the deck's questions say ("services",
    "documentation") tells nothing about this one. A phrase of several words or a term written as one (DNS, gRPC,
    OAuth2) may come up in a quarter of the questions; a plain word in one in twenty (in one, in a small deck).
    At most `MAX_RELATED` are shown, the most distinctive, in document order.
    """

    def __init__(self, concepts: list[MirrorCard], questions: list[str] | None = None) -> None:
        self._by_first_word: dict[str, list[tuple[str, bool, MirrorCard]]] = {}
        for concept in concepts:
            for name, termlike in _concept_names(concept):
                words = _WORD.findall(name)
                if words:
                    self._by_first_word.setdefault(words[0], []).append((name, termlike, concept))
        self._questions = [text.casefold() for text in questions or []]
        self._frequency: dict[str, int] = {}

    def mentioned_in(self, text: str) -> list[MirrorCard]:
        """The concepts `text` names distinctively (at most `MAX_RELATED`), in document order."""
        haystack = text.casefold()
        found: dict[str, tuple[tuple[int, int], MirrorCard]] = {}
        for word in set(_WORD.findall(haystack)):
            for name, termlike, concept in self._by_first_word.get(word, ()):
                # The plain substring test is cheap and rules out most candidates before the regex.
                if name not in haystack or not _mentions(haystack, name):
                    continue
                frequency = self._questions_naming(name)
                if not self._distinctive(name, termlike, frequency):
                    continue
                rank = (frequency, -len(name))
                if concept.card_id not in found or rank < found[concept.card_id][0]:
                    found[concept.card_id] = (rank, concept)
        chosen = sorted(found.values(), key=lambda pair: (pair[0], pair[1].position))[:MAX_RELATED]
        return sorted((concept for _, concept in chosen), key=lambda concept: concept.position)

    def _questions_naming(self, name: str) -> int:
        if name not in self._frequency:
            self._frequency[name] = sum(1 for text in self._questions if name in text and _mentions(text, name))
        return self._frequency[name]

    def _distinctive(self, name: str, termlike: bool, frequency: int) -> bool:
        share = PHRASE_SHARE if termlike or len(_WORD.findall(name)) > 1 else WORD_SHARE
        return frequency <= max(1, math.floor(len(self._questions) * share))


MAX_RELATED = 3
PHRASE_SHARE = 0.25  # a phrase or a written term: at most in a quarter of the deck's questions
WORD_SHARE = 0.05  # a plain word: at most in one question in twenty (one question in a small deck)
_TERMLIKE = re.compile(r"\w[A-Z]|^[A-Z]{2}|\d|\w[+#.\-]\w|[+#]$")


def _concept_names(concept: MirrorCard) -> set[tuple[str, bool]]:
    """The phrases that name a concept (casefolded), each with whether it is written as a term (DNS, gRPC)."""
    names = set()
    for part in [concept.prompt, *_CONCEPT_SEPARATORS.split(concept.prompt)]:
        written = part.strip(" .:-")
        name = written.casefold()
        if len(name) < 3:
            continue
        termlike = bool(_TERMLIKE.search(written))
        names.add((name, termlike))
        if name.endswith("s") and len(name) > 4:
            names.add((name[:-1], termlike))
    return names


def _mentions(haystack: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}s?(?!\w)", haystack) is not None
