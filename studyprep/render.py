"""Human-readable output with rich. Document text is always passed as `Text`, never parsed as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from studyprep.ids import CARD_KINDS
from studyprep.terminal import literal_console
from studyprep.wording import count, duration

if TYPE_CHECKING:
    from studyprep.commands.importing import ImportResult
    from studyprep.commands.listing import DeckSummary
    from studyprep.models import Card, Deck


def console() -> Console:
    """A console on stdout that leaves text alone (no emoji codes, no highlighting)."""
    return literal_console(soft_wrap=False)


def render_import(result: ImportResult) -> None:
    """Print the import summary: deck, then added/updated/retired/unchanged by kind; then on stderr a
    `warning: FILE:LINE: message` line for each card that looks wrong."""
    out = console()
    for entry in result.outline or []:
        out.print(Text.assemble((f"{entry.line:>5}  ", "dim"), (f"{entry.role:<9} ", "cyan"), entry.text))
    if result.written:
        said = f"wrote {result.path}"
    elif result.changed:
        said = f"dry run, nothing written: would write {result.path}"
    else:
        said = f"no changes to {result.path}"
    out.print(Text.assemble((f"{result.deck}", "bold"), f"  {result.title}"))
    out.print(Text(said, style="dim"))
    table = Table(box=None, pad_edge=False)
    table.add_column("")
    for kind in CARD_KINDS:
        table.add_column(kind, justify="right")
    for name, counts in result.counts().items():
        if name == "revived" and not any(counts.values()):
            continue
        table.add_row(name, *(str(counts[kind]) for kind in CARD_KINDS))
    out.print(table)
    for card_id, old, new in result.report.edited:
        out.print(Text.assemble(("edited ", "yellow"), f"{card_id}: ", old, " -> ", new, " (id and history kept)"))
    if result.warnings:
        err = literal_console(stderr=True, soft_wrap=True)  # one line each, whatever the width: FILE:LINE greps
        for warning in result.warnings:
            err.print(Text.assemble(("warning", "yellow"), f": {result.document}:{warning.line}: {warning.message}"))


def render_decks(summaries: list[DeckSummary]) -> None:
    """Print a few lines per deck: slug with company and role, cards by kind, today's work, readiness."""
    out = console()
    if not summaries:
        out.print("No decks yet. Import a prep document: studyprep import PREP.md")
        return
    for summary in summaries:
        if summary.error is not None:
            from studyprep.render_review import render_broken

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


def _readiness_line(readiness: dict[str, Any]) -> str:
    """Time left and readiness today of a deck with an interview date ahead."""
    left = duration(readiness["seconds_left"])
    return f"interview in {left}, readiness today {readiness['readiness_today']:.0%}"


def render_show(deck: Deck, cards: list[Card]) -> None:
    """Print a deck's cards grouped by kind and category, in document order, prompts aligned."""
    out = console()
    out.print(Text(deck.title, style="bold"))
    groups: dict[tuple[str, tuple[str, ...]], list[Card]] = {}
    for card in cards:
        groups.setdefault((card.kind, tuple(card.category)), []).append(card)
    for (kind, category), members in groups.items():
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
