"""Rendering for `studyprep due`, kept light: `due` must start fast (the session draws itself in `review_ui`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from studyprep.scheduling import format_interval

if TYPE_CHECKING:
    from studyprep.commands.due import DueReport


def describe_moment(moment: datetime, now: datetime) -> str:
    """`2026-01-02 09:00 (in 23h)` in local time."""
    local = moment.astimezone()
    delta = moment - now
    relative = f"in {format_interval(delta)}" if delta > timedelta(0) else "now"
    return f"{local:%Y-%m-%d %H:%M} ({relative})"


def render_due(report: DueReport) -> None:
    """One row per deck with today's learning / review / new counts, then when the next card is due."""
    # Not render.console(): that module imports the deck models, which `due` does not need.
    out = Console(highlight=False, emoji=False, soft_wrap=False)
    if not report.decks:
        out.print("No decks yet. Import a prep document: studyprep import PREP.md")
        return
    table = Table()
    table.add_column("deck")
    for column in ("learning", "review", "new", "next due"):
        table.add_column(column, justify="right")
    for deck in report.decks:
        next_due = describe_moment(deck.next_due, report.now) if deck.next_due else "-"
        table.add_row(Text(deck.deck), str(deck.learning), str(deck.review), str(deck.new), next_due)
    out.print(table)
    totals = report.totals()
    today = sum(totals.values())
    if today:
        out.print(Text(f"{today} cards today: run `studyprep review`."))
    elif report.next_due:
        out.print(Text(f"All done for now. Next card due {describe_moment(report.next_due, report.now)}."))
    else:
        out.print(Text("Nothing scheduled."))
