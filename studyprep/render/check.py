"""Terminal rendering of `studyprep check` (document text always as plain `Text`, never markup)."""

from __future__ import annotations

__all__ = ["render_backups", "render_check", "render_restore"]

from typing import TYPE_CHECKING

from rich.text import Text

from studyprep.commands.check import CheckResult
from studyprep.render.decks import console
from studyprep.wording import count

if TYPE_CHECKING:
    from studyprep.commands.restore import BackupListing
    from studyprep.store.history_backups import Backup, RestoreResult

ORPHANS_SHOWN = 20


def render_check(result: CheckResult) -> None:
    """Print what was checked, then each problem and orphan, then what to do."""
    out = console()
    out.print(
        Text(
            f"checked {count(result.decks, 'deck file')} ({count(result.cards, 'card')}),"
            f" {count(result.plans, 'plan')}, {count(result.reviews, 'logged review')}",
            style="dim",
        )
    )
    for removed in result.removed_temp_files:
        note = f"removed a leftover temp file from an interrupted write: {removed}"
        out.print(Text(note, style="dim"), soft_wrap=True)
    for changed in result.changed_in_place:
        note = f"read again: its content changed though its size and modification time did not: {changed}"
        out.print(Text(note, style="dim"), soft_wrap=True)
    if result.dropped_orphans:
        out.print(Text(f"dropped the review history of {count(result.dropped_orphans, 'orphaned card')}"))
    for problem in result.problems:
        out.print(Text.assemble(("problem ", "bold red"), problem.render()), soft_wrap=True)
    if result.orphans:
        out.print(
            Text.assemble(
                ("orphans ", "bold yellow"),
                f"{count(len(result.orphans), 'reviewed card')} in no deck file (history kept):",
            )
        )
        for orphan in result.orphans[:ORPHANS_SHOWN]:
            prompt = f"  {orphan.prompt}" if orphan.prompt else ""
            line = f"  {orphan.deck} {orphan.card_id} ({count(orphan.reviews, 'review')}){prompt}"
            out.print(Text(line), soft_wrap=True)
        if len(result.orphans) > ORPHANS_SHOWN:
            out.print(Text(f"  … and {len(result.orphans) - ORPHANS_SHOWN} more (see --json)"))
        out.print(
            Text(
                "  to keep them, restore their deck file or re-import its document; to delete their history,"
                " run `studyprep check --drop-orphans`"
            )
        )
    for backup in result.backups:
        out.print(Text(f"backup  {_backup_line(backup)}", style="dim"), soft_wrap=True)
    if result.ok:
        out.print(Text("workspace ok", style="bold green"))


def _backup_line(backup: Backup) -> str:
    return f"{backup.name}  {backup.taken_at:%Y-%m-%d %H:%M} UTC  {backup.reason}  {_size(backup.size)}"


def _size(size: int) -> str:
    """Bytes as `812 B`, `4.1 KB`, `12.3 MB` or `1.2 GB` (decimal units)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def render_backups(listing: BackupListing) -> None:
    """Each backup of the review database, newest first, with its time, reason, size and answers."""
    out = console()
    if not listing.backups:
        out.print(Text(f"no backups of {listing.database} yet (one is taken on the first command of each day)"))
        return
    out.print(Text(f"backups of {listing.database}, newest first:", style="dim"), soft_wrap=True)
    for listed in listing.backups:
        answers = "unreadable" if listed.reviews is None else f"{listed.reviews} answers"
        out.print(Text(f"  {_backup_line(listed.backup)}  {answers}"), soft_wrap=True)
    out.print(Text("to put one back: studyprep restore NAME (the current file is kept)", style="dim"))


def render_restore(result: RestoreResult) -> None:
    """What was restored, and where the replaced file was kept."""
    out = console()
    out.print(Text(f"restored {result.backup.name} ({result.reviews} answers) as {result.database}"), soft_wrap=True)
    if result.replaced is not None:
        out.print(Text(f"the file it replaced is kept as {result.replaced}"), soft_wrap=True)
