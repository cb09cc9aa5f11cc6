"""Rendering for `studyprep due`, kept light: `due` must start fast (the session draws itself in `review_ui`)."""

from __future__ import annotations

__all__ = ["describe_moment", "render_broken", "render_due"]

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text

from studyprep.render.terminal import literal_console
from studyprep.wording import count, duration, no_decks_yet

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from studyprep.commands.due import DueReport


def describe_moment(moment: datetime, now: datetime) -> str:
    """`2026-01-02 09:00 (in 23 hours)` in local time."""
    local = moment.astimezone()
    delta = moment - now
    relative = f"in {duration(delta)}" if delta > timedelta(0) else "now"
    return f"{local:%Y-%m-%d %H:%M} ({relative})"


def render_broken(out: Console, error: str) -> None:
    """The lines under a deck whose file cannot be read: its error, and that nothing else is blocked by it."""
    out.print(Text.assemble(("  cannot read the deck file: ", "red"), error), soft_wrap=True)
    out.print(Text("  the other decks go on without it; `studyprep check` lists every problem",
                   style="dim"))  # fmt: skip


def render_due(report: DueReport, decks_dir: Path) -> None:
    """Each deck with today's learning / review / new counts and when its next card is due, then the total; with
    no deck, the folder looked in (`decks_dir`)."""
    # Not render.console(): that module imports the deck models, which `due` does not need.
    out = literal_console(soft_wrap=False)
    if not report.decks and not report.broken:
        out.print(Text(no_decks_yet(decks_dir)))
        return
    # A few lines per deck, as `decks` prints them: a table cut the slug (what `review DECK` takes) short
    # with an ellipsis at 80 columns, and wrapped the next-due moment.
    from studyprep.schedule.today import BrokenDeck

    for deck in report.by_name():
        out.print(Text(deck.deck, style="bold"))
        if isinstance(deck, BrokenDeck):
            render_broken(out, deck.error)
            continue
        line = f"  today: {deck.learning} learning, {deck.review} review, {deck.new} new"
        if deck.next_due:
            line += f" · next due {describe_moment(deck.next_due, report.now)}"
        out.print(Text(line))
    totals = report.totals()
    today = sum(totals.values())
    if today:
        out.print(Text(f"{count(today, 'card')} today: run `studyprep review`."))
    elif report.next_due:
        out.print(Text(f"All done for now. Next card due {describe_moment(report.next_due, report.now)}."))
    else:
        out.print(Text("Nothing scheduled."))
