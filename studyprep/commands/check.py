"""`studyprep check`: verify that a workspace is whole, like Anki's "Check Database".

Checks, each reported as a problem with its file and line where known:
- every deck file loads and validates (YAML, keys, types, unique card ids, slug = file name);
- every study plan loads and validates;
- the review database passes `PRAGMA integrity_check`, and its history agrees with itself: every card's
  stored FSRS state comes from its latest logged review (none lost, none applied twice), no answer is
  logged twice;
- every card with review history still exists in a deck file; those that do not are *orphans*, listed.
  They are kept (a card coming back in a later import resumes its history) until `--drop-orphans`.

Deck files whose size and mtime match what the review database mirrored were validated when mirrored, so
only changed files are parsed: checking a 100,000-card workspace stays well under a second.
Leftover temp files from an interrupted write (older than a minute) are removed and listed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyprep.errors import StudyprepError
from studyprep.workspace import Workspace

STALE_TEMP_SECONDS = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the workspace."""

    what: str  # deck, plan, database, history, orphan
    message: str
    path: str | None = None
    line: int | None = None

    def render(self) -> str:
        """`file:line: message`, leaving out what is unknown."""
        return StudyprepError(self.message, self.path, self.line).render()

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {"what": self.what, "message": self.message, "path": self.path, "line": self.line}


@dataclass(frozen=True)
class Orphan:
    """A card with review history that no deck file holds any more."""

    deck: str
    card_id: str
    reviews: int
    prompt: str

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {"deck": self.deck, "card_id": self.card_id, "reviews": self.reviews, "prompt": self.prompt}


@dataclass
class CheckResult:
    """What `check` looked at and what it found."""

    decks: int = 0
    cards: int = 0
    plans: int = 0
    reviews: int = 0
    problems: list[Problem] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    dropped_orphans: int = 0
    removed_temp_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (orphans count as wrong until restored or dropped)."""
        return not self.problems and not self.orphans

    def to_json(self) -> dict[str, Any]:
        """Machine-readable summary for `--json`."""
        return {
            "ok": self.ok,
            "decks": self.decks,
            "cards": self.cards,
            "plans": self.plans,
            "reviews": self.reviews,
            "problems": [problem.to_json() for problem in self.problems],
            "orphans": [orphan.to_json() for orphan in self.orphans],
            "dropped_orphans": self.dropped_orphans,
            "removed_temp_files": self.removed_temp_files,
        }


def check_workspace(workspace: Workspace, drop_orphans: bool = False) -> CheckResult:
    """Verify the workspace's decks, plans and review database; optionally delete orphans' history."""
    from studyprep.deckstore import deck_write_lock

    result = CheckResult()
    if not workspace.root.is_dir():
        raise StudyprepError("no workspace here yet; run `studyprep import FILE` first", workspace.root)
    # Under the deck lock: no import is half-way, so temp files found are leftovers, and the decks are stable.
    with deck_write_lock(workspace):
        result.removed_temp_files = _remove_stale_temp_files(workspace)
        valid_decks = _check_decks(workspace, result)
        _check_plans(workspace, result)
        _check_database(workspace, valid_decks, result, drop_orphans)
    return result


def _remove_stale_temp_files(workspace: Workspace) -> list[str]:
    removed = []
    cutoff = time.time() - STALE_TEMP_SECONDS
    for folder in (workspace.decks_dir, workspace.schedules_dir):
        for temp in sorted(folder.glob(".*.tmp")) if folder.is_dir() else []:
            try:
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()
                    removed.append(str(temp))
            except OSError:
                continue
    return removed


def _check_decks(workspace: Workspace, result: CheckResult) -> dict[str, Path]:
    """Validate the deck files that changed since they were mirrored; return {slug: path} of valid ones."""
    from studyprep.deckstore import deck_paths

    mirrored = _mirrored_versions(workspace)
    valid: dict[str, Path] = {}
    for path in deck_paths(workspace):
        result.decks += 1
        stat = path.stat()
        if mirrored.get(path.stem) == (stat.st_size, stat.st_mtime_ns):
            valid[path.stem] = path
            continue
        try:
            _validate_deck(path)
        except StudyprepError as error:
            result.problems.append(Problem("deck", error.message, error.path, error.line))
            continue
        valid[path.stem] = path
    return valid


def _validate_deck(path: Path) -> None:
    from studyprep.deckstore import load_deck_file

    deck = load_deck_file(path)
    seen: set[str] = set()
    for card in deck.cards:
        if card.id in seen:  # the model refuses this too; kept here so check never trusts one layer alone
            raise StudyprepError(f"duplicate card id {card.id}", path)
        seen.add(card.id)


def _mirrored_versions(workspace: Workspace) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of each deck file version the review database mirrored (validated) last."""
    import sqlite3

    from studyprep.reviewstore import database_path

    path = database_path(workspace)
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT deck, size, mtime_ns, sha256 FROM decks WHERE present = 1").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}  # reported by the database check
    return {deck: (size, mtime) for deck, size, mtime, digest in rows if digest}


def _check_plans(workspace: Workspace, result: CheckResult) -> None:
    from studyprep.plan import read_plan_file

    folder = workspace.schedules_dir
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        result.plans += 1
        try:
            read_plan_file(path)
        except StudyprepError as error:
            result.problems.append(Problem("plan", error.message, error.path, error.line))


def _check_database(workspace: Workspace, valid_decks: dict[str, Path], result: CheckResult, drop: bool) -> None:
    from studyprep.reviewstore import database_path, open_store

    path = database_path(workspace)
    if not path.exists():
        return
    try:
        store = open_store(workspace)
    except StudyprepError as error:
        result.problems.append(Problem("database", error.message, error.path))
        return
    with store:
        try:
            with store.guard():
                if not _integrity_ok(store, result):
                    return
                _mirror_changed_decks(store, valid_decks)
                reviewed = _check_history(store, result)
                _find_orphans(store, workspace, reviewed, valid_decks, result)
                if drop and result.orphans:
                    result.dropped_orphans = _drop_orphans(store, result.orphans)
                    result.orphans = []
        except StudyprepError as error:
            result.problems.append(Problem("database", error.message, error.path))
        result.cards = store.conn.execute("SELECT count(*) FROM cards WHERE present = 1").fetchone()[0]


def _integrity_ok(store: Any, result: CheckResult) -> bool:
    rows = [row[0] for row in store.conn.execute("PRAGMA integrity_check")]
    if rows == ["ok"]:
        return True
    for row in rows[:20]:
        result.problems.append(Problem("database", f"integrity check: {row}", str(store.path)))
    return False


def _mirror_changed_decks(store: Any, valid_decks: dict[str, Path]) -> None:
    """Bring the card mirror up to date with the valid deck files, so orphans are judged on current content."""
    from studyprep.deckstore import load_deck_file

    known = {row[0]: (row[1], row[2]) for row in store.conn.execute("SELECT deck, size, mtime_ns FROM decks")}
    for slug, path in valid_decks.items():
        stat = path.stat()
        if known.get(slug) != (stat.st_size, stat.st_mtime_ns):
            store.mirror_deck(load_deck_file(path), path)


def _check_history(store: Any, result: CheckResult) -> set[tuple[str, str]]:
    """Every card's state comes from its latest review; no answer is logged twice. Return the reviewed cards."""
    conn = store.conn
    result.reviews = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    latest = {
        (deck, card_id): last
        for deck, card_id, last in conn.execute("SELECT deck, card_id, max(id) FROM review_log GROUP BY deck, card_id")
    }
    states = {(deck, card_id): last for deck, card_id, last in conn.execute(
        "SELECT deck, card_id, last_log_id FROM card_state")}  # fmt: skip
    where = str(store.path)
    for key in sorted(latest.keys() - states.keys()):
        result.problems.append(Problem("history", f"card {key[1]} in {key[0]}: reviews logged but no state", where))
    for key in sorted(states.keys() - latest.keys()):
        result.problems.append(Problem("history", f"card {key[1]} in {key[0]}: a state without any review", where))
    for key in sorted(states.keys() & latest.keys()):
        if states[key] != latest[key]:
            result.problems.append(
                Problem(
                    "history",
                    f"card {key[1]} in {key[0]}: its state comes from review {states[key]}, not from the latest"
                    f" logged review {latest[key]}",
                    where,
                )
            )
    twice = conn.execute(
        "SELECT deck, card_id, reviewed_at, count(*) FROM review_log GROUP BY deck, card_id, reviewed_at"
        " HAVING count(*) > 1"
    ).fetchall()
    for deck, card_id, _, count in twice:
        result.problems.append(Problem("history", f"card {card_id} in {deck}: one answer logged {count} times", where))
    return latest.keys() | states.keys()


def _find_orphans(store: Any, workspace: Workspace, reviewed: set[tuple[str, str]], valid_decks: dict[str, Path],
                  result: CheckResult) -> None:  # fmt: skip
    from studyprep.deckstore import deck_paths

    existing = {path.stem for path in deck_paths(workspace)}
    # Mirror rows of a deleted deck file still say `present`: only the valid files on disk count.
    known = {key for key in store.conn.execute("SELECT deck, card_id FROM cards WHERE present = 1")
             if key[0] in valid_decks}  # fmt: skip
    for deck, card_id in sorted(reviewed - known):
        # A deck file that exists but does not validate cannot say which cards it holds: judged once it is fixed.
        if deck in existing and deck not in valid_decks:
            continue
        reviews, prompt = store.conn.execute(
            "SELECT count(*), (SELECT prompt FROM cards WHERE deck = ?1 AND card_id = ?2) FROM review_log"
            " WHERE deck = ?1 AND card_id = ?2",
            (deck, card_id),
        ).fetchone()
        result.orphans.append(Orphan(deck, card_id, reviews, prompt or ""))


def _drop_orphans(store: Any, orphans: list[Orphan]) -> int:
    keys = [(orphan.deck, orphan.card_id) for orphan in orphans]
    with store.transaction() as conn:
        for table in ("review_log", "card_state", "buried"):
            conn.executemany(f"DELETE FROM {table} WHERE deck = ? AND card_id = ?", keys)  # noqa: S608 - fixed names
        conn.executemany("UPDATE cards SET seen = 0 WHERE deck = ? AND card_id = ?", keys)
    return len(keys)
