"""Terminal rendering of `studyprep check` (document text always as plain `Text`, never markup)."""

from __future__ import annotations

from rich.text import Text

from studyprep.commands.check import CheckResult
from studyprep.render import console
from studyprep.wording import count

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
    if result.ok:
        out.print(Text("workspace ok", style="bold green"))
