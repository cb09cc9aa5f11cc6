"""`anki-pull` on hostile or broken Anki files: one clear line naming the file, nothing changed, bounded work.

Every file of the corpus is built here (none is committed): a hand-made collection with Anki's three tables and
one thing wrong, or a package (zip) that is broken or built to expand without end.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW, no_hang
from test_anki_pull import REVLOG_SCHEMA, T0, handmade_collection

from studyprep.anki import model as anki_model
from studyprep.anki.collection import read_history
from studyprep.cli import cli
from studyprep.commands.anki_pull import pull_reviews
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.store.db import database_path
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

NOW_ENV = {"STUDYPREP_NOW": "2026-01-05T09:00:00Z"}


def ms(year: int, month: int = 6, day: int = 1) -> int:
    """A revlog id: epoch milliseconds of a date."""
    return int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000)


Builder = Callable[[Path, str], Path]


# -- builders: each writes one hostile file into a folder and returns its path ---------------------------------


def good(folder: Path, guid: str, name: str = "collection.anki2") -> Path:
    """A valid collection: the studyprep note `guid` with three answers."""
    revlog = [(T0, 1, 3, 8000, 0), (T0 + 60_000, 1, 4, 3000, 1), (T0 + 120_000, 1, 1, 5000, 1)]
    return handmade_collection(folder / name, [guid], revlog)


def with_sql(*statements: str) -> Builder:
    """A valid collection, then `statements` run on it (`{guid}` filled in)."""

    def build(folder: Path, guid: str) -> Path:
        path = good(folder, guid)
        with sqlite3.connect(path) as db:
            for statement in statements:
                db.execute(statement.format(guid=guid))
        return path

    return build


def revlog_row(values: str) -> Builder:
    """A valid collection plus one more revlog row `(id, cid, ease, time, type)` given as SQL literals."""
    return with_sql(f"INSERT INTO revlog (id, cid, ease, time, type) VALUES ({values})")  # noqa: S608 - test data


def from_schema(schema: str, *statements: str) -> Builder:
    """A collection made from `schema` alone (no Anki tables unless it makes them), then `statements`."""

    def build(folder: Path, guid: str) -> Path:
        path = folder / "collection.anki2"
        with sqlite3.connect(path) as db:
            db.executescript(schema)
            for statement in statements:
                db.execute(statement.format(guid=guid))
        return path

    return build


def swap_table(table: str, replacement: str) -> Builder:
    """Anki's schema with `table` replaced by `replacement` (a view, a virtual table, another shape)."""
    kept = [part for part in REVLOG_SCHEMA.split(";") if part.strip() and f"TABLE {table} " not in part]
    return from_schema(";".join([*kept, replacement]) + ";")


def raw_bytes(content: bytes, name: str = "collection.anki2") -> Builder:
    def build(folder: Path, _guid: str) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return build


def truncated(keep: int) -> Builder:
    """A valid collection of some size cut after `keep` bytes (a copy interrupted half-way)."""

    def build(folder: Path, guid: str) -> Path:
        path = good(folder, guid)
        with sqlite3.connect(path) as db:
            db.executemany(
                "INSERT INTO revlog (id, cid, ease, time, type) VALUES (?, 1, 3, 1000, 1)",
                [(T0 + 1000 * index + 7,) for index in range(1, 3000)],
            )
        data = path.read_bytes()
        path.write_bytes(data[: keep if keep > 0 else len(data) // 2])
        return path

    return build


def corrupted_pages(folder: Path, guid: str) -> Path:
    """A valid header, then every page after the first overwritten with noise."""
    path = truncated(10**9)(folder, guid)
    data = bytearray(path.read_bytes())
    noise = hashlib.sha256(b"noise").digest() * (len(data) // 32 + 1)
    data[4096:] = noise[: len(data) - 4096]
    path.write_bytes(bytes(data))
    return path


def package(entry: str = "collection.anki2", *, method: int = zipfile.ZIP_DEFLATED, flags: int = 0,
            mode: int = 0, content: Builder | bytes | None = None) -> Builder:  # fmt: skip
    """A `.colpkg` whose `entry` holds `content` (a built collection, bytes; default a valid collection)."""

    def build(folder: Path, guid: str) -> Path:
        inner = content if content is not None else good
        data = inner if isinstance(inner, bytes) else inner(folder, guid).read_bytes()
        info = zipfile.ZipInfo(entry, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = method
        info.external_attr = mode << 16
        path = folder / "hostile.colpkg"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(info, data)
        if flags:
            _set_flags(path, entry, flags)
        return path

    return build


def _set_flags(path: Path, entry: str, flags: int) -> None:
    """Set general-purpose flag bits (e.g. 0x1, encrypted) in both the local and the central header."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        current = int.from_bytes(data[at + offset : at + offset + 2], "little")
        data[at + offset : at + offset + 2] = (current | flags).to_bytes(2, "little")
    path.write_bytes(bytes(data))


def deflate_bomb(folder: Path, _guid: str) -> Path:
    """A small `.colpkg` whose collection inflates to 64 MB of zeros (streamed: the test never holds it)."""
    path = folder / "bomb.colpkg"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("collection.anki2", "w") as out:
        out.write(b"SQLite format 3\x00")
        zeros = bytes(1 << 20)
        for _ in range(64):
            out.write(zeros)
    return path


def zstd_bomb(folder: Path, _guid: str) -> Path:
    """A modern package whose zstd collection expands to 64 MB."""
    compressor = zstandard.ZstdCompressor()
    with compressor.stream_writer(out := _Sink()) as writer:
        zeros = bytes(1 << 20)
        for _ in range(64):
            writer.write(zeros)
    return package("collection.anki21b", method=zipfile.ZIP_STORED, content=out.data())(folder, _guid)


class _Sink:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def data(self) -> bytes:
        return b"".join(self.parts)


def skippable_frames(folder: Path, guid: str) -> Path:
    """zstd skippable frames (ignored by a decoder: no output at all) deflated inside the zip: input without end."""
    frame = b"\x50\x2a\x4d\x18" + (1 << 20).to_bytes(4, "little") + bytes(1 << 20)
    return package("collection.anki21b", content=frame * 64)(folder, guid)


def wal_link(target: str | None) -> Builder:
    """A valid collection whose `-wal` is a link to `target` (None: to a file of WAL-like bytes beside it)."""

    def build(folder: Path, guid: str) -> Path:
        path = good(folder, guid)
        if target is None:
            (folder / "elsewhere").write_bytes(bytes(4096))
        path.with_name(path.name + "-wal").symlink_to(target or folder / "elsewhere")
        return path

    return build


def link_to(target: str) -> Builder:
    def build(folder: Path, _guid: str) -> Path:
        path = folder / "collection.anki2"
        path.symlink_to(target)
        return path

    return build


def a_fifo(folder: Path, _guid: str) -> Path:
    path = folder / "collection.anki2"
    os.mkfifo(path)
    return path


def a_folder(folder: Path, _guid: str) -> Path:
    path = folder / "collection.anki2"
    path.mkdir()
    return path


def loose_revlog(values: str) -> Builder:
    """A collection whose revlog has no declared types or key (so any value fits), with one row of `values`."""

    def build(folder: Path, guid: str) -> Path:
        path = swap_table("revlog", "CREATE TABLE revlog (id, cid, ease, time, type)")(folder, guid)
        with sqlite3.connect(path) as db:
            db.execute("INSERT INTO notes (id, guid) VALUES (1, ?)", (guid,))
            db.execute("INSERT INTO cards (id, nid, ord) VALUES (1, 1, 0)")
            db.execute(f"INSERT INTO revlog VALUES ({values})")  # noqa: S608 - test data
        return path

    return build


def wal_fifo(folder: Path, guid: str) -> Path:
    path = good(folder, guid)
    os.mkfifo(path.with_name(path.name + "-wal"))
    return path


NOTES_WITHOUT_CHECKS = "CREATE TABLE notes (id, guid, flds)"
CORPUS: dict[str, tuple[Builder, str]] = {
    "ease is text": (revlog_row(f"{T0 + 1}, 1, 'three', 1000, 1"), "ease"),
    "ease is NULL": (revlog_row(f"{T0 + 1}, 1, NULL, 1000, 1"), "ease"),
    "ease is 7": (revlog_row(f"{T0 + 1}, 1, 7, 1000, 1"), "ease"),
    "ease is 2.5": (revlog_row(f"{T0 + 1}, 1, 2.5, 1000, 1"), "ease"),
    "ease is a blob": (revlog_row(f"{T0 + 1}, 1, x'03', 1000, 1"), "ease"),
    "id is 2^63": (loose_revlog("9223372036854775808, 1, 3, 1000, 1"), "review id"),
    "id is -2^63": (revlog_row("-9223372036854775808, 1, 3, 1000, 1"), "review id"),
    "card id is -2^63": (revlog_row(f"{T0 + 1}, -9223372036854775808, 3, 1000, 1"), "card id"),
    "card id is text": (revlog_row(f"{T0 + 1}, 'one', 3, 1000, 1"), "card id"),
    "note id is text": (
        from_schema(
            REVLOG_SCHEMA.replace("CREATE TABLE notes (id INTEGER PRIMARY KEY,", "CREATE TABLE notes (id TEXT,"),
            "INSERT INTO notes (id, guid) VALUES ('n1', '{guid}')",
        ),
        "note id",
    ),
    "note id of the card is text": (with_sql("UPDATE cards SET nid = 'x' WHERE id = 1"), "note id"),
    "year 9999": (revlog_row(f"{ms(9999)}, 1, 3, 1000, 1"), "dated 9999"),
    "before 1970": (revlog_row("-86400000, 1, 3, 1000, 1"), "review id"),
    "year 1985": (revlog_row(f"{ms(1985)}, 1, 3, 1000, 1"), "dated 1985"),
    "year 2150": (revlog_row(f"{ms(2150)}, 1, 3, 1000, 1"), "dated 2150"),
    "two days ahead": (revlog_row(f"{T0 + 5 * 86_400_000}, 1, 3, 1000, 1"), "outside 1990"),
    "time 1e300": (revlog_row(f"{T0 + 1}, 1, 3, 1e300, 1"), "time"),
    "time infinite": (revlog_row(f"{T0 + 1}, 1, 3, 9e999, 1"), "inf"),
    "time -infinite": (revlog_row(f"{T0 + 1}, 1, 3, -9e999, 1"), "-inf"),
    "time is text": (revlog_row(f"{T0 + 1}, 1, 3, 'slow', 1"), "time"),
    "time 2^62 ms": (revlog_row(f"{T0 + 1}, 1, 3, 4611686018427387904, 1"), "time"),
    "type is text": (revlog_row(f"{T0 + 1}, 1, 3, 1000, 'review'"), "type"),
    "type is 999": (revlog_row(f"{T0 + 1}, 1, 3, 1000, 999"), "type"),
    "guid is NULL": (
        from_schema(
            NOTES_WITHOUT_CHECKS + ";" + REVLOG_SCHEMA.split(";", 1)[1], "INSERT INTO notes (id, guid) VALUES (1, NULL)"
        ),
        "guid",
    ),
    "guid is a blob": (with_sql("UPDATE notes SET guid = x'00ff' WHERE id = 1"), "guid"),
    "guid of 2000 characters": (with_sql("UPDATE notes SET guid = printf('%2000s', 'g') WHERE id = 1"), "guid"),
    "notes is a recursive view": (
        swap_table(
            "notes",
            "CREATE VIEW notes AS WITH RECURSIVE r(id, guid) AS"
            " (SELECT 1, 'g' UNION ALL SELECT id + 1, guid FROM r) SELECT id, guid FROM r",
        ),
        "notes is a view",
    ),
    "cards is a view": (swap_table("cards", "CREATE VIEW cards AS SELECT 1 AS id, 1 AS nid"), "cards is a view"),
    "revlog is a view": (
        swap_table("revlog", "CREATE VIEW revlog AS SELECT 1 AS id, 1 AS cid, 3 AS ease, 1 AS time, 1 AS type"),
        "revlog is a view",
    ),
    "revlog is a virtual table": (
        swap_table("revlog", "CREATE VIRTUAL TABLE revlog USING fts5(id, cid, ease, time, type)"),
        "virtual table",
    ),
    "a trigger on revlog": (
        with_sql("CREATE TRIGGER t AFTER INSERT ON revlog BEGIN DELETE FROM notes; END"),
        "triggers",
    ),
    "a trigger elsewhere": (
        with_sql("CREATE TABLE col (id)", "CREATE TRIGGER boom BEFORE DELETE ON col BEGIN SELECT 1; END"),
        "triggers",
    ),
    "computed ease": (
        swap_table(
            "revlog",
            "CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid, time, type, ease AS (length(zeroblob(1000000000))))",
        ),
        "computed",
    ),
    "no revlog table": (from_schema(REVLOG_SCHEMA.rsplit("CREATE TABLE revlog", 1)[0]), "no revlog table"),
    "no notes table": (swap_table("notes", "CREATE TABLE other (x)"), "no notes table"),
    "no tables at all": (from_schema("CREATE TABLE x (y)"), "no notes table"),
    "no guid column": (swap_table("notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, flds TEXT)"), "guid"),
    "revlog without keys, text ids": (loose_revlog(f"'{T0}', 1, 3, 1000, 1"), "review id"),
    "truncated collection": (truncated(0), "not a readable Anki collection"),
    "header only": (truncated(100), "not a readable Anki collection"),
    "damaged pages": (corrupted_pages, "not a readable Anki collection"),
    "empty file": (raw_bytes(b""), "empty"),
    "not a zip": (raw_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100), "pic.colpkg"), "not an Anki file"),
    "truncated zip": (raw_bytes(b"PK\x03\x04" + bytes(60), "cut.colpkg"), "cannot read the Anki package"),
    "encrypted entry": (package(flags=0x1), "encrypted"),
    "bzip2 entry": (package(method=zipfile.ZIP_BZIP2), "compression method 12"),
    "lzma entry": (package(method=zipfile.ZIP_LZMA), "compression method 14"),
    "entry is a link": (package(mode=0o120777, content=b"/dev/zero"), "not a regular file"),
    "entry is a folder": (package("collection.anki2/"), "holds no Anki collection"),
    "zip bomb (deflate)": (deflate_bomb, "zip bomb"),
    "zip bomb (zstd)": (zstd_bomb, "zip bomb"),
    "endless zstd skippable frames": (skippable_frames, "zip bomb"),
    "broken zstd": (package("collection.anki21b", content=b"\x28\xb5\x2f\xfd garbage"), "damaged compressed"),
    "triggers inside a package": (
        package(content=with_sql("CREATE TRIGGER t AFTER DELETE ON notes BEGIN SELECT 1; END")),
        "triggers",
    ),
    "wal linked to /dev/zero": (wal_link("/dev/zero"), "is a link"),
    "wal linked to a file": (wal_link(None), "is a link"),
    "wal is a fifo": (wal_fifo, "not a regular file"),
    "collection linked to /dev/zero": (link_to("/dev/zero"), "not a regular file"),
    "collection is a fifo": (a_fifo, "not a regular file"),
    "collection is a folder": (a_folder, "folder"),
}


# -- the workspace every case runs against -------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A workspace with the example deck and one earlier pull (so reviews.db holds Anki reviews already)."""
    root = tmp_path_factory.mktemp("template")
    workspace = Workspace(root / "ws")
    slug = import_document(workspace, EXAMPLE, FIXED_NOW).deck
    guid = anki_model.note_guid(slug, load_deck(workspace, slug).cards[0].id)
    earlier = handmade_collection(root / "earlier.anki2", [guid], [(T0 - 86_400_000, 1, 3, 1000, 0)])
    assert pull_reviews(workspace, earlier, FIXED_NOW + timedelta(days=4)).added == 1
    return workspace.root, guid


def fresh_copy(template: tuple[Path, str], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the template workspace and an empty folder for input files."""
    root = tmp_path / "ws"
    shutil.copytree(template[0], root)
    (tmp_path / "inputs").mkdir()
    return root, tmp_path / "inputs"


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temp folder, for this test: the private copies go (and must leave) here."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_a_hostile_file_gives_one_line_and_changes_nothing(
    case: str, template: tuple[Path, str], tmp_path: Path, private_tmp: Path
) -> None:
    build, expected = CORPUS[case]
    root, inputs = fresh_copy(template, tmp_path)
    hostile = build(inputs, template[1])
    before = snapshot(root)
    with no_hang(60):
        result = CliRunner().invoke(cli, ["--home", str(root), "anki-pull", str(hostile)], env=NOW_ENV)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback: a clean exit
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {hostile}"), lines[0]
    assert expected in lines[0], lines[0]
    assert result.stdout == ""
    assert snapshot(root) == before
    assert list(private_tmp.iterdir()) == []  # the private copy is gone


def test_the_same_collection_without_the_fault_is_pulled(
    template: tuple[Path, str], tmp_path: Path, private_tmp: Path
) -> None:
    """The builders' base is valid: what the corpus refuses is the one fault each case adds."""
    root, inputs = fresh_copy(template, tmp_path)
    for index, build in enumerate((good, package())):
        (inputs / str(index)).mkdir()
        path = build(inputs / str(index), template[1])
        result = CliRunner().invoke(cli, ["--home", str(root), "anki-pull", str(path), "--json"], env=NOW_ENV)
        assert result.exit_code == 0, result.output
    assert list(private_tmp.iterdir()) == []


def test_a_query_past_the_time_limit_is_stopped(tmp_path: Path, private_tmp: Path) -> None:
    revlog = [(T0 + index, 1, 3, 1000, 1) for index in range(5000)]
    path = handmade_collection(tmp_path / "c.anki2", ["g"], revlog)
    assert len(read_history(path, FIXED_NOW).reviews) == 5000
    with pytest.raises(StudyprepError, match=r"took longer than 0 s"):
        read_history(path, FIXED_NOW, query_seconds=0)
    assert list(private_tmp.iterdir()) == []


def test_a_package_within_the_cap_is_read_and_the_cap_scales_with_its_size(tmp_path: Path) -> None:
    # 3 MB of collection in a 30 KB package is over 100 times its size; padded to 40 KB of noise it is not.
    collection = handmade_collection(tmp_path / "c.anki2", ["g"], [(T0, 1, 3, 1000, 1)])
    with sqlite3.connect(collection) as db:
        db.execute("CREATE TABLE padding (x)")
        db.execute("INSERT INTO padding VALUES (zeroblob(3000000))")
    small = tmp_path / "small.colpkg"
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(collection, "collection.anki2")
    with pytest.raises(StudyprepError, match="zip bomb"):
        read_history(small, FIXED_NOW)
    padded = tmp_path / "padded.colpkg"
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(collection, "collection.anki2")
        archive.writestr(zipfile.ZipInfo("media"), os.urandom(40_000), zipfile.ZIP_STORED)
    assert len(read_history(padded, FIXED_NOW).reviews) == 1


# -- SIGTERM: the private copy goes, and a pull stopped while writing leaves nothing half-written -----------------


def log_count(root: Path) -> int:
    with contextlib.closing(sqlite3.connect(database_path(Workspace(root)))) as db:
        return int(db.execute("SELECT count(*) FROM review_log").fetchone()[0])


PAUSED_PULL = """
import sys
from studyprep.anki import collection as anki_collection
from studyprep.commands import anki_pull
target = {module}
original = getattr(target, {function!r})
def paused(*args):
    print("paused", flush=True)
    sys.stdin.readline()
    return original(*args)
setattr(target, {function!r}, paused)
from studyprep.cli import main
sys.argv = ["studyprep", "--home", {home!r}, "anki-pull", {collection!r}]
main()
"""


@pytest.mark.parametrize(("module", "function"), [("anki_collection", "_check_schema"), ("anki_pull", "_write_plan")])
def test_sigterm_removes_the_private_copy_and_writes_nothing(
    module: str, function: str, template: tuple[Path, str], tmp_path: Path
) -> None:
    root, inputs = fresh_copy(template, tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    collection = good(inputs, template[1])
    logged = log_count(root)
    before = snapshot(root)
    script = PAUSED_PULL.format(module=module, function=function, home=str(root), collection=str(collection))
    env = {**os.environ, **NOW_ENV, "TMPDIR": str(temp)}
    with no_hang(120, waiting=True), subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, text=True,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline() == "paused\n"
        copies = list(temp.iterdir())
        if module == "anki_collection":  # paused while checking the copy; else paused inside the write
            assert len(copies) == 1 and (copies[0] / "collection.sqlite").is_file()
        process.terminate()
        stderr = process.stderr.read()
        assert process.wait() == 143
    assert len(stderr.splitlines()) == 1 and "stopped by SIGTERM; nothing was written" in stderr, stderr
    assert list(temp.iterdir()) == []
    assert log_count(root) == logged
    if module == "anki_collection":
        assert snapshot(root) == before
