"""`studyprep anki-pull`: bring reviews done in Anki (desktop or phone) back into studyprep's review log.

Reads an Anki collection - a `.colpkg` backup/export, an `.apkg` exported *with scheduling information*,
or a `collection.anki2` file - without changing it. Notes that came from studyprep are recognised by their
guid (see `anki_model.note_guid`); their reviews are appended to the review log with the revlog id as an
external id, so pulling the same collection twice adds nothing. Each touched card's FSRS state is then
rebuilt by replaying its merged log (studyprep and Anki reviews) in time order. Reviews of other notes are
counted and reported, never imported.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyprep.anki.answers import NotesOutcome, NotesPull, merge_notes
from studyprep.anki.collection import (
    AnkiHistory,
    AnkiReview,
    TerminatedError,
    read_history,
    removed_on_termination,
)
from studyprep.anki.exchange import DeckExchange, NoteRecord, load_exchange, save_exchange
from studyprep.anki.model import anki_tags, note_guid, tags_added_in_anki
from studyprep.cards.models import Card, Deck
from studyprep.progress import ProgressCallback, counted, no_progress
from studyprep.result import as_objects, json_field
from studyprep.store.cardedit import changed, rewrite_deck
from studyprep.store.db import back_up_before, open_store, to_us
from studyprep.store.deckstore import DeckReader, RememberingReader, read_deck_file, read_decks
from studyprep.store.workspace import Workspace
from studyprep.wording import count

if TYPE_CHECKING:
    import fsrs

    from studyprep.schedule.scheduling import StepReplay
    from studyprep.store.db import ReviewStore

SOURCE_ANKI = "anki"
# Answers written per transaction (whole cards): a million of them in one held the review database's write lock
# for a minute, and a review waiting for it gives up after 5 s. At 5,000 a chunk holds it for about a quarter of a
# second on a loaded machine (median; 0.86 s at 20,000), and the whole write cost the same CPU (bench/anki_pull.py).
CHUNK_ANSWERS = 5_000
# Between chunks the lock is let go this long: another writer waiting in SQLite's busy handler polls every 1 to
# 100 ms, and with the next chunk begun at once it never got in (a probing writer waited 4.7 s).
WRITERS_TURN_SECONDS = 0.05
# Each chunk's answers are spread over the whole by-day index of the log: kept in memory, its pages are read once.
CACHE_MEGABYTES = 256
__all__ = [
    "SOURCE_ANKI",
    "AnkiHistory",
    "AnkiReview",
    "PullResult",
    "PulledNotes",
    "guid_map",
    "pull_notes",
    "pull_reviews",
    "read_history",
]


@dataclass
class PulledCard:
    """One studyprep card that received reviews from Anki, with its rebuilt schedule."""

    deck: str
    card_id: str
    prompt: str
    added: int
    due: datetime | None
    state: str


@dataclass(frozen=True)
class PulledNotes:
    """A card whose notes changed in Anki: taken (only Anki changed) or kept both (both changed)."""

    deck: str
    card_id: str
    prompt: str
    outcome: NotesOutcome


@dataclass
class PullResult:
    """Outcome of `anki-pull`."""

    path: Path
    pulled_at: datetime
    studyprep_notes: int = 0
    added: int = 0
    already_known: int = 0
    unknown_reviews: int = 0
    unknown_notes: int = 0
    skipped_other: int = 0
    cards: list[PulledCard] = field(default_factory=list)
    hint: str = ""
    # Decks whose file cannot be read: their reviews are not pulled yet.
    skipped_decks: dict[str, str] = field(
        default_factory=dict, metadata=json_field(convert=as_objects("deck", "error"))
    )
    notes: list[PulledNotes] = field(default_factory=list)  # answers written in Anki, brought into deck files
    tags_added: int = 0  # tags added to studyprep's notes in Anki, brought into the cards' tags


def pull_reviews(
    workspace: Workspace, path: Path, now: datetime, progress: ProgressCallback = no_progress
) -> PullResult:
    """Append the Anki reviews of studyprep cards found in `path` and rebuild those cards' FSRS state.

    The collection is read and checked in full first; then every answer is replayed outside any lock, and only
    the result is written, a few thousand answers at a time (`CHUNK_ANSWERS`), each card whole: its new answers
    and its replayed state in one short transaction. SIGTERM on the way leaves no temp file behind (see
    `anki_collection.removed_on_termination`), nor a card half-pulled: before the first chunk is written, nothing
    is; later, the cards written stay, and pulling again brings in the rest. `progress` hears each step, and each
    deck whose notes are pulled.
    """
    with removed_on_termination():
        progress("reading the decks")
        read = RememberingReader()  # read again to pull notes: an unchanged file is not parsed twice
        decks, broken = read_decks(workspace, read)  # a broken deck file keeps only its own reviews out, until fixed
        mapping = guid_map(decks)
        progress(f"reading {path.name}")
        history = read_history(path, now, notes_of=frozenset(mapping))
        answers = [review for review in history.reviews if review.is_answer]
        result = _summary(path, now, history, answers, mapping)
        result.skipped_decks = {slug: error.render() for slug, error in sorted(broken.items())}
        ours = [review for review in answers if review.guid in mapping]
        if ours:
            prompts = {(deck.slug, card.id): card.prompt for deck in decks for card in deck.cards}
            back_up_before(workspace, "anki-pull", now)  # the history as it was, should the pull prove wrong
            progress(f"replaying {count(len(ours), 'review')}")
            _store_reviews(workspace, ours, mapping, result, progress)
            for card in result.cards:
                card.prompt = prompts[(card.deck, card.card_id)]
        result.notes, result.tags_added = pull_notes(workspace, history, mapping, now, progress, read)
    return result


def pull_notes(
    workspace: Workspace,
    history: AnkiHistory,
    mapping: dict[str, tuple[str, str]],
    now: datetime,
    progress: ProgressCallback = no_progress,
    read: DeckReader = read_deck_file,
) -> tuple[list[PulledNotes], int]:
    """Bring the Notes field of studyprep's notes in `history` into the deck files' `notes` (see `anki.answers`),
    and the tags added to them in Anki into the cards' `tags` (so an export, which replaces a note's tags, keeps
    them); record the exchange. Return the cards whose notes changed, and how many tags were added. `progress`
    hears each deck done; each deck file is read (under the deck lock) with `read`."""
    by_deck: dict[str, _DeckFromAnki] = defaultdict(_DeckFromAnki)
    for guid, anki_field in history.notes_fields.items():
        slug, card_id = mapping[guid]
        by_deck[slug].fields[card_id] = anki_field
    for guid, tags in history.notes_tags.items():
        slug, card_id = mapping[guid]
        by_deck[slug].tags[card_id] = tags
    exchange = load_exchange(workspace)
    pulled: list[PulledNotes] = []
    tags_added = 0
    for slug, from_anki in counted(sorted(by_deck.items()), "pulling notes", len(by_deck), progress):
        cards, added, record = _pull_deck_notes(workspace, slug, from_anki, exchange.deck(slug), now, read)
        pulled += cards
        tags_added += added
        exchange = exchange.but(slug, record)
    if by_deck:
        save_exchange(workspace, exchange)
    return pulled, tags_added


@dataclass
class _DeckFromAnki:
    """What Anki holds of one deck's notes: each card's Notes field and tags."""

    fields: dict[str, str] = field(default_factory=dict)
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _pull_deck_notes(
    workspace: Workspace,
    slug: str,
    from_anki: _DeckFromAnki,
    previous: DeckExchange,
    now: datetime,
    read: DeckReader = read_deck_file,
) -> tuple[list[PulledNotes], int, DeckExchange]:
    """One deck's notes and tags merged in (the deck file as read under its lock, with `read`, decides), how many
    tags were added, and its new exchange record. A deck none of whose cards changes is not written."""
    merges: dict[str, NotesPull] = {}
    added: dict[str, list[str]] = {}

    def change(deck: Deck) -> list[Card] | None:
        merges.clear()
        merges.update(_merges(deck, from_anki.fields, previous, now))
        added.clear()
        added.update(_added_tags(deck, from_anki.tags))
        cards = [_with_pulled(card, merges, added.get(card.id, []), changed) for card in deck.cards]
        return None if all(new is old for new, old in zip(cards, deck.cards, strict=True)) else cards

    deck = rewrite_deck(workspace, slug, change, read=read)
    taken = [card for card in deck.cards if _takes(merges, card)]
    cards = [PulledNotes(slug, card.id, card.prompt, merges[card.id].outcome) for card in taken]
    return cards, sum(map(len, added.values())), _recorded(previous, merges, now)


def _with_pulled(card: Card, merges: dict[str, NotesPull], tags: list[str], changed: Any) -> Card:
    """The card with its merged notes (when Anki's changed them) and the tags added in Anki."""
    updates: dict[str, Any] = {}
    if _takes(merges, card):
        updates["notes"] = merges[card.id].notes
    if tags:
        updates["tags"] = [*card.tags, *tags]
    return changed(card, **updates) if updates else card


def _added_tags(deck: Deck, tags: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Per card, the tags its note has in Anki that an export of it would not write: added there by the user."""
    added = {}
    for card in deck.cards:
        if card.id in tags:
            exported = anki_tags(card.kind, card.category, card.tags, card.suspended, card.retired is not None)
            new = tags_added_in_anki(exported, tags[card.id])
            if new:
                added[card.id] = new
    return added


def _merges(deck: Deck, fields: dict[str, str], previous: DeckExchange, now: datetime) -> dict[str, NotesPull]:
    return {
        card.id: merge_notes(card.notes, fields[card.id], previous.cards.get(card.id), now)
        for card in deck.cards
        if card.id in fields
    }


def _takes(merges: dict[str, NotesPull], card: Card) -> bool:
    return card.id in merges and merges[card.id].outcome is not NotesOutcome.SAME


def _recorded(previous: DeckExchange, merges: dict[str, NotesPull], now: datetime) -> DeckExchange:
    """The deck's exchange record after a pull: each card's notes as now agreed, Anki's field as read."""
    cards = dict(previous.cards)
    for card_id, merge in merges.items():
        before = cards.get(card_id, NoteRecord())
        cards[card_id] = NoteRecord(before.fingerprint, before.modified, merge.notes, merge.anki_notes)
    return DeckExchange(previous.exported_at, now, cards)


def _summary(
    path: Path, now: datetime, history: AnkiHistory, answers: list[AnkiReview], mapping: dict[str, tuple[str, str]]
) -> PullResult:
    """What the collection holds (`answers`: its reviews that are answers), counted before anything is written."""
    result = PullResult(path=path, pulled_at=now)
    result.studyprep_notes = len(history.guids & mapping.keys())
    result.skipped_other = len(history.reviews) - len(answers)
    unknown = [review for review in answers if review.guid not in mapping]
    result.unknown_reviews = len(unknown)
    result.unknown_notes = len({review.guid for review in unknown})
    if not history.reviews:
        result.hint = (
            "this collection holds no reviews; export from Anki as a collection package (.colpkg) or as a deck"
            " package (.apkg) with 'Include scheduling information' ticked"
        )
    return result


def guid_map(decks: Iterable[Deck]) -> dict[str, tuple[str, str]]:
    """`guid -> (deck slug, card id)` for every card of every deck, retired ones included."""
    return {note_guid(deck.slug, card.id): (deck.slug, card.id) for deck in decks for card in deck.cards}


@dataclass(frozen=True)
class _CardWrite:
    """One card's part of a pull: its Anki answers not logged yet (in time order) and its state after them."""

    deck: str
    card_id: str
    new: tuple[AnkiReview, ...]
    first_is_new: bool  # no review of the card (logged or pulled) is older than the first new one
    was_logged: bool  # the card had answers logged already (later ones, when `first_is_new`)
    state: fsrs.Card | None
    last_log_id: int  # the card's newest log row when this was worked out (0: none): changed, it is worked out again
    known: int  # its pulled reviews already in the log (earlier pulls, or studyprep's own answers exported)


@dataclass(frozen=True)
class _Plan:
    """What one transaction of a pull writes: some cards' new answers and replayed states."""

    cards: tuple[_CardWrite, ...]


def _store_reviews(
    workspace: Workspace,
    reviews: list[AnkiReview],
    mapping: dict[str, tuple[str, str]],
    result: PullResult,
    progress: ProgressCallback,
) -> None:
    """Log the new answers and store the replayed states, a chunk of cards at a time (see `CHUNK_ANSWERS`)."""
    from studyprep.schedule.scheduling import StepReplay, scheduler_for
    from studyprep.store.plan import load_plan

    by_card: dict[tuple[str, str], list[AnkiReview]] = defaultdict(list)
    for review in reviews:  # already in revlog id (= time) order
        by_card[mapping[review.guid or ""]].append(review)
    replays = {deck: StepReplay(scheduler_for(load_plan(workspace, deck))) for deck in {deck for deck, _ in by_card}}
    with open_store(workspace) as store:
        store.cache_megabytes(CACHE_MEGABYTES)
        # Replaying a million answers takes a while: it is done before any lock is taken.
        planned = [_plan_card(store, replays[deck], deck, card_id, pulled)
                   for (deck, card_id), pulled in sorted(by_card.items())]  # fmt: skip
        written: list[_CardWrite] = []
        chunks = list(_chunks(planned))
        try:
            for chunk in counted(chunks, "writing the answers and states", len(chunks), progress):
                with store.transaction():
                    # A card another command wrote to meanwhile (an answer, another pull) is worked out again,
                    # inside the lock; the others are written as planned.
                    newest = store.last_log_ids([(card.deck, card.card_id) for card in chunk])
                    plan = _Plan(tuple(_still_current(store, replays[card.deck], card, by_card, newest)
                                       for card in chunk))  # fmt: skip
                    _write_plan(store, plan, result)
                written += plan.cards
                if chunk is not chunks[-1]:
                    time.sleep(WRITERS_TURN_SECONDS)
        except TerminatedError as stopped:
            if written:  # each card whole: its new answers and its state were written together
                signal_name = str(stopped).split(";", 1)[0]  # "stopped by SIGTERM"
                pulled = sum(1 for card in written if card.new)
                raise TerminatedError(f"{signal_name}; {count(pulled, 'card')} pulled whole before it, the rest"
                                      " not: pull again to bring them in") from None  # fmt: skip
            raise
    # A card worked out again inside the lock counts as it was written.
    result.already_known = sum(card.known for card in planned if not card.new) + sum(card.known for card in written)


def _chunks(cards: list[_CardWrite]) -> Iterator[list[_CardWrite]]:
    """The cards with new answers, in groups of about `CHUNK_ANSWERS` answers (a card is never split)."""
    chunk: list[_CardWrite] = []
    answers = 0
    for card in cards:
        if not card.new:
            continue
        chunk.append(card)
        answers += len(card.new)
        if answers >= CHUNK_ANSWERS:
            yield chunk
            chunk, answers = [], 0
    if chunk:
        yield chunk


def _still_current(
    store: ReviewStore,
    replay: StepReplay,
    card: _CardWrite,
    by_card: dict[tuple[str, str], list[AnkiReview]],
    newest: dict[tuple[str, str], int],
) -> _CardWrite:
    """`card` as planned, or worked out again when its log changed since (`newest`: each card's newest log row,
    read inside the write's transaction)."""
    if newest.get((card.deck, card.card_id), 0) == card.last_log_id:
        return card
    return _plan_card(store, replay, card.deck, card.card_id, by_card[card.deck, card.card_id])


def _plan_card(store: ReviewStore, replay: StepReplay, deck: str, card_id: str, pulled: list[AnkiReview]) -> _CardWrite:
    """What pulling `pulled` (the card's Anki answers, in time order) writes for this card, from its log as it is."""
    new = _not_logged(pulled, store.external_ids(deck, card_id, SOURCE_ANKI))
    if not new:  # a pull repeated: the card's log is not read at all
        return _CardWrite(deck, card_id, (), False, False, None, 0, len(pulled))
    logs = store.review_logs(deck, card_id)
    unexported = _not_exported(new, logs)  # an export --with-progress gave Anki studyprep's own answers
    known = len(pulled) - len(unexported)
    last_log_id = max((log.id for log in logs), default=0)
    if not unexported:
        return _CardWrite(deck, card_id, (), False, False, None, last_log_id, known)
    first_is_new = not any(log.reviewed_at <= unexported[0].reviewed_at for log in logs)
    state = _replayed(replay, deck, card_id, logs, unexported, store.forgotten_at(deck, card_id))
    return _CardWrite(deck, card_id, unexported, first_is_new, bool(logs), state, last_log_id, known)


def _not_exported(new: tuple[AnkiReview, ...], logs: list[Any]) -> tuple[AnkiReview, ...]:
    """The reviews that are not studyprep's own answers sent to Anki (their revlog id is their time in ms)."""
    from studyprep.anki.progress import is_exported_answer, revlog_id

    ours: dict[int, list[int]] = defaultdict(list)
    for log in logs:
        if log.source != SOURCE_ANKI:
            ours[log.rating].append(revlog_id(log))
    if not ours:
        return new
    for times in ours.values():
        times.sort()
    return tuple(review for review in new if not is_exported_answer(review.revlog_id, review.ease, ours))


def _not_logged(pulled: list[AnkiReview], logged: set[str]) -> tuple[AnkiReview, ...]:
    """The reviews whose external id is neither in the log nor earlier in `pulled` (a revlog id given twice)."""
    new: list[AnkiReview] = []
    for review in pulled:
        external = review.external_id()
        if external not in logged:
            logged.add(external)
            new.append(review)
    return tuple(new)


def _replayed(
    replay: StepReplay,
    deck: str,
    card_id: str,
    logs: list[Any],
    new: tuple[AnkiReview, ...],
    forgotten_at: datetime | None = None,
) -> fsrs.Card | None:
    """The card's state after its logged and new answers in time order (ties: logged first, as their ids are);
    a card sent back to new (`studyprep forget`) counts only the answers from that moment, as a replay of its
    log does (`scheduling.rebuild_card_state`): the log keeps the earlier ones."""
    if not logs and forgotten_at is None:  # the common case: nothing to merge
        return replay.replay_us(deck, card_id, ((review.reviewed_us, review.ease) for review in new))
    timeline = [(to_us(log.reviewed_at), 0, log.id, log.rating) for log in logs]
    timeline += [(review.reviewed_us, 1, index, review.ease) for index, review in enumerate(new)]
    timeline.sort()
    since = None if forgotten_at is None else to_us(forgotten_at)
    return replay.replay_us(
        deck, card_id, ((at, rating) for at, _, _, rating in timeline if since is None or at >= since)
    )


def _write_plan(store: ReviewStore, plan: _Plan, result: PullResult) -> None:
    """Append the plan's new answers and store each of its cards' replayed state (inside the caller's transaction)."""
    for card in plan.cards:
        if card.new and card.first_is_new and card.was_logged:  # studied in Anki first, then in the terminal
            store.unmark_new_after(card.deck, card.card_id, card.new[0].reviewed_at)  # new once only
    written = [card for card in plan.cards if card.new]
    before = store.newest_log_id()
    store.append_reviews_us(_log_rows(plan), source=SOURCE_ANKI)
    last_log_ids = store.newest_log_ids(before)  # each written card's newest row is one of its new answers
    store.replace_states([(card.deck, card.card_id, card.state, last_log_ids[card.deck, card.card_id])
                          for card in written])  # fmt: skip
    for card in written:
        due = card.state.due if card.state is not None else None
        kind = card.state.state.name.lower() if card.state is not None else "new"
        result.cards.append(PulledCard(card.deck, card.card_id, "", len(card.new), due, kind))
        result.added += len(card.new)


def _log_rows(plan: _Plan) -> list[tuple[str, str, int, int, int, bool, str]]:
    """`(deck, card id, rating, reviewed_at in epoch microseconds, duration_ms, was_new, external_id)` of every new
    answer, oldest first.

    In time order, not card by card: each index of the log then grows at its end (card by card, the by-day index
    took inserts all over and a million answers held the write lock for 45 s)."""
    rows = [
        (card.deck, card.card_id, review.ease, review.reviewed_us, review.duration_ms,
         card.first_is_new and review is card.new[0], review.external_id())
        for card in plan.cards
        for review in card.new
    ]  # fmt: skip
    rows.sort(key=itemgetter(3))  # each card's answers are already in order: a merge of runs
    return rows
