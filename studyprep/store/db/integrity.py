"""What `studyprep check` asks of the review database: SQLite's own page check, whether the history agrees with
itself (every card's state comes from its latest logged review, no answer logged twice, every state readable),
which reviewed cards no deck file holds any more (orphans), and dropping their history.

`read_mirrored_files` and `read_cached_plan_files` read a database file without opening the store (`check` reads
them before it takes the store; a missing or unreadable file reads as empty, and the database check says why).
"""

from __future__ import annotations

__all__ = [
    "HistoryFinding",
    "OrphanedCard",
    "T",
    "drop_history",
    "history_findings",
    "integrity_in_background",
    "orphaned_cards",
    "read_cached_plan_files",
    "read_mirrored_files",
    "review_count",
]

import json
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from studyprep.errors import StudyprepError
from studyprep.store.db.caches import cached_plan_files
from studyprep.store.db.connection import Database, read_only

T = TypeVar("T")

FindingKind = Literal["no state", "older state", "answers twice", "state without reviews", "unreadable state"]


@dataclass(frozen=True)
class HistoryFinding:
    """One way a card's history disagrees with itself: `no state` (reviews logged, no state, and not forgotten),
    `older state` (its state comes from log entry `state_from`, not its latest, `latest`), `answers twice`
    (`repeated` answers logged at a moment already logged), `state without reviews`, `unreadable state` (one
    studyprep cannot rebuild an fsrs card from: fsrs states are 1-3, moments integers)."""

    deck: str
    card_id: str
    kind: FindingKind
    state_from: int | None = None
    latest: int | None = None
    repeated: int = 0


class OrphanedCard(NamedTuple):
    """A card with review history that no valid deck file holds: how many reviews, its last mirrored prompt."""

    deck: str
    card_id: str
    reviews: int
    prompt: str


def review_count(db: Database) -> int:
    """How many answers the log holds."""
    return int(db.scalar("SELECT count(*) FROM review_log"))


def history_findings(db: Database) -> list[HistoryFinding]:
    """Where the history disagrees with itself (one scan of the log's card index, and two of the states), card by
    card as the log groups them, then states without reviews, then unreadable states."""
    findings: list[HistoryFinding] = []
    disagreeing = db.query(
        "SELECT g.deck, g.card_id, g.latest, s.last_log_id, g.answers - g.moments FROM (SELECT deck, card_id,"
        " max(id) AS latest, count(*) AS answers, count(DISTINCT reviewed_at) AS moments FROM review_log"
        " GROUP BY deck, card_id) g LEFT JOIN card_state s ON s.deck = g.deck AND s.card_id = g.card_id"
        " WHERE s.last_log_id IS NOT g.latest OR g.answers != g.moments"
    )
    forgotten = _forgotten_since_latest(db)
    for deck, card_id, latest, state_from, repeated in disagreeing:
        if state_from is None and (deck, card_id) in forgotten:
            pass  # sent back to new by `studyprep forget` after its last review: no state, history kept
        elif state_from is None:
            findings.append(HistoryFinding(deck, card_id, "no state"))
        elif state_from != latest:
            findings.append(HistoryFinding(deck, card_id, "older state", state_from=state_from, latest=latest))
        if repeated:
            findings.append(HistoryFinding(deck, card_id, "answers twice", repeated=repeated))
    stateless = db.query(
        "SELECT deck, card_id FROM card_state s"
        " WHERE NOT EXISTS (SELECT 1 FROM review_log l WHERE l.deck = s.deck AND l.card_id = s.card_id)"
    )
    findings += [HistoryFinding(deck, card_id, "state without reviews") for deck, card_id in stateless]
    unreadable = db.query(  # what `states` cannot rebuild an fsrs card from (fsrs states are 1-3)
        "SELECT deck, card_id FROM card_state WHERE state NOT IN (1, 2, 3) OR typeof(due) != 'integer'"
        " OR typeof(last_review) NOT IN ('integer', 'null') ORDER BY deck, card_id"
    )
    findings += [HistoryFinding(deck, card_id, "unreadable state") for deck, card_id in unreadable]
    return findings


def _forgotten_since_latest(db: Database) -> set[tuple[str, str]]:
    """Cards sent back to new (`studyprep forget`) with no review logged since."""
    rows = db.query(
        "SELECT f.deck, f.card_id FROM forgotten f WHERE NOT EXISTS (SELECT 1 FROM review_log l"
        " WHERE l.deck = f.deck AND l.card_id = f.card_id AND l.reviewed_at >= f.at)"
    )
    return {(deck, card_id) for deck, card_id in rows}


def orphaned_cards(db: Database, held: Collection[str]) -> list[OrphanedCard]:
    """Reviewed cards that the deck files `held` (by slug) do not hold, by deck and id. A card has a state exactly
    when it has reviews (anything else is a `history_findings` finding); the mirror's rows of a deleted deck file
    still say `present`, so only `held` counts."""
    rows = db.query(
        "SELECT s.deck, s.card_id, (SELECT count(*) FROM review_log l WHERE l.deck = s.deck AND l.card_id = s.card_id),"
        " coalesce(c.prompt, '') FROM card_state s LEFT JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
        " WHERE c.present IS NOT 1 OR s.deck NOT IN (SELECT value FROM json_each(?)) ORDER BY s.deck, s.card_id",
        (json.dumps(sorted(held)),),
    )
    return [OrphanedCard(*row) for row in rows]


def drop_history(db: Database, cards: Iterable[tuple[str, str]]) -> int:
    """Delete these cards' history: log, state, and marks (one transaction); return how many cards."""
    keys = list(cards)
    with db.atomic():
        for table in ("review_log", "card_state", "buried", "flags", "forgotten"):
            db.executemany(f"DELETE FROM {table} WHERE deck = ? AND card_id = ?", keys)  # noqa: S608 - fixed names
        db.executemany("UPDATE cards SET seen = 0 WHERE deck = ? AND card_id = ?", keys)
    return len(keys)


def integrity_in_background(db: Database, full: bool) -> Callable[[], list[str]]:
    """Start SQLite's `quick_check` (`integrity_check` when `full`) of the database file on its own read-only
    connection in a thread, and return a function that waits for its rows (raising its failure as one line).

    SQLite runs the check without holding Python's GIL: it is most of `check`'s time on a large database, and
    the history checks run meanwhile on the main connection.
    """
    outcome: dict[str, list[str] | StudyprepError] = {}

    def run() -> None:
        try:
            checker = read_only(db.path, db.remedy)
            try:
                pragma = "PRAGMA integrity_check" if full else "PRAGMA quick_check"
                outcome["rows"] = [row[0] for row in checker.query(pragma)]
            finally:
                checker.close()
        except StudyprepError as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, name="studyprep-integrity", daemon=True)
    thread.start()

    def rows() -> list[str]:
        thread.join()
        found = outcome.get("error") or outcome["rows"]
        if isinstance(found, StudyprepError):
            raise found
        return found

    return rows


# -- reads before the store is opened ------------------------------------------------------------------------


def read_mirrored_files(path: Path) -> dict[str, tuple[int, int, str]]:
    """`{slug: (size, mtime_ns, sha256)}` of the present decks whose file version the mirror verified by hash."""
    return _read(path, lambda db: {slug: (size, mtime, digest) for slug, size, mtime, digest in db.query(
        "SELECT deck, size, mtime_ns, sha256 FROM decks WHERE present = 1 AND sha256 != ''")}, {})  # fmt: skip


def read_cached_plan_files(path: Path) -> dict[str, tuple[int, int]]:
    """`{slug: (size, mtime_ns)}` of the plan file versions validated when their settings were cached."""
    return _read(path, cached_plan_files, {})


def _read(path: Path, read: Callable[[Database], T], empty: T) -> T:
    """`read` on the database file at `path`, opened read-only; `empty` when it is missing or cannot be read."""
    if not path.is_file() or path.is_symlink():
        return empty
    try:
        db = read_only(path)  # no remedy: the failure is not shown here, and naming a backup costs a check of it
        try:
            return read(db)
        finally:
            db.close()
    except StudyprepError:
        return empty
