"""Answers travel both ways between studyprep and a real Anki collection (the PyPI `anki` library)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.anki import model as anki_model
from studyprep.anki.answers import NotesOutcome, merge_notes
from studyprep.anki.exchange import DeckExchange, Exchange, NoteRecord, exchange_path, exchange_text, load_exchange
from studyprep.anki.html import field_html, field_text
from studyprep.cli import cli
from studyprep.commands.anki_pull import pull_reviews
from studyprep.commands.export import export_decks
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.store.deckstore import load_deck, save_deck
from studyprep.store.workspace import Workspace

pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")

from anki_helpers import card_for_guid, import_package, open_collection

PHONE_HTML = "typed on the phone: <b>WAL</b> first<div>then the index &lt;B-tree&gt;</div>"


def _set_notes(workspace: Workspace, slug: str, notes: dict[str, str]) -> None:
    deck = load_deck(workspace, slug)
    save_deck(workspace, deck.but(cards=[card.but(notes=notes.get(card.id, card.notes)) for card in deck.cards]))


def _phone_edit(col, guid: str, html: str) -> None:
    note = card_for_guid(col, guid).note()
    note["Notes"] = html
    col.update_note(note)


def test_answers_written_on_the_phone_and_in_studyprep_travel_both_ways(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    deck = load_deck(workspace, slug)
    phone_only, both, here_only = (card.id for card in deck.cards[:3])
    guid = {card.id: anki_model.note_guid(slug, card.id) for card in deck.cards}
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, export_decks(workspace, [slug], tmp_path / "one.apkg", FIXED_NOW).path)
        _phone_edit(col, guid[phone_only], PHONE_HTML)
        _phone_edit(col, guid[both], "phone's answer")
        _set_notes(workspace, slug, {both: "terminal's answer", here_only: "written in studyprep"})

        # Exporting now would replace the phone's answers: refused, saying to pull.
        later = datetime.now(UTC) + timedelta(minutes=1)
        with pytest.raises(StudyprepError, match=r"Pull first .*studyprep anki-pull FILE.*--force"):
            export_decks(workspace, [slug], tmp_path / "refused.apkg", later)
        assert not (tmp_path / "refused.apkg").exists()

        source = tmp_path / "from-anki.colpkg"
        col.export_collection_package(str(source), include_media=False, legacy=False)
        col.close()
        col = open_collection(tmp_path / "anki")
        pulled = pull_reviews(workspace, source, later)
        assert {(note.card_id, note.outcome) for note in pulled.notes} == {
            (phone_only, NotesOutcome.TAKEN),
            (both, NotesOutcome.BOTH),
        }
        notes = {card.id: card.notes for card in load_deck(workspace, slug).cards}
        assert notes[phone_only] == "typed on the phone: **WAL** first\nthen the index <B-tree>"
        assert notes[both].startswith("terminal's answer\n\n--- written in Anki") and notes[both].endswith(
            "\nphone's answer"
        )
        assert notes[here_only] == "written in studyprep"
        assert pull_reviews(workspace, source, later).notes == []  # a second pull of the same file changes nothing

        # Pulled: the export goes, with newer notes that Anki takes; everything the phone held is still there.
        log = import_package(col, export_decks(workspace, [slug], tmp_path / "two.apkg", later).path)
        assert len(log.updated) == 3
        for card_id in (phone_only, both, here_only):
            assert card_for_guid(col, guid[card_id]).note()["Notes"] == field_html(notes[card_id])
        assert "phone&#x27;s answer" in card_for_guid(col, guid[both]).note()["Notes"]
        again = import_package(col, export_decks(workspace, [slug], tmp_path / "three.apkg", later).path)
        assert len(again.updated) == 0  # unchanged since: no note updated, no refusal
    finally:
        col.close()


def test_force_exports_without_a_pull_and_the_cli_says_to_pull(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"STUDYPREP_NOW": "2026-01-02T09:00:00Z"}
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", str(home), "import", str(EXAMPLE)], env=env).exit_code == 0
    out = str(tmp_path / "p.apkg")
    assert runner.invoke(cli, ["--home", str(home), "export", "-o", out], env=env).exit_code == 0
    workspace = Workspace(home)
    slug = load_deck(workspace, next(p.stem for p in workspace.decks_dir.glob("*.yaml"))).slug
    _set_notes(workspace, slug, {load_deck(workspace, slug).cards[0].id: "mine"})
    refused = runner.invoke(cli, ["--home", str(home), "export", "-o", out], env=env)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.stderr.startswith("Error: ") and "studyprep anki-pull FILE" in refused.stderr
    forced = runner.invoke(cli, ["--home", str(home), "export", "-o", out, "--force", "--json"], env=env)
    assert forced.exit_code == 0 and json.loads(forced.stdout)["decks"][0]["changed"] == 1


def test_a_damaged_exchange_record_is_one_clear_error(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    exchange_path(workspace).parent.mkdir(parents=True, exist_ok=True)
    exchange_path(workspace).write_text('{"format": 1, "decks": {"x": {"cards": 3}}}', encoding="utf-8")
    with pytest.raises(StudyprepError, match="exchange record is damaged"):
        export_decks(workspace, [slug], tmp_path / "p.apkg", FIXED_NOW)
    exchange_path(workspace).unlink()
    export_decks(workspace, [slug], tmp_path / "p.apkg", FIXED_NOW)
    assert load_exchange(workspace).deck(slug).exported_at == FIXED_NOW


@pytest.mark.parametrize(
    ("local", "anki", "before", "outcome", "expected"),
    [
        ("same", field_html("same"), None, NotesOutcome.SAME, "same"),
        ("", "from <i>anki</i>", None, NotesOutcome.TAKEN, "from *anki*"),
        ("ours", "", None, NotesOutcome.SAME, "ours"),  # an empty field never drops our notes
        ("ours", "anki", NoteRecord(notes="ours", anki_notes="old"), NotesOutcome.TAKEN, "anki"),
        ("ours, edited", "old", NoteRecord(notes="ours", anki_notes="old"), NotesOutcome.SAME, "ours, edited"),
        ("ours", "theirs", None, NotesOutcome.BOTH, "ours\n\n--- written in Anki (pulled 2026-01-01)"),
    ],
)
def test_merge_notes_keeps_every_side_that_changed(
    local: str, anki: str, before: NoteRecord | None, outcome: NotesOutcome, expected: str
) -> None:
    merged = merge_notes(local, anki, before, FIXED_NOW)
    assert merged.outcome is outcome and merged.notes.startswith(expected) and merged.anki_notes == anki
    if outcome is NotesOutcome.BOTH:
        assert merged.notes.endswith("\ntheirs")


def test_field_text_reads_anki_html_as_text_never_as_markup() -> None:
    assert field_text("a<br>b<div>c&nbsp;d</div><ul><li>x</li><li>y</li></ul>&lt;script&gt;") == (
        "a\nb\nc d\n\n- x\n- y\n<script>"
    )
    for text in ("**bold** `code <T>` [sound:x]\n- one\n- two", "a & b\nc"):
        assert field_text(field_html(text)) == text


def test_export_with_progress_schedules_cards_in_anki_where_studyprep_left_them(tmp_path: Path) -> None:
    from review_helpers import SLUG, Clock, answer_all, make_workspace, session_at

    from studyprep.store.db import open_store

    now = datetime.now(UTC).replace(microsecond=0)
    clock = Clock(now - timedelta(days=10))
    workspace, slug = make_workspace(tmp_path, now=clock.now), SLUG
    for day in range(10):  # ten days of terminal review, a mix of answers
        with session_at(workspace, clock) as session:
            answer_all(session, 3 if day % 3 else 4)
        clock.advance(days=1)
    with open_store(workspace) as store:
        states = store.deck_states(slug)
        history = {card_id: len(store.review_logs(slug, card_id)) for card_id in states}
    assert states and any(card.state.name == "Review" for card in states.values())

    result = export_decks(workspace, [slug], tmp_path / "progress.apkg", now, with_progress=True)
    assert result.decks[0].with_progress == len(states)
    col = open_collection(tmp_path / "anki")
    try:
        col.set_config("fsrs", True)
        import_package(col, result.path, with_scheduling=True)
        for card_id, state in states.items():
            card = card_for_guid(col, anki_model.note_guid(slug, card_id))
            assert card.reps == history[card_id] == col.db.scalar("select count() from revlog where cid = ?", card.id)
            memory = card.memory_state
            assert memory is not None
            assert memory.stability == pytest.approx(state.stability, rel=1e-3)
            assert memory.difficulty == pytest.approx(state.difficulty, rel=1e-3)
            if state.state.name == "Review":
                days = (state.due - now).total_seconds() / 86_400
                assert card.queue == 2 and abs((card.due - col.sched.today) - days) <= 1  # the same study day
                assert card.ivl == max(1, round((state.due - state.last_review).total_seconds() / 86_400))
            else:
                assert card.queue == 1 and card.due == int(state.due.timestamp())
        source = tmp_path / "back.colpkg"
        col.export_collection_package(str(source), include_media=False, legacy=False)
    finally:
        col.close()
    pulled = pull_reviews(workspace, source, now)
    assert pulled.added == 0 and pulled.already_known == sum(history.values())  # studyprep's own, known again


def test_cli_pull_names_the_cards_whose_notes_it_kept_both_ways(tmp_path: Path) -> None:
    import sqlite3

    home = tmp_path / "home"
    env = {"STUDYPREP_NOW": "2026-01-02T09:00:00Z"}
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", str(home), "import", str(EXAMPLE)], env=env).exit_code == 0
    workspace = Workspace(home)
    deck = load_deck(workspace, next(path.stem for path in workspace.decks_dir.glob("*.yaml")))
    taken, both = deck.cards[0], deck.cards[1]
    _set_notes(workspace, deck.slug, {both.id: "mine"})
    collection = tmp_path / "collection.anki2"
    with sqlite3.connect(collection) as db:
        db.executescript(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, flds TEXT);"
            "CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER);"
            "CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, ease INTEGER, time INTEGER, type INTEGER);"
        )
        for note_id, (card, notes) in enumerate(((taken, "from the phone"), (both, "theirs")), start=1):
            fields = "\x1f".join(["p", "", "", notes, "", ""])
            guid = anki_model.note_guid(deck.slug, card.id)
            db.execute("INSERT INTO notes VALUES (?, ?, ?)", (note_id, guid, fields))
    result = runner.invoke(cli, ["--home", str(home), "anki-pull", str(collection)], env=env)
    assert result.exit_code == 0, result.output
    assert "1 answer written in Anki taken into the deck files" in result.stdout
    assert "1 card changed notes both here and in Anki: both kept" in result.stdout and both.id in result.stdout
    notes = {card.id: card.notes for card in load_deck(workspace, deck.slug).cards}
    assert notes[taken.id] == "from the phone" and notes[both.id].startswith("mine\n\n--- written in Anki (pulled")
    data = json.loads(runner.invoke(cli, ["--home", str(home), "anki-pull", str(collection), "--json"], env=env).stdout)
    assert data["notes"] == []  # pulled already: nothing changes


def test_a_collection_whose_notes_have_no_fields_column_still_pulls_reviews(tmp_path: Path) -> None:
    import sqlite3

    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    card_id = load_deck(workspace, slug).cards[0].id
    collection = tmp_path / "c.anki2"
    with sqlite3.connect(collection) as db:
        db.executescript(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT); CREATE TABLE cards (id INTEGER PRIMARY KEY,"
            " nid INTEGER); CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, ease INTEGER, time INTEGER,"
            " type INTEGER); INSERT INTO cards VALUES (1, 1);"
        )
        db.execute("INSERT INTO notes VALUES (1, ?)", (anki_model.note_guid(slug, card_id),))
        db.execute("INSERT INTO revlog VALUES (?, 1, 3, 1000, 0)", (int(FIXED_NOW.timestamp() * 1000),))
    result = pull_reviews(workspace, collection, FIXED_NOW + timedelta(days=1))
    assert result.added == 1 and result.notes == []


def test_tags_added_in_anki_come_back_with_a_pull_and_survive_the_next_export(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    card = load_deck(workspace, slug).cards[0]
    guid = anki_model.note_guid(slug, card.id)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, export_decks(workspace, [slug], tmp_path / "one.apkg", FIXED_NOW).path)
        note = card_for_guid(col, guid).note()
        exported = list(note.tags)
        # The user's own tags, and one that looks like studyprep's (not the user's to add: left in Anki alone).
        note.tags = [*exported, "weak-spot", "Round2::SQL", "studyprep::kind::mine"]
        col.update_note(note)
        source = tmp_path / "with-tags.colpkg"
        col.export_collection_package(str(source), include_media=False, legacy=False)
        col.reopen()
        later = datetime.now(UTC) + timedelta(minutes=1)
        pulled = pull_reviews(workspace, source, later)
        assert pulled.tags_added == 2
        tags = load_deck(workspace, slug).cards[0].tags
        assert tags[: len(card.tags)] == card.tags and sorted(tags[len(card.tags) :]) == ["Round2::SQL", "weak-spot"]
        assert pull_reviews(workspace, source, later).tags_added == 0  # pulled already

        _set_notes(workspace, slug, {card.id: "an answer that updates the note"})
        log = import_package(col, export_decks(workspace, [slug], tmp_path / "two.apkg", later).path)
        assert len(log.updated) == 1
        tags = card_for_guid(col, guid).note().tags
        assert {"weak-spot", "Round2::SQL"} <= set(tags) and set(exported) <= set(tags)
    finally:
        col.close()


_TEXT = st.text(alphabet=st.sampled_from(list('ab "\\\n\t\x00\x1f\u2028é€😀<>&\ue000')), max_size=8)
_RECORDS = st.dictionaries(_TEXT, st.builds(NoteRecord, _TEXT, st.integers(-5, 10**13), _TEXT, _TEXT), max_size=4)
_MOMENTS = st.sampled_from([None, FIXED_NOW, FIXED_NOW + timedelta(days=1, microseconds=5)])
_DECKS = st.builds(DeckExchange, _MOMENTS, _MOMENTS, _RECORDS.map(MappingProxyType))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True), _DECKS, max_size=12))
def test_the_exchange_record_is_written_as_json_dumps_lays_it_out(decks: dict[str, DeckExchange]) -> None:
    # The record's cards are written line by line, not by `json.dumps`: the same text, and it loads back the same.
    exchange = Exchange(MappingProxyType(decks))
    as_json = {
        slug: {
            "exported_at": deck.exported_at.isoformat() if deck.exported_at else None,
            "pulled_at": deck.pulled_at.isoformat() if deck.pulled_at else None,
            "cards": {card: [r.fingerprint, r.modified, r.notes, r.anki_notes] for card, r in deck.cards.items()},
        }
        for slug, deck in decks.items()
    }
    expected = json.dumps({"format": 1, "decks": as_json}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert exchange_text(exchange) == expected
