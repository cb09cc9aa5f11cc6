"""The review database's cache of parsed deck files (`store.db.deckcache`): the deck it serves is always the one
in the file, whatever happened to the file or to the cached row, and an export from it is the same package."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyprep.cards.models import Card, Deck, ReferenceNote
from studyprep.commands.export import export_decks
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.result import to_json
from studyprep.store.db import APPLICATION_ID, MIGRATIONS, database_path, open_store
from studyprep.store.db.deckcache import cached_deck, deck_from_data
from studyprep.store.deckstore import deck_to_yaml, load_deck_file, save_deck
from studyprep.store.workspace import Workspace
from tests.helpers import EXAMPLE, FIXED_NOW

SLUG = "acme-sre"


def odd_deck() -> Deck:
    """A deck with what a cache could get wrong: offsets, a naive time, retired, suspended, by hand, emoji,
    Unicode line breaks, empty and multi-line text, reference notes."""
    plus_two = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    minus_half = datetime(2026, 3, 2, 8, 30, 0, 250, tzinfo=timezone(-timedelta(hours=5, minutes=30)))
    cards = [
        Card(id="q-one", kind="question", category=["Go", "Channels"], prompt="Why `select`? 🚀", back="- a\n- b",
             notes="mine\u2028line", tags=["go", "x y"], source=3, added=FIXED_NOW, changed=plus_two),
        Card(id="c-two", kind="concept", prompt="CAP", context="distributed", added=minus_half,
             changed=datetime(2026, 3, 3, 9, 0), retired=FIXED_NOW + timedelta(days=2), suspended=True),
        Card(id="f-three", kind="fact", prompt="Mission", back="", added=FIXED_NOW, changed=FIXED_NOW, by_hand=True),
    ]  # fmt: skip
    reference = [ReferenceNote(section="Fit", kind="fit", text="Why me\n\nBecause.", source=9)]
    return Deck(slug=SLUG, title="Acme – SRE", company="Acme", role="SRE", source="acme.md", cards=cards,
                reference=reference)  # fmt: skip


def cached_row(workspace: Workspace) -> tuple[int, int, str, str] | None:
    with sqlite3.connect(database_path(workspace)) as conn:
        row = conn.execute("SELECT size, mtime_ns, sha256, data FROM deck_cache WHERE deck = ?", (SLUG,)).fetchone()
    conn.close()
    return row


def test_a_cached_deck_is_the_deck_its_file_holds(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    parsed = load_deck_file(path)
    with open_store(workspace) as store:
        first, text = store.read_deck_file(path)  # parsed, then cached
        assert cached_row(workspace) is not None
        second, again = store.read_deck_file(path)  # from the cache
    assert first == second == parsed == odd_deck()
    assert text == again == path.read_text(encoding="utf-8")
    # The same times, offsets and their names (`%Z`) as the file's validation gives.
    for cached, read in zip(second.cards, parsed.cards, strict=True):
        for name in ("added", "changed", "retired"):
            mine, theirs = getattr(cached, name), getattr(read, name)
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert (mine.utcoffset(), mine.tzname(), mine.isoformat()) == (
                    theirs.utcoffset(), theirs.tzname(), theirs.isoformat())  # fmt: skip


def test_the_deck_served_is_the_cached_row_while_the_file_is_unchanged(tmp_path: Path) -> None:
    # A row that says something else under the file's hash is served: the cache, not the YAML, was read.
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    with open_store(workspace) as store:
        store.read_deck_file(path)
        other = odd_deck().but(title="From the cache")
        size, mtime_ns, sha256, _ = cached_row(workspace)
        from studyprep.store.db.deckcache import remember_deck

        remember_deck(store.db, other, size, mtime_ns, sha256)
        assert store.read_deck_file(path)[0].title == "From the cache"


def test_a_hand_edit_that_keeps_size_and_mtime_is_read_from_the_file(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    with open_store(workspace) as store:
        store.read_deck_file(path)
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("prompt: CAP", "prompt: CAT"), encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # `touch -d` back
        assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
        deck, _ = store.read_deck_file(path)
    assert deck.cards[1].prompt == "CAT"
    assert deck == load_deck_file(path)


def test_a_touch_alone_still_serves_the_cache_and_a_real_edit_replaces_the_row(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    with open_store(workspace) as store:
        store.read_deck_file(path)
        first = cached_row(workspace)
        os.utime(path, ns=(1, 1_000_000_000))
        assert store.read_deck_file(path)[0] == odd_deck()
        assert cached_row(workspace) == first  # same bytes: nothing to parse or write
        edited = odd_deck().but(title="Acme – Staff SRE")
        path.write_text(deck_to_yaml(edited), encoding="utf-8")
        assert store.read_deck_file(path)[0] == edited
        assert cached_row(workspace)[2] != first[2]


def signed(data: str) -> tuple[bytes, str]:
    """A row's data with the checksum that matches it (damage the checksum does not catch)."""
    return data.encode(), hashlib.sha256(data.encode()).hexdigest()


@pytest.mark.parametrize(
    ("data", "checksum"),
    [
        ("not json", None),  # the checksum written with the good data
        ('{"format": 1, "deck"', None),
        (b"\x00\xff", "x"),
        signed("not json")[::-1],  # the checksum as text in place of the data
        ("{}", hashlib.sha256(b"{}").hexdigest()),  # text, not the bytes written
        signed("not json"),
        signed("[1, 2]"),
        signed('{"format": 1, "deck": {"cards": [{}]}}'),
        signed('{"format": 1, "deck": {"slug": "acme-sre", "cards": [], "reference": [{"nope": 1}]}}'),
        signed('{"format": 99, "deck": {}}'),
    ],
)
def test_a_damaged_row_is_recomputed_from_the_file_never_an_error(
    tmp_path: Path, data: str | bytes, checksum: str | None
) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    with open_store(workspace) as store:
        store.read_deck_file(path)
        good = cached_row(workspace)
        store.conn.execute("UPDATE deck_cache SET data = ?, data_sha256 = coalesce(?, data_sha256)", (data, checksum))
        assert store.read_deck_file(path)[0] == odd_deck()
        assert cached_row(workspace) == good  # written again
        assert cached_deck(store.db, SLUG, good[0], good[2]) == odd_deck()


def test_a_row_edited_in_place_is_caught_by_its_checksum(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    with open_store(workspace) as store:
        store.read_deck_file(path)
        store.conn.execute("UPDATE deck_cache SET data = CAST(replace(CAST(data AS TEXT), 'CAP', 'CAT') AS BLOB)")
        assert store.read_deck_file(path)[0].cards[1].prompt == "CAP"


def test_a_broken_file_is_never_cached_and_raises_with_its_line(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    path.write_text(path.read_text(encoding="utf-8").replace("kind: fact", "kind: fakt"), encoding="utf-8")
    with open_store(workspace) as store:
        for _ in range(2):
            with pytest.raises(StudyprepError) as raised:
                store.read_deck_file(path)
            assert raised.value.line is not None and "kind" in str(raised.value)
    assert cached_row(workspace) is None


def test_the_cache_reads_back_every_shape_deck_data_writes() -> None:
    import json

    from studyprep.cards.models import deck_data
    from studyprep.store.db.deckcache import CACHE_FORMAT, _deck_json

    assert deck_from_data(deck_data(odd_deck())) == odd_deck()
    # Written a card at a time, the JSON is the whole data's.
    assert json.loads(_deck_json(odd_deck())) == {"format": CACHE_FORMAT, "deck": deck_data(odd_deck())}
    assert json.loads(_deck_json(odd_deck().but(cards=[]))) == {
        "format": CACHE_FORMAT,
        "deck": deck_data(odd_deck().but(cards=[])),
    }


def test_a_version_9_database_gets_the_deck_cache_and_keeps_its_rows(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    path = save_deck(workspace, odd_deck())
    db_path = database_path(workspace)
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    for step in MIGRATIONS[:9]:
        step(conn)
    conn.execute("PRAGMA user_version = 9")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("INSERT INTO review_log (deck, card_id, rating, reviewed_at) VALUES (?, 'q-one', 3, 0)", (SLUG,))
    conn.execute("DELETE FROM pending_replay")
    conn.close()
    assert [step.name for step in MIGRATIONS[9:]][:1] == ["deck-cache"]
    with open_store(workspace) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) >= 10
        assert store.conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1
        assert store.read_deck_file(path)[0] == odd_deck()
    assert cached_row(workspace) is not None
    from studyprep.store.history_backups import backups_dir

    assert len(list(backups_dir(db_path).glob("reviews-*-before-migration*"))) == 1  # the version 9 file, kept


def collection_rows(package: Path, folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """The rows of an exported package's collection (notes, cards, and the deck and note-type JSON)."""
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    with sqlite3.connect(folder / "collection.anki2") as conn:
        rows = {table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ("notes", "cards")}  # noqa: S608
        rows["col"] = conn.execute("SELECT decks, models, dconf, tags FROM col").fetchall()
    conn.close()
    return rows


def test_an_export_from_the_cache_writes_the_same_package_as_one_from_the_yaml(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    first = export_decks(workspace, [slug], tmp_path / "first.apkg", FIXED_NOW)  # YAML parsed, then cached
    assert first.notes > 50
    with open_store(workspace) as store:
        assert store.conn.execute("SELECT count(*) FROM deck_cache").fetchone()[0] == 1
    later = export_decks(workspace, [slug], tmp_path / "later.apkg", FIXED_NOW)  # from the cache
    assert to_json(later) | {"path": ""} == to_json(first) | {"path": ""}
    assert collection_rows(tmp_path / "later.apkg", tmp_path / "b") == collection_rows(
        tmp_path / "first.apkg", tmp_path / "a")  # fmt: skip


def test_export_still_works_when_the_review_database_cannot_be_opened(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    path = database_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database, " * 100)
    result = export_decks(workspace, [slug], tmp_path / "out.apkg", datetime(2026, 1, 2, tzinfo=UTC))
    assert result.notes > 50 and (tmp_path / "out.apkg").stat().st_size > 0
    assert path.read_bytes() == b"not a database, " * 100  # left untouched
