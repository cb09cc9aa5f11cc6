"""Human-readable output with rich. Document text is always passed as `Text`, never parsed as markup."""

from __future__ import annotations

__all__ = ["console", "render_decks", "render_show"]

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from studyprep.progress import ProgressCallback, no_progress
from studyprep.render.terminal import literal_console
from studyprep.wording import count, duration, no_decks_yet

if TYPE_CHECKING:
    from pathlib import Path

    from studyprep.cards.models import Card, Deck
    from studyprep.commands.listing import DeckSummary
    from studyprep.schedule.today import ReadinessGlance


def console() -> Console:
    """A console on stdout that leaves text alone (no emoji codes, no highlighting)."""
    return literal_console(soft_wrap=False)


def render_decks(summaries: list[DeckSummary], decks_dir: Path) -> None:
    """Print a few lines per deck: slug with company and role, cards by kind, today's work, readiness; with no
    deck, the folder looked in (`decks_dir`)."""
    out = console()
    if not summaries:
        out.print(Text(no_decks_yet(decks_dir)))
        return
    for summary in summaries:
        if summary.error is not None:
            from studyprep.render.review import render_broken

            out.print(Text(summary.slug, style="bold"))
            render_broken(out, summary.error)
            continue
        who = " · ".join(part for part in (summary.company, summary.role) if part) or summary.title
        out.print(Text.assemble((summary.slug, "bold"), "  ", (who, "dim")))
        counts = summary.counts
        line = (
            f"  {count(sum(counts.values()), 'card')}: {count(counts['question'], 'question')}, "
            f"{count(counts['concept'], 'concept')}, {count(counts['fact'], 'fact')}, {counts['ask']} to ask"
        )
        line += "".join(
            f", {n} {label}" for n, label in ((summary.retired, "retired"), (summary.suspended, "suspended")) if n
        )
        out.print(Text(line))
        if summary.due is not None:
            due = summary.due
            out.print(Text(f"  today: {due['learning']} learning, {due['review']} review, {due['new']} new"))
        if summary.readiness:
            out.print(Text(f"  {_readiness_line(summary.readiness)}"))


def _readiness_line(readiness: ReadinessGlance) -> str:
    """Time left and readiness today of a deck with an interview date ahead."""
    return f"interview in {duration(readiness.seconds_left)}, readiness today {readiness.readiness_today:.0%}"


def render_show(deck: Deck, cards: list[Card], progress: ProgressCallback = no_progress) -> None:
    """Print a deck's cards grouped by kind and category, in document order, prompts aligned (`progress` hears
    the cards written)."""
    out = console()
    out.print(Text(deck.title, style="bold"))
    groups: dict[tuple[str, tuple[str, ...]], list[Card]] = {}
    for card in cards:
        groups.setdefault((card.kind, tuple(card.category)), []).append(card)
    written = 0
    for (kind, category), members in groups.items():
        progress("writing the cards", written, len(cards))
        written += len(members)
        heading = " › ".join(category) if category else "(no category)"
        out.print(Text.assemble("\n", (kind, "cyan"), "  ", (heading, "bold")))
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column("id", style="dim", no_wrap=True)
        table.add_column("prompt", overflow="fold")
        for card in members:
            table.add_row(card.id, _card_line(card))
        out.print(table)


def _card_line(card: Card) -> Text:
    line = Text(card.prompt)
    if card.context:
        line.append(f"  ({card.context})", style="dim")
    if card.retired is not None:
        line.append("  [retired]", style="red")
    elif card.suspended:
        line.append("  [suspended]", style="yellow")
    return line
