"""`studyprep anki-pull` of a real Anki collection holding 1,000,000 reviews of studyprep's cards: goal under 30 s,
and the review database's write lock held no more than a moment.

Built once per run: a workspace with a deck of `BENCH_ANKI_PULL_CARDS` cards (default 10,000), exported with
`studyprep export`; a real collection made by the `anki` library, the package imported into it as Anki's File >
Import does; then `BENCH_ANKI_PULL_REVIEWS` reviews per card (default 100) written straight into its revlog in one
transaction (the library has no bulk call for a year of answers): ids are millisecond times over the year before
the pull, round-robin over the cards, with plausible buttons, types, intervals and times. `studyprep anki-pull` is
then timed as a whole process (wall and CPU). Meanwhile a second connection keeps asking the review database for
its write lock (`BEGIN IMMEDIATE`, then straight `ROLLBACK`) every few milliseconds: the longest it waited is how
long the pull held the lock. The pull's own `--json` counts are checked (every review added).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import installed_env, run_child

__all__ = ["PulledFigures", "build_bench", "pull_figures", "run"]

GOAL_SECONDS = 30.0
LOCK_GOAL_SECONDS = 1.0  # "a moment": a terminal review waiting this long still feels instant
DECKED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)  # bench.export.big_deck's cards were added then
PULLED = DECKED + timedelta(days=366)
YEAR_MS = 365 * 86_400_000
PROBE_SECONDS = 0.005
STUDYPREP = [sys.executable, "-m", "studyprep"]


@dataclass(frozen=True)
class PulledFigures:
    """One measured pull: whole-process wall and CPU seconds, the longest wait for the write lock, its output."""

    wall: float
    cpu: float
    lock_held: float
    result: dict[str, object]


def build_bench(folder: Path, cards: int, per_card: int) -> tuple[Path, Path]:
    """A workspace with a deck of `cards` cards and an Anki collection where each was answered `per_card` times
    (see the module's docstring); return (workspace root, collection file)."""
    from bench.export import big_deck
    from studyprep.store.deckstore import save_deck
    from studyprep.store.workspace import Workspace

    root = folder / "ws"
    save_deck(Workspace(root), big_deck(cards))
    package = folder / "deck.apkg"
    exported = _environment(root, DECKED + timedelta(hours=1))
    run_child([*STUDYPREP, "export", "--all", "-o", str(package)], exported)
    collection = folder / "anki" / "collection.anki2"
    _import_into_anki(package, collection)
    _write_revlog(collection, per_card)
    return root, collection


def _environment(root: Path, now: datetime) -> dict[str, str]:
    # A zone with summer time: study days (which fsrs is fed) cross its changes.
    return {**os.environ, "STUDYPREP_HOME": str(root), "STUDYPREP_NOW": now.isoformat(), "TZ": "Europe/Amsterdam"}


def _import_into_anki(package: Path, collection: Path) -> None:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    collection.parent.mkdir(parents=True)
    col = Collection(str(collection))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
    finally:
        col.close()


def _write_revlog(collection: Path, per_card: int) -> None:
    """`per_card` answers of every card, round-robin over the year before the pull, in one transaction."""
    with sqlite3.connect(collection) as db:
        card_ids = [row[0] for row in db.execute("SELECT id FROM cards ORDER BY id")]
        db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, -1, ?, ?, ?, 2500, ?, ?)",
            _revlog_rows(card_ids, per_card),
        )
    db.close()


def _revlog_rows(card_ids: list[int], per_card: int) -> list[tuple[int, int, int, int, int, int, int]]:
    """(id, cid, ease, ivl, lastIvl, time, type): a first learning answer, then reviews; after an again, relearning;
    a rare manual reschedule (type 4, ease 0), which is no answer."""
    draw = random.Random(21)
    total = len(card_ids) * per_card
    first = int((PULLED - timedelta(days=1)).timestamp() * 1000) - YEAR_MS
    step = YEAR_MS // total
    last_ease: dict[int, int] = {}
    rows = []
    for index in range(total):
        card = card_ids[index % len(card_ids)]
        ease = draw.choices((1, 2, 3, 4), (10, 10, 70, 10))[0]
        kind = 0 if card not in last_ease else 2 if last_ease[card] == 1 else 1
        if draw.random() < 0.002:
            ease, kind = 0, 4
        interval = 0 if kind != 1 else draw.randint(1, 60)
        rows.append((first + index * step, card, ease, interval, interval // 2, draw.randint(1500, 30_000), kind))
        last_ease[card] = ease
    return rows


def pull_figures(root: Path, collection: Path) -> PulledFigures:
    """Run `studyprep anki-pull --json` on the collection as a whole process, probing the write lock meanwhile."""
    env = installed_env(_environment(root, PULLED))
    database = root / "schedules" / "reviews.db"
    probe = _LockProbe(database)
    probe.start()
    try:
        run = run_child([*STUDYPREP, "anki-pull", "--json", str(collection)], env)
    finally:
        probe.stop()
    return PulledFigures(run.wall_ms / 1000, run.cpu_ms / 1000, probe.longest, json.loads(run.stdout))


class _LockProbe(threading.Thread):
    """Takes the database's write lock and lets it go at once, every `PROBE_SECONDS`; `longest` is the longest
    it had to wait for it."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.longest = 0.0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.database.exists() and not self.stopping.is_set():
            time.sleep(PROBE_SECONDS)
        db = sqlite3.connect(self.database, timeout=600, isolation_level=None)
        try:
            while not self.stopping.wait(PROBE_SECONDS):
                started = time.perf_counter()
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                self.longest = max(self.longest, time.perf_counter() - started)
        finally:
            db.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def _verdict(seconds: float, goal: float) -> str:
    return f"goal < {goal:g} s" + ("" if seconds < goal else " MISSED goal")


def run() -> list[tuple[str, str]]:
    """Build the collection, pull it once, and return (name, figure) pairs."""
    cards = int(os.environ.get("BENCH_ANKI_PULL_CARDS", "10000"))
    per_card = int(os.environ.get("BENCH_ANKI_PULL_REVIEWS", "100"))
    with tempfile.TemporaryDirectory(prefix="studyprep-bench-pull-") as folder:
        started = time.perf_counter()
        root, collection = build_bench(Path(folder), cards, per_card)
        built = time.perf_counter() - started
        figures = pull_figures(root, collection)
    label = f"anki-pull {cards:,} cards x {per_card} reviews"
    added = figures.result["added"]
    return [
        (f"{label}, collection built", f"{built:.1f} s (not measured: deck, export, Anki import, revlog rows)"),
        (
            f"{label}, whole process",
            f"{figures.wall:.1f} s wall, {figures.cpu:.1f} s CPU; {_verdict(figures.wall, GOAL_SECONDS)}"
            f" ({added:,} reviews added)",
        ),
        (
            f"{label}, write lock held (longest wait of a writer)",
            f"{figures.lock_held:.2f} s; {_verdict(figures.lock_held, LOCK_GOAL_SECONDS)}",
        ),
    ]
