"""Studying on the phone and in the terminal in turn: days in Anki between exchanges, with the real `anki` library.

Five days of terminal review; an export with progress, imported into a collection with FSRS on ("Import any
learning progress"); four days of study in Anki through its own scheduler (the collection's moments move a day
back for each day that passes, see `anki_helpers.AnkiDays`), with answers typed into some cards' Notes there
and others written in studyprep meanwhile; a pull; three more terminal days; an export with progress, imported
into the same collection. Then every answer is in studyprep's history exactly once, `stats` counts each card
new once, memory states and due days agree, both sides' notes are kept, and a pull adds nothing.

What Anki cannot take: an import never changes the schedule or history of a card the collection has (checked
here too), so terminal answers given after Anki has a card stay in studyprep until Anki's own answers catch up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")

from anki_helpers import AnkiDays, anki_deck_name, card_for_guid, import_package, open_collection, study_in_anki
from review_helpers import SLUG, Clock, make_workspace, session_at

from studyprep.anki import model as anki_model
from studyprep.anki.answers import NotesOutcome
from studyprep.anki.html import field_html
from studyprep.anki.progress import revlog_id
from studyprep.commands.anki_pull import pull_reviews
from studyprep.commands.export import export_decks
from studyprep.commands.stats_cmd import review_stats
from studyprep.store.db import open_store
from studyprep.store.deckstore import load_deck, save_deck
from studyprep.store.workspace import Workspace

SECONDS_PER_ANSWER = 9  # a person reads the card and thinks: no two answers share a millisecond
TERMINAL_DAYS_BEFORE, ANKI_DAYS, TERMINAL_DAYS_AFTER = 5, 5, 3
PHONE_NOTES = "typed on the phone: <b>SYN</b> first<div>then the window doubles</div>"
DAY = 86_400


def test_days_in_anki_between_exchanges_keep_one_history(tmp_path: Path) -> None:
    clock = Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=30))
    workspace = make_workspace(tmp_path, now=clock.now, fuzz=False)  # due days the same on every run
    cards = [card.id for card in load_deck(workspace, SLUG).cards]
    phone_only, both, here_only = cards[1:4]
    guid = {card_id: anki_model.note_guid(SLUG, card_id) for card_id in cards}
    for day in range(TERMINAL_DAYS_BEFORE):
        study_in_terminal(workspace, clock, again_first=day == 2)
        clock.advance(days=1)
    first = export_decks(workspace, [SLUG], tmp_path / "one.apkg", clock.now, with_progress=True)

    col = open_collection(tmp_path / "anki")
    try:
        col.set_config("fsrs", True)
        days = AnkiDays(col, clock.now)
        with days.calendar():
            import_package(col, first.path, with_scheduling=True)
        assert_schedules_agree(col, workspace, guid, clock.now)  # as the export carried them
        in_anki, failed_in_anki = 0, []
        for day in range(ANKI_DAYS):
            days.next_day()
            fails = again_once(lambda card, day=day: (card.id + day) % 3 == 0, failed_in_anki)
            in_anki += study_in_anki(col, anki_deck_name(load_deck(workspace, SLUG)), fails)
            if day == 1:
                for card_id, notes in ((phone_only, PHONE_NOTES), (both, "phone's answer")):
                    note = card_for_guid(col, guid[card_id]).note()
                    note["Notes"] = notes
                    col.update_note(note)
        assert in_anki >= len(cards) // 2 and failed_in_anki  # cards came due in Anki, some forgotten and relearnt
        set_notes(workspace, {both: "terminal's answer", here_only: "written in studyprep"})
        anki_history = revlog_in_calendar(col, days, guid)

        clock.now = days.now()
        source = days.export(tmp_path / "phone.colpkg")
        pulled = pull_reviews(workspace, source, clock.now)
        assert pulled.added == in_anki and pulled.already_known == sum(map(len, anki_history.values())) - in_anki
        assert {(n.card_id, n.outcome) for n in pulled.notes} == {
            (phone_only, NotesOutcome.TAKEN),
            (both, NotesOutcome.BOTH),
        }
        assert pull_reviews(workspace, source, clock.now).added == 0
        # Every answer, given in either place, is in studyprep's history exactly once, as Anki has it.
        assert studyprep_history(workspace) == anki_history
        assert_counted_new_once(workspace, clock.now, len(cards))
        assert_schedules_agree(col, workspace, guid, clock.now)  # one history: one schedule
        in_anki_before = anki_schedules(col, guid)

        for _ in range(TERMINAL_DAYS_AFTER):
            clock.advance(days=1)
            study_in_terminal(workspace, clock)
        second = export_decks(workspace, [SLUG], tmp_path / "two.apkg", clock.now, with_progress=True)
        days.next_day(TERMINAL_DAYS_AFTER)
        with days.calendar():
            log = import_package(col, second.path, with_scheduling=True)
        assert len(log.updated) == 3  # the three notes whose Notes changed: Anki takes them

        # An import leaves a card Anki has as it was: its history, memory state and due day.
        assert revlog_in_calendar(col, days, guid) == anki_history
        days.next_day(-TERMINAL_DAYS_AFTER)  # Anki's clock as it was, to read due days the same way
        assert anki_schedules(col, guid) == in_anki_before
        days.next_day(TERMINAL_DAYS_AFTER)
        notes = {card.id: card.notes for card in load_deck(workspace, SLUG).cards}
        assert notes[phone_only] == "typed on the phone: **SYN** first\nthen the window doubles"
        assert notes[both].startswith("terminal's answer\n\n--- written in Anki") and notes[both].endswith("answer")
        assert notes[here_only] == "written in studyprep"
        for card_id in (phone_only, both, here_only):
            assert card_for_guid(col, guid[card_id]).note()["Notes"] == field_html(notes[card_id])
        assert_counted_new_once(workspace, clock.now, len(cards))

        again = pull_reviews(workspace, days.export(tmp_path / "again.colpkg"), clock.now)
        assert again.added == 0 and again.notes == []  # a pull right after adds nothing
    finally:
        col.close()


def study_in_terminal(workspace: Workspace, clock: Clock, again_first: bool = False) -> int:
    """One terminal session at the clock's time: each card shown answered good, or again the first time it is
    shown when `again_first` (good when it comes back); returns how many answers."""
    failed: set[str] = set()
    answers = 0
    with session_at(workspace, clock) as session:
        while session.current is not None:
            card_id = session.current.card.card_id
            clock.advance(seconds=SECONDS_PER_ANSWER)
            session.reveal()
            session.answer(1 if again_first and card_id not in failed else 3)
            failed.add(card_id)
            answers += 1
    return answers


def again_once(fails: Callable, failed: list[int]) -> Callable:
    """Ratings for one day in Anki: again the first time a card that `fails(card)` is shown, else good; the ids
    of the cards failed are added to `failed`."""
    today: set[int] = set()

    def rating(card) -> int:
        if fails(card) and card.id not in today:
            today.add(card.id)
            failed.append(card.id)
            return 1
        return 3

    return rating


def set_notes(workspace: Workspace, notes: dict[str, str]) -> None:
    deck = load_deck(workspace, SLUG)
    save_deck(workspace, deck.but(cards=[card.but(notes=notes.get(card.id, card.notes)) for card in deck.cards]))


def revlog_in_calendar(col, days: AnkiDays, guid: dict[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Each card's Anki history as (revlog id in the test's calendar, button), oldest first."""
    history = {}
    for card_id, note_guid in guid.items():
        rows = col.db.all("select id, ease from revlog where cid = ? order by id", card_for_guid(col, note_guid).id)
        history[card_id] = [(revlog + days.ahead * 1000, ease) for revlog, ease in rows]
    return history


def studyprep_history(workspace: Workspace) -> dict[str, list[tuple[int, int]]]:
    """Each card's studyprep history as Anki would have it: (revlog id, button), oldest first."""
    with open_store(workspace) as store:
        return {
            card.id: sorted((revlog_id(log), log.rating) for log in store.review_logs(SLUG, card.id))
            for card in load_deck(workspace, SLUG).cards
        }


def assert_counted_new_once(workspace: Workspace, now: datetime, studied: int) -> None:
    with open_store(workspace) as store:
        for card in load_deck(workspace, SLUG).cards:
            assert sum(log.was_new for log in store.review_logs(SLUG, card.id)) == 1, card.id
    assert review_stats(workspace, now).total.new == studied


def assert_schedules_agree(col, workspace: Workspace, guid: dict[str, str], now: datetime) -> None:
    """Anki's FSRS memory state and due day match studyprep's for every card: the state within Anki's rounding;
    the due day within a day when studyprep scheduled the last answer (the export carried it), within Anki's fuzz
    when Anki did (studyprep replays the answer without fuzz; Anki moves an interval by up to a day and some 15 %
    of it, doubled here for the day boundaries)."""
    with open_store(workspace) as store:
        states = store.deck_states(SLUG)
        last_in_anki = {card_id: store.review_logs(SLUG, card_id)[-1].source == "anki" for card_id in states}
    assert states.keys() == guid.keys()
    for card_id, state in states.items():
        card = card_for_guid(col, guid[card_id])
        assert card.memory_state is not None, card_id
        assert card.memory_state.stability == pytest.approx(state.stability, rel=1e-3), card_id
        assert card.memory_state.difficulty == pytest.approx(state.difficulty, rel=1e-3), card_id
        if state.state.name != "Review":
            assert card.queue in (1, 3), card_id  # (re)learning in both
            continue
        assert card.queue == 2, card_id
        studyprep_days = (state.due - now).total_seconds() / DAY
        anki_days = card.due - col.sched.today
        interval = (state.due - state.last_review).total_seconds() / DAY
        tolerance = 2 * (1 + 0.15 * interval) if last_in_anki[card_id] else 1
        assert abs(anki_days - studyprep_days) <= tolerance, (card_id, anki_days, studyprep_days, interval)


def anki_schedules(col, guid: dict[str, str]) -> dict[str, tuple]:
    """Each card's schedule in Anki: memory state, queue, due (relative to Anki's today), interval, reps, lapses."""
    schedules = {}
    for card_id, note_guid in guid.items():
        card = card_for_guid(col, note_guid)
        memory = (card.memory_state.stability, card.memory_state.difficulty) if card.memory_state else None
        due = card.due - col.sched.today if card.queue == 2 else card.due
        schedules[card_id] = (memory, card.queue, due, card.ivl, card.reps, card.lapses)
    return schedules
