"""Human-readable output of `export` and `anki-pull` (their progress bar is `render.progress`)."""

from __future__ import annotations

__all__ = ["render_export", "render_pull"]

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from studyprep.render.decks import console
from studyprep.render.terminal import literal_console
from studyprep.wording import count

if TYPE_CHECKING:
    from studyprep.commands.anki_pull import PullResult
    from studyprep.commands.export import ExportResult

PULL_ROWS = 20


def render_export(result: ExportResult, hints: bool = True) -> None:
    """Print where the package went and what it holds, per deck, and (with `hints`) how to open it in Anki."""
    out = console()
    out.print(Text.assemble(("wrote ", "green"), str(result.path), f"  ({count(result.notes, 'note')})"))
    table = Table(box=None, pad_edge=False)
    # Long deck slugs fold onto a second line; the counts keep their full headers on an 80-column terminal.
    table.add_column("deck", overflow="fold")
    for column in ("notes", "subdecks", "suspended", "retired"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    for deck in result.decks:
        table.add_row(Text(deck.slug), str(deck.notes), str(len(deck.subdecks)), str(deck.suspended), str(deck.retired))
    out.print(table)
    _skipped(result.skipped, "left out of the package")
    if not hints:
        return
    out.print(
        Text(
            "Retired cards go suspended, tagged studyprep::retired. Open the file with Anki (File > Import), "
            "AnkiMobile or AnkiDroid; "
            "importing a newer export updates the same notes and keeps your Anki reviews.",
            style="dim",
        )
    )


def _skipped(skipped: dict[str, str], what: str) -> None:
    """A `warning:` line on stderr for each deck left out because its file cannot be read."""
    err = literal_console(stderr=True, soft_wrap=True)
    for slug, error in skipped.items():
        err.print(Text.assemble(("warning", "yellow"), f": deck {slug} {what}, its file cannot be read: {error}"))


def render_pull(result: PullResult) -> None:
    """Print how many Anki reviews came in, for how many cards, and what was skipped."""
    out = console()
    out.print(Text.assemble(("read ", "green"), str(result.path)))
    out.print(
        Text(
            f"{count(result.added, 'new review')} for {count(len(result.cards), 'card')} "
            f"({result.already_known} already pulled, {count(result.studyprep_notes, 'studyprep note')} in the"
            " collection)"
        )
    )
    if result.unknown_reviews:
        out.print(
            Text(
                f"skipped {count(result.unknown_reviews, 'review')} of {count(result.unknown_notes, 'note')} not"
                " made by studyprep (or from decks not in this workspace)",
                style="yellow",
            )
        )
    if result.hint:
        out.print(Text(result.hint, style="yellow"))
    _skipped(result.skipped_decks, "not pulled (pull again once it is fixed)")
    if result.skipped_other:
        out.print(Text(f"{count(result.skipped_other, 'reschedule/manual entry')} ignored (not reviews)", style="dim"))
    _pulled_notes(result)
    if not result.cards:
        return
    current = ""
    table = Table(box=None, pad_edge=False)
    for card in result.cards[:PULL_ROWS]:
        if card.deck != current:
            if current:
                out.print(table)
            current, table = card.deck, _pulled_table()
            out.print(Text(card.deck, style="bold"))
        due = card.due.strftime("%Y-%m-%d %H:%M") if card.due else "-"
        table.add_row(card.card_id, f"+{card.added}", card.state, due, Text(card.prompt))
    out.print(table)
    if len(result.cards) > PULL_ROWS:
        out.print(Text(f"... and {count(len(result.cards) - PULL_ROWS, 'more card')} (see --json)", style="dim"))


def _pulled_notes(result: PullResult) -> None:
    """Say which answers written in Anki came into the deck files, and which cards now hold both versions."""
    out = console()
    taken = [pulled for pulled in result.notes if pulled.outcome == "taken"]
    both = [pulled for pulled in result.notes if pulled.outcome == "both"]
    if taken:
        out.print(Text(f"{count(len(taken), 'answer')} written in Anki taken into the deck files", style="green"))
    if result.tags_added:
        out.print(Text(f"{count(result.tags_added, 'tag')} added in Anki kept in the cards' tags", style="green"))
    if both:
        out.print(
            Text(
                f"{count(len(both), 'card')} changed notes both here and in Anki: both kept, Anki's below a line"
                " '--- written in Anki'; edit the notes to keep what you want:",
                style="yellow",
            )
        )
        for pulled in both[:PULL_ROWS]:
            out.print(Text.assemble("  ", (pulled.deck, "bold"), f" {pulled.card_id}  ", Text(pulled.prompt)))


def _pulled_table() -> Table:
    table = Table(box=None, pad_edge=False)
    for column in ("card", "new", "state", "next due (UTC)", "prompt"):
        table.add_column(column, justify="right" if column == "new" else "left", no_wrap=column != "prompt")
    return table
