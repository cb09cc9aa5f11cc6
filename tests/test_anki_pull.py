"""`studyprep anki-pull`: reviews done in a real Anki collection come back into studyprep's review log."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW

from studyprep.anki import model as anki_model
from studyprep.cli import cli
from studyprep.commands.anki_pull import SOURCE_ANKI, guid_map, pull_reviews, read_history
from studyprep.commands.export import export_decks
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.schedule.scheduling import replay, scheduler_for
from studyprep.store.db import open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from anki.collection import Collection

ANKI_REASON = "the `anki` package (PyPI) has no wheel for this platform"

# -- reading collections without Anki: a hand-made collection with Anki's tables --------------------------

REVLOG_SCHEMA = """
CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, mid INTEGER, mod INTEGER, usn INTEGER,
  tags TEXT, flds TEXT, sfld TEXT, csum INTEGER, flags INTEGER, data TEXT);
CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER NOT NULL, did INTEGER, ord INTEGER, mod INTEGER,
  usn INTEGER, type INTEGER, queue INTEGER, due INTEGER, ivl INTEGER, factor INTEGER, reps INTEGER,
  lapses INTEGER, left INTEGER, odue INTEGER, odid INTEGER, flags INTEGER, data TEXT);
CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER NOT NULL, usn INTEGER, ease INTEGER, ivl INTEGER,
  lastIvl INTEGER, factor INTEGER, time INTEGER, type INTEGER);
"""
T0 = int(datetime(2026, 1, 2, 8, 0, tzinfo=UTC).timestamp() * 1000)


def handmade_collection(path: Path, guids: list[str], revlog: list[tuple[int, int, int, int, int]]) -> Path:
    """A minimal collection: one note and card per guid (ids 1, 2, ...), then revlog rows (id, cid, ...)."""
    with sqlite3.connect(path) as db:
        db.executescript(REVLOG_SCHEMA)
        for index, guid in enumerate(guids, start=1):
            db.execute("INSERT INTO notes (id, guid, flds) VALUES (?, ?, '')", (index, guid))
            db.execute("INSERT INTO cards (id, nid, ord) VALUES (?, ?, 0)", (index, index))
        db.executemany("INSERT INTO revlog (id, cid, ease, time, type) VALUES (?, ?, ?, ?, ?)", revlog)
    return path


def workspace_with_example(tmp_path: Path) -> tuple[Workspace, str]:
    workspace = Workspace(tmp_path / "ws")
    return workspace, import_document(workspace, EXAMPLE, FIXED_NOW).deck


def test_read_history_keeps_only_answers_and_maps_guids(tmp_path: Path) -> None:
    revlog = [
        (T0, 1, 3, 8000, 0),  # learning, good
        (T0 + 60_000, 1, 4, 3000, 1),  # review, easy
        (T0 + 120_000, 1, 0, 0, 4),  # manual reschedule: not an answer
        (T0 + 180_000, 2, 1, 5000, 2),  # relearning, again
        (T0 + 240_000, 99, 3, 1000, 1),  # card deleted since
    ]
    history = read_history(handmade_collection(tmp_path / "c.anki2", ["g1", "g2"], revlog))
    assert history.guids == {"g1", "g2"}
    assert [(r.guid, r.ease, r.is_answer) for r in history.reviews] == [
        ("g1", 3, True), ("g1", 4, True), ("g1", 0, False), ("g2", 1, True), (None, 3, True)
    ]  # fmt: skip
    assert history.reviews[0].reviewed_at == datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
    assert history.reviews[0].duration_ms == 8000
    assert history.reviews[0].external_id() == f"g1:{T0}"


def test_guid_map_covers_every_card_namespaced_by_deck(tmp_path: Path) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    deck = load_deck(workspace, slug)
    other = deck.but(slug="other-deck")
    mapping = guid_map([deck, other])
    assert len(mapping) == 2 * len(deck.cards)
    card = deck.cards[0]
    assert mapping[anki_model.note_guid(slug, card.id)] == (slug, card.id)
    assert mapping[anki_model.note_guid("other-deck", card.id)] == ("other-deck", card.id)


def test_pull_from_a_handmade_collection_appends_once_and_reports_unknown_notes(tmp_path: Path) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    deck = load_deck(workspace, slug)
    first, second = deck.cards[0].id, deck.cards[1].id
    guids = [anki_model.note_guid(slug, first), anki_model.note_guid(slug, second), "not-ours"]
    revlog = [
        (T0, 1, 3, 8000, 0), (T0 + 600_000, 1, 3, 4000, 0), (T0 + 86_400_000, 1, 4, 2000, 1),
        (T0 + 500, 2, 1, 9000, 0), (T0 + 1000, 3, 3, 1000, 0), (T0 + 2000, 3, 3, 1000, 1), (T0 + 5000, 1, 0, 0, 4),
    ]  # fmt: skip
    collection = handmade_collection(tmp_path / "collection.anki2", guids, revlog)
    now = FIXED_NOW + timedelta(days=3)
    result = pull_reviews(workspace, collection, now)
    assert (result.added, result.already_known, result.studyprep_notes) == (4, 0, 2)
    assert (result.unknown_reviews, result.unknown_notes, result.skipped_other) == (2, 1, 1)
    assert {(card.deck, card.card_id, card.added) for card in result.cards} == {(slug, first, 3), (slug, second, 1)}

    again = pull_reviews(workspace, collection, now)
    assert (again.added, again.already_known, again.cards) == (0, 4, [])

    scheduler = scheduler_for(load_plan(workspace, slug))
    with open_store(workspace) as store:
        logs = store.review_logs(slug, first)
        assert [log.rating for log in logs] == [3, 3, 4]
        assert {log.source for log in logs} == {SOURCE_ANKI}
        state = store.get_state(slug, first)
        assert state is not None
        assert state.card == replay(scheduler, slug, first, logs)
        assert state.card.due > datetime.fromtimestamp((T0 + 86_400_000) / 1000, UTC) + timedelta(days=1)


def test_anki_reviews_merge_with_studyprep_reviews_in_time_order(tmp_path: Path) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    card_id = load_deck(workspace, slug).cards[0].id
    with open_store(workspace) as store:
        store.append_review(slug, card_id, 1, datetime(2026, 1, 3, tzinfo=UTC), 5000, source="studyprep")
    collection = handmade_collection(tmp_path / "c.anki2", [anki_model.note_guid(slug, card_id)], [(T0, 1, 3, 1000, 0)])
    pull_reviews(workspace, collection, FIXED_NOW)
    scheduler = scheduler_for(load_plan(workspace, slug))
    with open_store(workspace) as store:
        logs = store.review_logs(slug, card_id)
        ordered = sorted(logs, key=lambda log: log.reviewed_at)
        assert [(log.source, log.rating) for log in ordered] == [(SOURCE_ANKI, 3), ("studyprep", 1)]
        state = store.get_state(slug, card_id)
        assert state is not None and state.card == replay(scheduler, slug, card_id, logs)
        assert state.card.last_review == datetime(2026, 1, 3, tzinfo=UTC)


def test_a_collection_without_reviews_gets_a_hint(tmp_path: Path) -> None:
    workspace, _ = workspace_with_example(tmp_path)
    result = pull_reviews(workspace, handmade_collection(tmp_path / "c.anki2", ["x"], []), FIXED_NOW)
    assert result.added == 0 and "scheduling" in result.hint


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"hello, not anki", "not an Anki file"), (None, "no such file"), ("zip", "holds no Anki collection")],
)
def test_unreadable_inputs_are_clear_errors(tmp_path: Path, content: bytes | str | None, message: str) -> None:
    workspace, _ = workspace_with_example(tmp_path)
    target = tmp_path / "input.colpkg"
    if content == "zip":
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("readme.txt", "nothing here")
    elif isinstance(content, bytes):
        target.write_bytes(content)
    with pytest.raises(StudyprepError, match=message):
        pull_reviews(workspace, target, FIXED_NOW)


def test_a_broken_compressed_collection_is_a_clear_error(tmp_path: Path) -> None:
    workspace, _ = workspace_with_example(tmp_path)
    target = tmp_path / "broken.colpkg"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd garbage")
    with pytest.raises(StudyprepError, match="cannot read the Anki package"):
        pull_reviews(workspace, target, FIXED_NOW)


# -- end to end with the real Anki library ----------------------------------------------------------------


def answer_in_anki(col: Collection, deck_name: str, eases: list[int]) -> dict[int, int]:
    """Answer the next queued cards with Anki's own scheduler; return {anki card id: ease}."""
    col.decks.select(col.decks.id_for_name(deck_name))
    answered: dict[int, int] = {}
    for ease in eases:
        queued = col.sched.get_queued_cards(fetch_limit=1).cards
        card = col.get_card(queued[0].card.id)
        card.start_timer()
        col.sched.answerCard(card, ease)
        answered[card.id] = ease
    return answered


@pytest.mark.parametrize("export_as", ["colpkg", "apkg", "anki2"])
def test_end_to_end_reviews_in_anki_reach_studyprep_due_dates(tmp_path: Path, export_as: str) -> None:
    pytest.importorskip("anki", reason=ANKI_REASON)
    from anki.collection import DeckIdLimit, ExportAnkiPackageOptions
    from anki_helpers import anki_deck_name, import_package, open_collection

    from studyprep.commands.due import due_report

    workspace, slug = workspace_with_example(tmp_path)
    deck = load_deck(workspace, slug)
    package = tmp_path / "studyprep.apkg"
    export_decks(workspace, [slug], package, FIXED_NOW)

    col = open_collection(tmp_path / "anki")
    import_package(col, package)
    # A note that did not come from studyprep, reviewed too: counted, never imported.
    basic = col.models.by_name("Basic")
    stranger = col.new_note(basic)
    stranger["Front"], stranger["Back"] = "not from studyprep", "x"
    col.add_note(stranger, col.decks.id_for_name(anki_deck_name(deck)))
    answered = answer_in_anki(col, anki_deck_name(deck), [4, 4, 3, 1, 3, 3])
    guid_of = {cid: col.get_card(cid).note().guid for cid in answered}
    revlog_count = col.db.scalar("select count() from revlog")
    stranger_reviews = col.db.scalar(
        "select count() from revlog r join cards c on c.id = r.cid where c.nid = ?", stranger.id
    )
    reviewed_at = datetime.now(UTC)

    source = tmp_path / f"from-anki.{export_as}"
    if export_as == "colpkg":
        col.export_collection_package(str(source), include_media=False, legacy=False)
    elif export_as == "apkg":
        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False, with_media=False)
        limit = DeckIdLimit(col.decks.id_for_name(anki_deck_name(deck)))
        col.export_anki_package(out_path=str(source), options=options, limit=limit)
        col.close()
    else:
        col.close()
        source = tmp_path / "anki" / "collection.anki2"

    result = pull_reviews(workspace, source, reviewed_at)
    ours = revlog_count - stranger_reviews
    assert result.added == ours and result.already_known == 0
    assert result.unknown_reviews == stranger_reviews and result.unknown_notes == (1 if stranger_reviews else 0)
    mapping = guid_map([deck])
    answered = {cid: ease for cid, ease in answered.items() if guid_of[cid] in mapping}
    assert {(card.deck, card.card_id) for card in result.cards} == {mapping[guid_of[cid]] for cid in answered}

    again = pull_reviews(workspace, source, reviewed_at)
    assert again.added == 0 and again.already_known == ours

    with open_store(workspace) as store:
        states = {}
        for cid, ease in answered.items():
            deck_slug, card_id = mapping[guid_of[cid]]
            logs = store.review_logs(deck_slug, card_id)
            assert [log.rating for log in logs][-1] == ease
            state = store.get_state(deck_slug, card_id)
            assert state is not None
            states[cid] = (ease, state.card)
    easy_due = min(card.due for ease, card in states.values() if ease == 4)
    again_due = max(card.due for ease, card in states.values() if ease == 1)
    assert again_due < reviewed_at + timedelta(hours=1) < easy_due
    assert easy_due > reviewed_at + timedelta(days=1)

    # studyprep's own queue sees them: nothing of theirs due now beyond learning, the easy ones due later.
    today = due_report(workspace, reviewed_at + timedelta(minutes=1))
    latest_easy = max(card.due for ease, card in states.values() if ease == 4)
    later = due_report(workspace, latest_easy + timedelta(minutes=1))
    assert today.decks[0].review == 0 and today.decks[0].learning >= 1
    assert later.decks[0].review >= sum(1 for ease, _ in states.values() if ease == 4)


def test_cli_anki_pull_json_and_human(tmp_path: Path) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    card_id = load_deck(workspace, slug).cards[0].id
    guids = [anki_model.note_guid(slug, card_id), "other"]
    collection = handmade_collection(tmp_path / "c.anki2", guids, [(T0, 1, 3, 1000, 0), (T0 + 1, 2, 3, 1, 0)])
    env = {"STUDYPREP_NOW": "2026-01-05T09:00:00Z"}
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(workspace.root), "anki-pull", str(collection), "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["added"] == 1 and data["unknown_reviews"] == 1 and data["cards"][0]["card_id"] == card_id
    result = runner.invoke(cli, ["--home", str(workspace.root), "anki-pull", str(collection)], env=env)
    assert result.exit_code == 0 and "0 new reviews" in result.stdout
    assert "skipped 1 review of 1 note not made by studyprep" in result.stdout
    result = runner.invoke(cli, ["--home", str(workspace.root), "anki-pull", str(tmp_path / "missing.colpkg")])
    assert result.exit_code != 0 and result.stderr.startswith("Error:") and "Traceback" not in result.output


def test_a_card_studied_in_anki_then_in_the_terminal_counts_as_new_once(tmp_path: Path) -> None:
    from studyprep.commands.stats_cmd import review_stats

    workspace, slug = workspace_with_example(tmp_path)
    cards = [card.id for card in load_deck(workspace, slug).cards[:6]]
    # Each card first answered on the phone (day 1), then in the terminal (day 2) before the phone was pulled:
    # the terminal saw no earlier answer and marked its own as the first.
    with open_store(workspace) as store:
        for card_id in cards:
            store.append_review(slug, card_id, 3, datetime(2026, 1, 3, tzinfo=UTC), 5000, source="studyprep")
    guids = [anki_model.note_guid(slug, card_id) for card_id in cards]
    revlog = [(T0 + index, index + 1, 3, 1000, 0) for index in range(len(cards))]
    pull_reviews(workspace, handmade_collection(tmp_path / "c.anki2", guids, revlog), FIXED_NOW)
    stats = review_stats(workspace, datetime(2026, 1, 4, tzinfo=UTC))
    assert stats.total.reviews == 12 and stats.total.new == 6
    with open_store(workspace) as store:
        for card_id in cards:
            firsts = [log.source for log in store.review_logs(slug, card_id) if log.was_new]
            assert firsts == [SOURCE_ANKI]


def test_a_card_forgotten_before_a_pull_counts_only_the_answers_since(tmp_path: Path) -> None:
    """`studyprep forget` sends a card back to new: a pull replays, as the log's own replay does, only the answers
    from that moment; the earlier ones stay in the log."""
    workspace, slug = workspace_with_example(tmp_path)
    card_id = load_deck(workspace, slug).cards[0].id
    forgot = datetime(2026, 1, 4, 9, 0, tzinfo=UTC)
    with open_store(workspace) as store:
        store.append_review(slug, card_id, 3, datetime(2026, 1, 3, tzinfo=UTC), 5000, source="studyprep")
        store.forget(slug, card_id, forgot)
    after = int(datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp() * 1000)
    revlog = [(T0, 1, 4, 1000, 0), (T0 + 60_000, 1, 4, 1000, 1), (after, 1, 1, 2000, 0)]  # two before, one after
    collection = handmade_collection(tmp_path / "c.anki2", [anki_model.note_guid(slug, card_id)], revlog)
    assert pull_reviews(workspace, collection, FIXED_NOW + timedelta(days=5)).added == 3
    scheduler = scheduler_for(load_plan(workspace, slug))
    with open_store(workspace) as store:
        logs = store.review_logs(slug, card_id)
        state = store.get_state(slug, card_id)
    assert len(logs) == 4 and state is not None
    assert state.card == replay(scheduler, slug, card_id, [log for log in logs if log.reviewed_at >= forgot])
    assert state.card.last_review == datetime(2026, 1, 5, 9, 0, tzinfo=UTC) and state.card.state.name == "Learning"
