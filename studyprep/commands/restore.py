"""`studyprep restore [--list | BACKUP]`: list the review database's backups, or put one back.

A backup is checked (`PRAGMA integrity_check`, ours, a schema this studyprep knows) before it replaces
`schedules/reviews.db` in one rename; the file it replaces is kept in the backup folder, so a restore can be
undone the same way.
"""

from __future__ import annotations

__all__ = ["BackupListing", "list_history_backups", "restore_history"]

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from studyprep.result import json_field
from studyprep.store.db import database_path
from studyprep.store.history_backups import (
    Backup,
    RestoreResult,
    backup_count_reviews,
    find_backup,
    list_backups,
    restore_backup,
)
from studyprep.store.workspace import Workspace


@dataclass(frozen=True)
class ListedBackup:
    """A backup with the number of answers its review log holds (None: it cannot be read)."""

    backup: Backup = field(metadata=json_field(inline=True))
    reviews: int | None


@dataclass(frozen=True)
class BackupListing:
    """The backups of a workspace's review database, newest first."""

    database: Path
    backups: tuple[ListedBackup, ...]


def list_history_backups(workspace: Workspace) -> BackupListing:
    """Every backup of the workspace's review database, newest first, with its number of answers."""
    database = database_path(workspace)
    listed = tuple(ListedBackup(backup, backup_count_reviews(backup.path)) for backup in list_backups(database))
    return BackupListing(database, listed)


def restore_history(workspace: Workspace, name: str, now: datetime) -> RestoreResult:
    """Put back the backup named `name` (checked first), keeping the current database aside."""
    database = database_path(workspace)
    return restore_backup(database, find_backup(database, name), now)
