"""Anki, the reference: a collection built with the `anki` library to the size of a bench workspace, and what
Anki does for the same figures (open + counts + deck tree; answer_card + get_queued_cards).

The collection's notes are added with the library's bulk `add_notes`; the history (card states and review log
rows) is written through the collection's own database handle, as the library has no bulk call for a year of
answers. Built collections are kept in a temporary folder for the rest of the run (one per size), and each
measurement that answers cards works on a copy.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import child_cpu_ms

__all__ = ["AnkiSize", "answer_ms", "build_collection", "open_counts_ms", "open_counts_tree_ms", "open_tree_ms"]

DECKS = 20
_BUILT: dict[AnkiSize, Path] = {}

# A bare process opening the collection as Anki's main window does before it shows anything.
OPEN_COUNTS_TREE = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
col.sched.counts()
col.sched.deck_due_tree()
col.close()
"""
OPEN_TREE = OPEN_COUNTS_TREE.replace("col.sched.counts()\n", "")
OPEN_COUNTS = OPEN_COUNTS_TREE.replace("col.sched.deck_due_tree()\n", "")


@dataclass(frozen=True)
class AnkiSize:
    """What the collection holds: cards, cards seen (in review), of them due today, and review log rows."""

    cards: int
    seen: int
    due: int
    reviews: int

    def describe(self) -> str:
        """The size as printed beside the figures."""
        return f"{self.cards} cards, {self.seen} seen, {self.due} due today, {self.reviews} review log rows"


def build_collection(size: AnkiSize) -> Path:
    """The path of an Anki collection of `size` (built once per run and kept until the run ends)."""
    if size in _BUILT:
        return _BUILT[size]
    path = _run_folder() / f"{size.cards}-{size.seen}-{size.due}-{size.reviews}" / "collection.anki2"
    path.parent.mkdir(parents=True)
    _build(path, size)
    _BUILT[size] = path
    return path


@functools.cache
def _run_folder() -> Path:
    """A temporary folder for this run's collections, removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="studyprep-bench-anki-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _build(path: Path, size: AnkiSize) -> None:
    from anki.collection import AddNoteRequest, Collection

    col = Collection(str(path))
    try:
        basic = col.models.by_name("Basic")
        per_deck = size.cards // DECKS
        requests = []
        for number in range(DECKS):
            deck_id = col.decks.id(f"Bench::deck {number:02d}")
            for index in range(per_deck):
                note = col.new_note(basic)
                note["Front"] = f"How would you scale service {index}?"
                note["Back"] = "Shard it."
                requests.append(AddNoteRequest(note=note, deck_id=deck_id))
        col.add_notes(requests)
        _write_history(col, size)
        # Every due card is served, as studyprep serves them (Anki's default stops at 200 reviews a day), from
        # the parent of the bench decks.
        config = col.decks.get_config(1)
        config["rev"]["perDay"] = size.cards
        config["new"]["perDay"] = 0
        col.decks.update_config(config)
        col.decks.select(col.decks.id("Bench"))
    finally:
        col.close()


def _write_history(col: object, size: AnkiSize) -> None:
    """Put `size.seen` cards in review (`size.due` of them due today) and spread `size.reviews` log rows over them."""
    db = col.db  # type: ignore[attr-defined]
    today = col.sched.today  # type: ignore[attr-defined]
    card_ids = db.list("SELECT id FROM cards ORDER BY id")
    per_deck = len(card_ids) // DECKS
    seen_per_deck = size.seen // DECKS
    seen = [cid for number in range(DECKS) for cid in card_ids[number * per_deck : number * per_deck + seen_per_deck]]
    due_every = len(seen) / max(size.due, 1)
    due_ids = {seen[int(index * due_every)] for index in range(min(size.due, len(seen)))}
    db.executemany(
        "UPDATE cards SET type = 2, queue = 2, ivl = 20, factor = 2500, reps = 10, due = ? WHERE id = ?",
        [(today - 1 if cid in due_ids else today + 1 + cid % 60, cid) for cid in seen],
    )
    per_card = max(1, size.reviews // max(len(seen), 1))
    start_ms = int((time.time() - 365 * 86400) * 1000)
    rows = (
        (start_ms + index * 1000, cid, 3, 20, 10, 2500, 8000)
        for index, (cid, _) in enumerate((cid, step) for cid in seen for step in range(per_card))
    )
    db.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?, ?, -1, ?, ?, ?, ?, ?, 1)",
        list(rows),
    )


def open_counts_tree_ms(path: Path) -> float:
    """Median CPU ms of a process opening the collection and reading its counts and deck tree."""
    return child_cpu_ms([sys.executable, "-c", OPEN_COUNTS_TREE, str(path)])


def open_tree_ms(path: Path) -> float:
    """Median CPU ms of a process opening the collection and reading its deck tree (the decks screen)."""
    return child_cpu_ms([sys.executable, "-c", OPEN_TREE, str(path)])


def open_counts_ms(path: Path) -> float:
    """Median CPU ms of a process opening the collection and reading today's counts."""
    return child_cpu_ms([sys.executable, "-c", OPEN_COUNTS, str(path)])


def answer_ms(path: Path, answers: int = 200) -> float:
    """Median CPU ms (this process) of `get_queued_cards` + `answer_card` (Good), on a copy of the collection."""
    from anki.cards import Card
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    with tempfile.TemporaryDirectory(prefix="studyprep-bench-anki-answer-") as folder:
        copy = Path(folder) / "collection.anki2"
        shutil.copy(path, copy)
        col = Collection(str(copy))
        try:
            times = []
            for _ in range(answers):
                started = time.process_time()
                queued = col.sched.get_queued_cards(fetch_limit=1).cards
                if not queued:
                    break
                card = Card(col, backend_card=queued[0].card)
                card.start_timer()
                answer = col.sched.build_answer(card=card, states=queued[0].states, rating=CardAnswer.GOOD)
                col.sched.answer_card(answer)
                times.append((time.process_time() - started) * 1000)
        finally:
            col.close()
    return statistics.median(times)


def _check() -> None:
    """Build a small collection and print the figures (`python -m bench.anki_reference`)."""
    size = AnkiSize(cards=1000, seen=800, due=560, reviews=9600)
    started = time.perf_counter()
    path = build_collection(size)
    print(f"built {size.describe()} in {time.perf_counter() - started:.1f} s")
    print(f"open + counts + tree {open_counts_tree_ms(path):.0f} ms CPU; answer {answer_ms(path):.2f} ms CPU")
    from anki.collection import Collection

    col = Collection(str(path))
    print("counts", col.sched.counts(), "revlog", col.db.scalar("SELECT count(*) FROM revlog"))
    col.close()


if __name__ == "__main__":
    _check()
