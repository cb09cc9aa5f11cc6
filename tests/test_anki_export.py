"""`studyprep export`: packages checked by opening them with the real Anki library."""

from __future__ import annotations

import html
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import genanki
import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW, sample_paths
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.anki import model as anki_model
from studyprep.anki.html import field_html
from studyprep.cards.models import CARD_KINDS
from studyprep.cli import cli
from studyprep.commands.export import build_package, export_decks
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.store.deckstore import load_deck, save_deck
from studyprep.store.workspace import Workspace

pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")

from anki_helpers import (
    anki_deck_name,
    card_for_guid,
    cards_by_deck,
    import_package,
    notes_by_guid,
    open_collection,
)

HOSTILE_DOC = """\
# Interview Prep: Hostile & Co – Engineer <script>alert('title')</script>

## Likely Interview Questions

### Tricky {{Front}} :: category
1. What does <T, K extends keyof T> mean & why <script>alert(1)</script>?
    - Hint: {{c1::generics}} and [sound:boom.mp3] and `<b>not bold</b>`
2. Explain {{Back}} and <img src=x onerror=alert(1)> please\x1f\x07 (control characters)

## Questions to Ask Them
* Is "quoted" & 'single' text [latex]x[/latex] safe?
"""


def workspace_with(tmp_path: Path, document: Path) -> tuple[Workspace, str]:
    workspace = Workspace(tmp_path / "ws")
    result = import_document(workspace, document, FIXED_NOW)
    return workspace, result.deck


def export_and_open(tmp_path: Path, workspace: Workspace, slug: str, name: str = "out.apkg") -> tuple:
    """Export one deck, import it into a fresh Anki collection: (result, collection, import log)."""
    package = tmp_path / name
    result = export_decks(workspace, [slug], package, FIXED_NOW)
    col = open_collection(tmp_path / f"anki-{name}")
    log = import_package(col, package)
    return result, col, log


@pytest.mark.parametrize("sample", sample_paths(), ids=lambda p: p.name)
def test_every_sample_imports_into_anki_with_cards_per_subdeck(tmp_path: Path, sample: Path) -> None:
    workspace, slug = workspace_with(tmp_path, sample)
    deck = load_deck(workspace, slug)
    result, col, log = export_and_open(tmp_path, workspace, slug)
    try:
        exported = [card for card in deck.cards if card.retired is None]
        assert result.notes == len(exported) == len(log.new) == col.note_count() == col.card_count()
        assert cards_by_deck(col) == dict(result.decks[0].subdecks)
        for card in exported:
            anki_card = card_for_guid(col, anki_model.note_guid(slug, card.id))
            question, answer = anki_card.question(), anki_card.answer()
            assert field_html(card.prompt) in question
            if not any(mark in card.prompt for mark in "*_`[\n"):
                assert html.escape(card.prompt.strip()) in question
            assert field_html(card.prompt) in answer
            if card.back:
                assert field_html(card.back) in answer
            assert anki_card.note().note_type()["name"] == anki_model.NOTE_TYPES[card.kind].name
            expected_deck = anki_model.deck_name(anki_deck_name(deck), card.category)
            assert col.decks.name(anki_card.did) == expected_deck
            assert f"studyprep::kind::{card.kind}" in anki_card.note().tags
    finally:
        col.close()


def test_hostile_text_never_renders_as_markup(tmp_path: Path) -> None:
    document = tmp_path / "hostile.md"
    document.write_text(HOSTILE_DOC, encoding="utf-8")
    workspace, slug = workspace_with(tmp_path, document)
    deck = load_deck(workspace, slug)
    _, col, _ = export_and_open(tmp_path, workspace, slug)
    try:
        assert len(deck.cards) == 3
        for card in deck.cards:
            anki_card = card_for_guid(col, anki_model.note_guid(slug, card.id))
            shown = anki_card.answer().split("</style>", 1)[1]
            for marker in ("<script", "<img", "<T,", "<b>", "[anki:play", "class=latex", "[sound:"):
                assert marker not in shown
        texts = " ".join(card_for_guid(col, anki_model.note_guid(slug, c.id)).answer() for c in deck.cards)
        for literal in (
            "&lt;T, K extends keyof T&gt;",
            "&lt;script&gt;",
            "{{c1::generics}}",
            "{{Back}}",
            "&lt;img src=x onerror=alert(1)&gt; please (control characters)",
            "<code>&lt;b&gt;not bold&lt;/b&gt;</code>",
        ):
            assert literal in texts
        names = [d.name for d in col.decks.all_names_and_ids()]
        assert all("<" not in name and ">" not in name for name in names)
        question = card_for_guid(col, anki_model.note_guid(slug, deck.cards[0].id))
        assert question.note()["Category"] == "Tricky {{Front}} :: category"
        assert col.decks.name(question.did).endswith("::Tricky {{Front}} : category")
    finally:
        col.close()


def edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / EXAMPLE.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_reexport_after_editing_updates_notes_in_place_and_keeps_anki_history(tmp_path: Path) -> None:
    document = tmp_path / EXAMPLE.name
    document.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    workspace, slug = workspace_with(tmp_path, document)
    first = tmp_path / "first.apkg"
    export_decks(workspace, [slug], first, FIXED_NOW)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, first)
        before = notes_by_guid(col)
        # Review a few cards in Anki itself, so there is history to keep.
        col.decks.select(col.decks.id_for_name(anki_deck_name(load_deck(workspace, slug))))
        for _ in range(3):
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = col.get_card(queued.card.id)
            card.start_timer()
            col.sched.answerCard(card, 3)
        reviewed = col.db.list("select distinct cid from revlog")
        assert len(reviewed) >= 1

        # Edit the document: one question's text changes (light edit keeps its id), one card is dropped.
        deck = load_deck(workspace, slug)
        edited_card = next(card for card in deck.cards if card.kind == "question")
        dropped_card = next(card for card in deck.cards if card.kind == "concept")
        text = document.read_text(encoding="utf-8")
        new_prompt = edited_card.prompt.rstrip("?") + " in production?"
        text = text.replace(edited_card.prompt, new_prompt, 1)
        text = "\n".join(line for line in text.splitlines() if dropped_card.prompt not in line) + "\n"
        document.write_text(text, encoding="utf-8")
        later = FIXED_NOW + timedelta(days=2)
        import_document(workspace, document, later)
        deck = load_deck(workspace, slug)
        assert next(card for card in deck.cards if card.id == edited_card.id).prompt == new_prompt
        second = tmp_path / "second.apkg"
        export_decks(workspace, [slug], second, later, force=True)  # nothing written in Anki to keep: no pull
        log = import_package(col, second)

        after = notes_by_guid(col)
        edited_guid = anki_model.note_guid(slug, edited_card.id)
        retired = [card for card in deck.cards if card.retired is not None]
        assert dropped_card.id in {card.id for card in retired}  # its line held more topics, retired with it
        # The edited note and each retired one (now tagged) update; every other note is left alone.
        assert len(log.new) == 0 and len(log.updated) == 1 + len(retired) and len(log.conflicting) == 0
        assert set(after) == set(before) and col.note_count() == len(before)
        assert after[edited_guid][0] == before[edited_guid][0]  # same Anki note id
        assert after[edited_guid][2][0] == field_html(new_prompt)
        assert after[edited_guid][1] == int(later.timestamp())
        assert col.db.list("select distinct cid from revlog") == reviewed
        for cid in reviewed:
            assert col.get_card(cid).reps >= 1  # scheduling of reviewed cards untouched
        # The dropped (retired) card keeps its Anki note, now tagged.
        assert anki_model.RETIRED_TAG in after[anki_model.note_guid(slug, dropped_card.id)][3]
    finally:
        col.close()


def extract(archive: zipfile.ZipFile, folder: Path) -> Path:
    return Path(archive.extract("collection.anki2", folder / "extracted"))


def package_rows(package: Path, folder: Path) -> dict[str, list]:
    with zipfile.ZipFile(package) as archive, sqlite3.connect(extract(archive, folder)) as db:
        notes = db.execute("select id, guid, mid, mod, tags, flds from notes order by id").fetchall()
        cards = db.execute("select id, nid, did, ord, mod, queue, due from cards order by id").fetchall()
        models = db.execute("select models, decks from col").fetchall()
    return {"notes": notes, "cards": cards, "col": models}


def test_two_exports_of_an_unchanged_deck_hold_the_same_notes_ids_and_fields(tmp_path: Path) -> None:
    workspace, slug = workspace_with(tmp_path, EXAMPLE)
    one, two = tmp_path / "one.apkg", tmp_path / "two.apkg"
    export_decks(workspace, [slug], one, FIXED_NOW)
    export_decks(workspace, [slug], two, FIXED_NOW + timedelta(hours=5))
    assert package_rows(one, tmp_path / "a") == package_rows(two, tmp_path / "b")
    col = open_collection(tmp_path / "anki")
    try:
        first = import_package(col, one)
        again = import_package(col, two)
        assert len(first.new) == col.note_count()
        assert len(again.new) == len(again.updated) == 0 and len(again.duplicate) == col.note_count()
    finally:
        col.close()


def test_retired_and_suspended_cards_go_suspended_and_tagged(tmp_path: Path) -> None:
    workspace, slug = workspace_with(tmp_path, EXAMPLE)
    deck = load_deck(workspace, slug)
    first, second, *rest = deck.cards
    save_deck(workspace, deck.but(cards=[first.but(suspended=True), second.but(retired=FIXED_NOW), *rest]))
    package = tmp_path / "out.apkg"
    result = export_decks(workspace, [slug], package, FIXED_NOW)
    assert result.decks[0].retired == 1 and result.decks[0].suspended == 1 and result.notes == len(deck.cards)
    guids = {tag: anki_model.note_guid(slug, card.id) for tag, card in zip(TAGS, deck.cards[:2], strict=True)}
    # Anki keeps a new card's queue only with "Import any learning progress"; the tag is always there.
    for with_scheduling, queue in ((False, 0), (True, -1)):
        col = open_collection(tmp_path / f"anki-{with_scheduling}")
        try:
            import_package(col, package, with_scheduling=with_scheduling)
            assert col.card_count() == len(deck.cards)
            for tag, guid in guids.items():
                card = card_for_guid(col, guid)
                assert card.queue == queue and tag in card.note().tags
                assert col.find_cards(f"tag:{tag}") == [card.id]
        finally:
            col.close()


TAGS = (anki_model.SUSPENDED_TAG, anki_model.RETIRED_TAG)


def test_a_card_retired_after_anki_has_it_gets_the_tag_and_one_search_suspends_it(tmp_path: Path) -> None:
    workspace, slug = workspace_with(tmp_path, EXAMPLE)
    deck = load_deck(workspace, slug)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, export_decks(workspace, [slug], tmp_path / "one.apkg", FIXED_NOW).path, True)
        later = FIXED_NOW + timedelta(days=3)
        save_deck(workspace, deck.but(cards=[deck.cards[0].but(retired=later), *deck.cards[1:]]))
        log = import_package(col, export_decks(workspace, [slug], tmp_path / "two.apkg", later, force=True).path, True)
        assert len(log.updated) == 1
        card = card_for_guid(col, anki_model.note_guid(slug, deck.cards[0].id))
        # What an import changes on a note Anki has: its fields and tags. Never a card's queue (nor its deck).
        assert anki_model.RETIRED_TAG in card.note().tags and card.queue == 0
        # The cleanup the README gives: search the tag, select all, suspend.
        col.sched.suspend_cards(col.find_cards(f"tag:{anki_model.RETIRED_TAG}"))
        assert card_for_guid(col, anki_model.note_guid(slug, deck.cards[0].id)).queue == -1
    finally:
        col.close()


def test_note_types_and_ids_are_frozen() -> None:
    # These values are in users' Anki collections: changing them breaks updates. Never edit this test.
    assert anki_model.FIELDS == ("Prompt", "Context", "Back", "Notes", "Category", "Source")
    assert anki_model.TEMPLATE_NAME == "Card 1"
    assert set(anki_model.NOTE_TYPES) == set(CARD_KINDS)
    assert {kind: spec.model_id for kind, spec in anki_model.NOTE_TYPES.items()} == FROZEN_MODEL_IDS
    assert {kind: spec.name for kind, spec in anki_model.NOTE_TYPES.items()} == FROZEN_MODEL_NAMES
    assert anki_model.note_guid("deck", "0123456789ab") == FROZEN_GUID
    assert anki_model.deck_id("deck", ["A", "B"]) == FROZEN_DECK_ID


FROZEN_MODEL_IDS = {"question": 1959376938, "concept": 1205549823, "fact": 2055466386, "ask": 1868758508}
FROZEN_MODEL_NAMES = {
    "question": "studyprep: interview question",
    "concept": "studyprep: concept",
    "fact": "studyprep: fact",
    "ask": "studyprep: question to ask",
}
FROZEN_GUID = "eff4r9(hpf"
FROZEN_DECK_ID = 1470357286


def test_tags_are_space_free_and_deck_names_keep_their_levels() -> None:
    tags = anki_model.anki_tags("question", ["Data & Consistency", "Go fundamentals"], ["my tag", 'x"y'], True)
    assert tags == [
        "studyprep::kind::question",
        "studyprep::category::data-consistency::go-fundamentals",
        "my_tag",
        "x_y",
        "studyprep::suspended",
    ]
    # The user's own tags are kept as written, never moved under studyprep's root.
    assert anki_model.anki_tags("fact", [], ["Databases", "a::b"], False, retired=True) == [
        "studyprep::kind::fact",
        "Databases",
        "a::b",
        "studyprep::retired",
    ]
    assert all(" " not in tag for tag in tags)
    assert anki_model.deck_name("Prep :: Acme", ["A::B", " C "]) == "Prep : Acme::A:B::C"


def run_cli(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], env={"STUDYPREP_NOW": "2026-01-01T09:00:00Z"})
    return result.exit_code, result.stdout, result.stderr


def test_cli_export_all_as_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for sample in sample_paths():
        assert run_cli(home, "import", str(sample))[0] == 0
    out = tmp_path / "all"
    code, stdout, _ = run_cli(home, "export", "--all", "-o", str(out), "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["path"] == str(out) + ".apkg" and Path(data["path"]).is_file()
    assert len(data["decks"]) == len(sample_paths())
    assert data["notes"] == sum(deck["notes"] for deck in data["decks"]) > 0
    # On an 80-column terminal long deck slugs fold; the count columns keep their headers.
    result = CliRunner().invoke(cli, ["--home", str(home), "export", "--all", "-o", str(out)], env={"COLUMNS": "80"})
    header = next(line for line in result.stdout.splitlines() if line.startswith("deck"))
    assert result.exit_code == 0 and header.split() == ["deck", "notes", "subdecks", "suspended", "retired"]
    assert "…" not in result.stdout


def test_cli_export_human_output_and_errors(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, _, stderr = run_cli(home, "export")
    assert code != 0 and stderr.startswith("Error:") and "import" in stderr
    run_cli(home, "import", str(EXAMPLE))
    code, stdout, _ = run_cli(home, "export", "-o", str(tmp_path / "one.apkg"))
    assert code == 0 and "one.apkg" in stdout and "notes" in stdout
    code, _, stderr = run_cli(home, "export", "--all", "doit")
    assert code != 0 and "not both" in stderr
    code, _, stderr = run_cli(home, "export", "-o", str(tmp_path / "x.zip"))
    assert code != 0 and ".apkg" in stderr and "Traceback" not in stderr
    code, _, stderr = run_cli(home, "export", "nope")
    assert code != 0 and "no deck named" in stderr
    code, _, stderr = run_cli(home, "export", "-o", str(tmp_path / "typo" / "sub" / "x.apkg"))
    assert code != 0 and "does not exist" in stderr and not (tmp_path / "typo").exists()
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    code, _, stderr = run_cli(home, "export", "-o", str(tmp_path / "a-file" / "x.apkg"))
    assert code != 0 and "is not a folder" in stderr


def test_an_error_leaves_no_half_written_package(tmp_path: Path) -> None:
    workspace, slug = workspace_with(tmp_path, EXAMPLE)
    target = tmp_path / "blocked" / "out.apkg"
    (tmp_path / "blocked").write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(StudyprepError, match=r"cannot write the package: the folder .* is not a folder"):
        export_decks(workspace, [slug], target, FIXED_NOW)
    existing = tmp_path / "keep.apkg"
    existing.write_bytes(b"old")
    workspace.deck_path(slug).write_text("cards: [", encoding="utf-8")
    with pytest.raises(StudyprepError):
        export_decks(workspace, [slug], existing, FIXED_NOW)
    assert existing.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_progress_is_reported_per_card_and_a_folder_output_gets_a_default_name(tmp_path: Path) -> None:
    home = Workspace(tmp_path / "ws")
    slugs = sorted(import_document(home, sample, FIXED_NOW).deck for sample in sample_paths())
    seen: list[tuple[object, ...]] = []
    folder = tmp_path / "out"
    folder.mkdir()
    result = export_decks(home, [], folder, FIXED_NOW, all=True, progress=lambda *args: seen.append(args))
    cards = [(f"exporting {slug}", len(load_deck(home, slug).cards)) for slug in slugs]
    total = sum(size for _, size in cards)
    counted = [entry for entry in seen if entry[0].startswith("exporting")]
    # One report a card, counting all the decks' cards, in deck order, then the package is written.
    assert counted == [(task, done, total) for done, task in enumerate(
        (task for task, size in cards for _ in range(size)), start=1)]  # fmt: skip
    assert seen[0] == ("reading the decks",) and seen[-1][0].startswith("writing")
    expected = "studyprep.apkg" if len(slugs) > 1 else f"{slugs[0]}.apkg"
    assert result.path == folder / expected and result.path.is_file()


def test_bumped_template_revision_reaches_anki(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, slug = workspace_with(tmp_path, EXAMPLE)
    question = next(card for card in load_deck(workspace, slug).cards if card.kind == "question")
    export_decks(workspace, [slug], tmp_path / "v1.apkg", FIXED_NOW)
    model = anki_model.note_type("question")
    monkeypatch.setattr(model, "css", model.css + "\n.sp-new-rule { color: red; }")
    monkeypatch.setattr(anki_model, "TEMPLATE_REVISION", anki_model.TEMPLATE_REVISION + 1)
    export_decks(workspace, [slug], tmp_path / "v2.apkg", FIXED_NOW)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, tmp_path / "v1.apkg")
        guid = anki_model.note_guid(slug, question.id)
        assert ".sp-new-rule" not in card_for_guid(col, guid).question()
        log = import_package(col, tmp_path / "v2.apkg")
        # The rendered card carries the note type's CSS: the new rule arrived, on the same note type.
        assert ".sp-new-rule" in card_for_guid(col, guid).question()
        assert len(log.new) == 0 and len(log.conflicting) == 0
        assert card_for_guid(col, guid).note().mid == model.model_id
    finally:
        col.close()


def test_a_card_moved_to_another_category_updates_its_tags_but_keeps_its_anki_deck(tmp_path: Path) -> None:
    # Anki's importer updates a known note's fields and tags but never moves its existing cards; the README
    # says so and tells the user how to find them. New cards of the renamed category go to its new subdeck.
    old, new = "- Go and Backend Architecture\n", "- Go Backend Architecture\n"
    document = edited_copy(tmp_path, old, old)
    workspace, slug = workspace_with(tmp_path, document)
    _, col, _ = export_and_open(tmp_path, workspace, slug, "first.apkg")
    try:
        deck = load_deck(workspace, slug)
        moved = next(card for card in deck.cards if card.category == ["Go and Backend Architecture"])
        old_deck = col.decks.name(card_for_guid(col, anki_model.note_guid(slug, moved.id)).did)
        document.write_text(document.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        later = FIXED_NOW + timedelta(days=1)
        import_document(workspace, document, later)
        second = tmp_path / "second.apkg"
        export_decks(workspace, [slug], second, later, force=True)
        log = import_package(col, second)
        card = card_for_guid(col, anki_model.note_guid(slug, moved.id))
        assert len(log.new) == 0 and len(log.updated) >= 1
        assert card.note()["Category"] == "Go Backend Architecture"
        assert "studyprep::category::go-backend-architecture" in card.note().tags
        assert col.decks.name(card.did) == old_deck
    finally:
        col.close()


class _DeckLabel(HTMLParser):
    """The text of the card's `sp-deck` label, and any element found inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.text = ""
        self.nested: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.inside:
            self.nested.append(tag)
        self.inside = self.inside or "sp-deck" in (dict(attrs).get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "span"

    def handle_data(self, data: str) -> None:
        self.text += data if self.inside else ""


def deck_label(question_html: str) -> tuple[str, list[str]]:
    parser = _DeckLabel()
    parser.feed(question_html.split("</style>", 1)[-1])
    return parser.text, parser.nested


def test_facts_and_uncategorised_cards_name_their_deck_on_the_card(tmp_path: Path) -> None:
    workspace, slug = workspace_with(tmp_path, EXAMPLE)
    deck = load_deck(workspace, slug)
    _, col, _ = export_and_open(tmp_path, workspace, slug)
    try:
        rendered = {c.prompt: card_for_guid(col, anki_model.note_guid(slug, c.id)).question() for c in deck.cards}
        by_prompt = {card.prompt: card for card in deck.cards}
        for prompt in ("Mission", "Company"):
            assert by_prompt[prompt].kind == "fact" and not by_prompt[prompt].category
            assert deck_label(rendered[prompt]) == (anki_deck_name(deck), [])
            assert "DoiT" in deck_label(rendered[prompt])[0]
        for kind in ("question", "concept", "ask"):  # a category says where these belong, as before
            card = next(card for card in deck.cards if card.kind == kind and card.category)
            assert deck_label(rendered[card.prompt])[0] == ""
            assert html.escape(" › ".join(card.category)) in rendered[card.prompt]
    finally:
        col.close()


def test_a_deck_name_on_the_card_is_text_even_with_anki_or_html_syntax_in_the_title(tmp_path: Path) -> None:
    document = tmp_path / "odd.md"
    title = "Interview Prep: A&amp;B [sound:boom.mp3] [latex]x[/latex] &#60;b&#62; <i>AT&T</i> [2026] – Eng"
    document.write_text(f"# {title}\n\n## Company Overview\n- Mission: be\n", encoding="utf-8")
    workspace, slug = workspace_with(tmp_path, document)
    _, col, _ = export_and_open(tmp_path, workspace, slug)
    try:
        card = load_deck(workspace, slug).cards[0]
        question = card_for_guid(col, anki_model.note_guid(slug, card.id)).question()
        shown, nested = deck_label(question)
        assert nested == [] and "[anki:play" not in question and "class=latex" not in question
        expected = "A＆amp;B ［sound:boom.mp3] ［latex]x［/latex] ＆#60;b＆#62; ‹i›AT&T‹/i› [2026]"
        expected += " – Eng"
        assert shown == expected
        assert shown == col.decks.name(card_for_guid(col, anki_model.note_guid(slug, card.id)).did)
    finally:
        col.close()


def test_an_uncategorised_question_names_its_deck_where_the_category_would_be(tmp_path: Path) -> None:
    document = tmp_path / "flat.md"
    document.write_text("# Interview Prep: Acme – SRE\n\n## Questions to Ask Them\n- Why now?\n", encoding="utf-8")
    workspace, slug = workspace_with(tmp_path, document)
    _, col, _ = export_and_open(tmp_path, workspace, slug)
    try:
        card = load_deck(workspace, slug).cards[0]
        assert not card.category
        assert deck_label(card_for_guid(col, anki_model.note_guid(slug, card.id)).question())[0] == ("Acme – SRE")
    finally:
        col.close()


def test_two_decks_with_one_title_stay_two_decks_in_anki(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    for slug in ("round-1", "round-2"):
        import_document(workspace, EXAMPLE, FIXED_NOW, deck=slug)
    title = anki_deck_name(load_deck(workspace, "round-1"))
    package = tmp_path / "both.apkg"
    result = export_decks(workspace, ["round-1", "round-2"], package, FIXED_NOW)
    col = open_collection(tmp_path / "anki")
    import_package(col, package)
    by_deck = cards_by_deck(col)
    for summary in result.decks:
        mine = {name: count for name, count in by_deck.items() if name.split("::")[0] == f"{title} ({summary.slug})"}
        assert sum(mine.values()) == summary.notes > 0  # every card of the deck, and only those, under its name
    alone = export_decks(workspace, ["round-1"], tmp_path / "one.apkg", FIXED_NOW)
    assert next(iter(alone.decks[0].subdecks)).split("::")[0] == title  # no clash in the package: the title alone


def _deck_with_title(workspace: Workspace, tmp_path: Path, slug: str, title: str) -> None:
    document = tmp_path / f"{slug}.md"
    text = f"# Prep\n\n## Likely Interview Questions\n### {slug} topics\n- Why {slug}?\n"
    document.write_text(text, encoding="utf-8")
    import_document(workspace, document, FIXED_NOW, deck=slug)
    save_deck(workspace, load_deck(workspace, slug).but(title=title))


@pytest.mark.parametrize(
    "titles",
    [
        ("Acme – SRE", "ACME – sre"),  # Anki tells deck names apart case-insensitively
        ("Straße – Eng", "STRASSE – eng"),  # with full Unicode case folding
        ("Acme – SRE", "  Acme   –  SRE "),  # spaces are collapsed in the Anki name
        ("Acme::SRE", "Acme:SRE"),  # `::` is flattened to `:` in the Anki name
        ("Acme\x07 – SRE\x7f", "Acme – SRE"),  # Anki drops control characters from a deck name
        ("Acme (b)", "Acme", "acme"),  # a title that reads like another deck's disambiguated name
        (" :: ", "Other"),  # a title that gives no Anki name at all
        ("default", "Other"),  # every Anki collection has its own "Default" deck
    ],
)
def test_titles_anki_would_take_for_one_name_stay_separate_deck_trees(tmp_path: Path, titles: tuple) -> None:
    workspace = Workspace(tmp_path / "ws")
    slugs = [chr(ord("a") + index) for index in range(len(titles))]
    for slug, title in zip(slugs, titles, strict=True):
        _deck_with_title(workspace, tmp_path, slug, title)
    package = tmp_path / "all.apkg"
    result = export_decks(workspace, slugs, package, FIXED_NOW)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, package)
        by_deck = cards_by_deck(col)
        tops = {name.split("::")[0] for name in by_deck}
        assert len(tops) == len(slugs)  # one Anki deck tree per studyprep deck
        assert col.decks.name(1) not in tops  # none of them Anki's own "Default" deck, with the user's cards
        for summary in result.decks:
            (subdeck,) = summary.subdecks
            assert by_deck[subdeck] == summary.notes == 1
            assert subdeck.split("::")[1] == f"{summary.slug} topics"  # never a top-level category deck
    finally:
        col.close()


def test_categories_anki_takes_for_one_name_share_one_subdeck(tmp_path: Path) -> None:
    document = tmp_path / "cats.md"
    document.write_text(
        "# Interview Prep: Acme – SRE\n\n## Likely Interview Questions\n### Go\n- Why one?\n### go\n- Why two?\n"
        "### Networking\n- Why three?\n",
        encoding="utf-8",
    )
    workspace, slug = workspace_with(tmp_path, document)
    assert {tuple(card.category) for card in load_deck(workspace, slug).cards} == {("Go",), ("go",), ("Networking",)}
    result, col, _ = export_and_open(tmp_path, workspace, slug)
    try:
        title = "Acme – SRE"  # company and role: "Interview Prep" is left out
        expected = {f"{title}::Go": 2, f"{title}::Networking": 1}
        assert cards_by_deck(col) == expected == dict(result.decks[0].subdecks)  # Anki had added a "go_" deck
    finally:
        col.close()


def test_mathjax_never_typesets_document_text_and_text_blocks_take_their_own_direction(tmp_path: Path) -> None:
    document = tmp_path / "math.md"
    document.write_text(
        "# Interview Prep: Acme – SRE\n\n## Likely Interview Questions\n### Math\n"
        "- What is \\(x^2\\) when x is 3? -> \\[9\\], and שלום is hello\n",
        encoding="utf-8",
    )
    workspace, slug = workspace_with(tmp_path, document)
    _, col, _ = export_and_open(tmp_path, workspace, slug)
    try:
        card = load_deck(workspace, slug).cards[0]
        anki_card = card_for_guid(col, anki_model.note_guid(slug, card.id))
        question, answer = anki_card.question(), anki_card.answer()
        # Anki's own renderer leaves the delimiters in; MathJax 3 skips every element inside `mathjax_ignore`
        # (MathJax 2 inside `tex2jax_ignore`), and each card's text sits inside one with both classes.
        assert "\\(x^2\\)" in question and "\\&#91;9\\]" in answer  # the browser reads `&#91;` as `[`
        for rendered in (question, answer):
            body = rendered.split("</style>", 1)[-1]
            assert body.count("mathjax_ignore tex2jax_ignore") == body.count('<div class="sp ') >= 1
            assert body.index("mathjax_ignore") < body.index("\\(x^2\\)")
        assert '<div class="sp-prompt" dir="auto">' in question
        assert '<div class="sp-back" dir="auto">' in answer and "שלום" in answer
    finally:
        col.close()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_note_guids_are_genankis(slug: str, card_id: str) -> None:
    assert anki_model.note_guid(slug, card_id) == genanki.guid_for(slug, card_id)


class _GenankiNote(genanki.Note):
    """genanki's own note, with the note's fixed id and modification time: what `anki_model.ExportNote` writes
    without genanki's per-note objects."""

    def __init__(self, *, note_id: int, modified: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.note_id, self.modified = note_id, modified

    def write_to_db(self, cursor: object, timestamp: float, deck_id: int, id_gen: object) -> None:
        super().write_to_db(cursor, self.modified, deck_id, iter([self.note_id] * (1 + len(self.cards))))


def _genanki_deck(deck: genanki.Deck) -> genanki.Deck:
    """The same deck made of genanki notes, built from what each of our notes writes (fields never hold U+001F,
    tags never a space), their cards worked out by genanki and suspended as ours."""
    copy = genanki.Deck(deck.deck_id, deck.name, deck.description)
    for note in deck.notes:
        note_id, guid, _, modified, _, tags, fields, *_ = note.row
        ours = _GenankiNote(model=note.model, fields=fields.split("\x1f"), tags=tags.split(), guid=guid, due=note.due,
                            note_id=note_id, modified=modified)  # fmt: skip
        assert [card.ord for card in ours.cards] == list(note.ords)
        for card in ours.cards:
            card.suspend = note.suspend
        copy.add_note(ours)
    return copy


def test_the_collection_is_written_as_genanki_writes_it_deck_by_deck(tmp_path: Path) -> None:
    """`ScheduledPackage` reads and writes the collection's deck and note-type JSON once for all the decks, and
    writes each note's row as built (`ExportNote`); genanki's `Package.write_to_db` does it once a deck, from its own
    notes: the same rows and the same JSON text come out (note types written again by later decks included), then
    `schedVer` set in the settings."""
    documents = sample_paths()[:3]
    workspace = Workspace(tmp_path / "ws")
    slugs = [import_document(workspace, document, FIXED_NOW).deck for document in documents]
    decks = [load_deck(workspace, slug) for slug in slugs]
    decks[0] = decks[0].but(cards=[card.but(suspended=index % 3 == 0) for index, card in enumerate(decks[0].cards)])
    package = build_package(decks).package
    assert len(package.decks) > 3 and len({note.model.model_id for d in package.decks for note in d.notes}) > 1
    assert any(note.suspend for d in package.decks for note in d.notes)
    genanki_package = genanki.Package([_genanki_deck(deck) for deck in package.decks])

    def written(write: Callable[[sqlite3.Cursor], None]) -> list[str]:
        connection = sqlite3.connect(":memory:")
        write(connection.cursor())
        return list(connection.iterdump())

    def genankis(cursor: sqlite3.Cursor) -> None:
        genanki.Package.write_to_db(genanki_package, cursor, 1_700_000_000.0, itertools.count(1_700_000_000_000))
        (conf,) = cursor.execute("SELECT conf FROM col").fetchone()
        cursor.execute("UPDATE col SET conf = ?", (json.dumps({**json.loads(conf), "schedVer": 2}, sort_keys=True),))

    ours = written(lambda cursor: package.write_to_db(cursor, 1_700_000_000.0, itertools.count(1_700_000_000_000)))
    assert ours == written(genankis)
    assert any('"schedVer": 2' in line for line in ours)
