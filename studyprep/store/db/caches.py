"""Caches kept in the database, each dropped or bypassed when what it was made from changes:

- `plan_cache`: a plan file's validated settings, per version of the file (its size and mtime), so `due` does not
  validate every plan file on each run;
- `day_plan`: a deadline deck's plan for the day under a fingerprint of what it was computed from, among which
  `deck_version`, a counter the triggers of `migrations` bump on every change to the deck's cards, states or log.
"""

from __future__ import annotations

__all__ = [
    "cache_day_plan",
    "cache_plan",
    "cached_day_plan",
    "cached_plan",
    "cached_plan_files",
    "deck_version",
    "forget_plan",
]

import json
from typing import Any

from studyprep.store.db.connection import Database


def cached_plan(db: Database, deck: str, size: int, mtime_ns: int) -> dict[str, Any] | None:
    """Settings cached for a plan file of this size and mtime, or None."""
    row = db.one("SELECT settings FROM plan_cache WHERE deck = ? AND size = ? AND mtime_ns = ?", (deck, size, mtime_ns))
    if not row:
        return None
    try:
        settings: dict[str, Any] = json.loads(row[0])
    except (TypeError, ValueError, RecursionError):  # broken by hand: a miss, and `cache_plan` writes it again
        return None
    return settings


def cache_plan(db: Database, deck: str, size: int, mtime_ns: int, settings: dict[str, Any]) -> None:
    """Remember a validated plan's settings for this version of its file."""
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO plan_cache (deck, size, mtime_ns, settings) VALUES (?, ?, ?, ?)",
            (deck, size, mtime_ns, json.dumps(settings)),
        )


def forget_plan(db: Database, deck: str) -> None:
    """Drop the deck's cached plan settings: its plan file was rewritten, perhaps to the same size within
    the file system's mtime granularity (one or two seconds on FAT and some network shares)."""
    with db.atomic():
        db.execute("DELETE FROM plan_cache WHERE deck = ?", (deck,))


def cached_plan_files(db: Database) -> dict[str, tuple[int, int]]:
    """`{slug: (size, mtime_ns)}` of the plan file versions whose settings were validated and cached."""
    return {deck: (size, mtime) for deck, size, mtime in db.query("SELECT deck, size, mtime_ns FROM plan_cache")}


def deck_version(db: Database, deck: str) -> int:
    """A counter that grows with every change to the deck's mirrored cards, states or review log."""
    return int(db.scalar("SELECT version FROM deck_versions WHERE deck = ?", (deck,)) or 0)


def cached_day_plan(db: Database, deck: str, fingerprint: str) -> dict[str, Any] | None:
    """The day plan stored for the deck under exactly this fingerprint, or None."""
    row = db.one("SELECT plan FROM day_plan WHERE deck = ? AND fingerprint = ?", (deck, fingerprint))
    if not row:
        return None
    plan: dict[str, Any] = json.loads(row[0])
    return plan


def cache_day_plan(db: Database, deck: str, fingerprint: str, plan: dict[str, Any]) -> None:
    """Keep the deck's day plan (JSON-able) under its fingerprint, replacing an older one."""
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO day_plan (deck, fingerprint, plan) VALUES (?, ?, ?)",
            (deck, fingerprint, json.dumps(plan)),
        )
