"""Persistence in one place: workspace paths, atomic files and locks, YAML, deck files,
plans, the review database, and the compiled regular expressions kept beside the bytecode.
"""

__all__ = [
    "atomic",
    "bulk",
    "cardedit",
    "cardrefs",
    "db",
    "deckfile",
    "deckstore",
    "history_backups",
    "locking",
    "plan",
    "plan_limits",
    "regexcache",
    "workspace",
    "yamlio",
]
