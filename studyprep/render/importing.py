"""The `import` summary, printed with click alone.

Importing is the first thing a user runs and its summary is a few short lines, so this renderer does
without rich (whose console costs ~40 ms of start-up, a fifth of the whole import). Document text goes
through `safetext.strip`, as it does through the rich console elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from studyprep import safetext
from studyprep.cards.ids import CARD_KINDS

if TYPE_CHECKING:
    from studyprep.commands.importing import ImportResult

__all__ = ["render_import"]


def render_import(result: ImportResult, hints: bool = True) -> None:
    """Print the import summary: deck, then added/updated/retired/unchanged by kind, and (with `hints`) what to do
    next; then on stderr a `warning: FILE:LINE: message` line for each card that looks wrong."""
    for entry in result.outline or []:
        click.echo(click.style(f"{entry.line:>5}  ", dim=True) + click.style(f"{entry.role:<9} ", fg="cyan")
                   + safetext.strip(entry.text))  # fmt: skip
    click.echo(click.style(safetext.strip(result.deck), bold=True) + f"  {safetext.strip(result.title)}")
    click.echo(click.style(_what_happened(result), dim=True))
    for line in _counts_table(result):
        click.echo(line)
    if hints and result.written and result.report.added:
        click.echo(click.style(_next_steps(result.deck), dim=True))
    for card_id, old, new in result.report.edited:
        edit = f"{card_id}: {safetext.strip(old)} -> {safetext.strip(new)} (id and history kept)"
        click.echo(click.style("edited ", fg="yellow") + edit)
    for warning in result.warnings:
        message = f": {safetext.strip(result.document)}:{warning.line}: {safetext.strip(warning.message)}"
        click.echo(click.style("warning", fg="yellow") + message, err=True)


def _next_steps(deck: str) -> str:
    """What a user does after a first import, in one line."""
    return f"next: studyprep review {deck} · studyprep plan {deck} --interview DATE · studyprep export {deck}"


def _what_happened(result: ImportResult) -> str:
    if result.written:
        return f"wrote {result.path}"
    if result.changed:  # a dry run that would change the deck
        return f"dry run, nothing written: would write {result.path}"
    return f"no changes to {result.path}"


def _counts_table(result: ImportResult) -> list[str]:
    """Counts by kind: a header of kinds, then a row per change (revived only when there were some)."""
    rows = [["", *CARD_KINDS]]
    for name, counts in result.counts().items():
        if name == "revived" and not any(counts.values()):
            continue
        rows.append([name, *(str(counts[kind]) for kind in CARD_KINDS)])
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        )
        for row in rows
    ]
