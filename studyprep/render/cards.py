"""Rendering of `answers`, `cards`, `card` and the card actions. Document text always goes in as `Text`."""

from __future__ import annotations

__all__ = ["render_action", "render_added", "render_answers", "render_card_detail", "render_card_rows"]

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from studyprep.render.columns import Column, plain_table, sanitized
from studyprep.render.decks import console
from studyprep.render.review import describe_moment
from studyprep.render.terminal import literal_console
from studyprep.schedule.scheduling import RATING_NAMES
from studyprep.wording import duration

if TYPE_CHECKING:
    from studyprep.commands.answers_cmd import AnswersResult
    from studyprep.commands.card_actions import ActionResult, AddResult
    from studyprep.commands.cards_cmd import CardDetail, CardRow


def render_answers(result: AnswersResult) -> None:
    """What `answers` did; each part not saved on stderr as `FILE:LINE: message`, then where the file is kept."""
    out = literal_console(soft_wrap=True)  # paths and commands stay whole, to copy
    if result.exported:
        out.print(Text(f"wrote the answer sheet of {result.cards} cards to {result.sheet}"))
        out.print(Text(f"write your answers there, then: studyprep answers {result.deck} --import {result.sheet}",
                       style="dim"), soft_wrap=True)  # fmt: skip
        return
    if result.sheet is None:
        out.print(Text("no cards to answer here (every card chosen already has an answer?)"))
        return
    saved = len(result.saved)
    plural = "" if saved == 1 else "s"
    out.print(Text(f"saved {saved} answer{plural} to {result.deck_path}; {result.unchanged} unchanged"))
    if result.ok:
        return
    err = literal_console(stderr=True, soft_wrap=True)  # one line each: FILE:LINE greps
    for problem in result.problems:
        err.print(Text(f"{result.sheet}:{problem.line}: {problem.message}"))
    count = len(result.problems)
    where = "is kept at" if result.kept else "is left as it is at"
    err.print(Text(
        f"Error: {count} part{'' if count == 1 else 's'} not saved; the whole edited file {where} {result.sheet}: fix"
        f" the lines above and run `studyprep answers {result.deck} --import {result.sheet}`"
    ))  # fmt: skip


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


# In a terminal each card is one line: the prompt takes what the other columns leave, and when that is under
# MIN_PROMPT cells these columns go, in this order, before anything wraps.
MIN_PROMPT = 32
DROPPED_FIRST = ("lapses", "stab.", "deck", "due", "category")
NAMES_AT_MOST = 20  # cells a deck or category takes at most in a terminal (cut with "…")
GAP = 2  # cells between two columns (rich's padding of one on each side)


def render_card_rows(rows: list[CardRow]) -> None:
    """The `cards` table: id, prompt, deck, category, state, due, stability, lapses. In a terminal one line a card
    (long text cut with "…", the least needed columns left out on a narrow screen); in a pipe every cell whole."""
    out = console()
    if not rows:
        out.print("No cards match.")
        return
    several = len({row.deck for row in rows}) > 1  # one deck: named once below, the prompt gets the width
    cells = _card_columns(rows, several)
    widths = _fitting_widths(cells, out.width) if out.is_terminal else dict.fromkeys(cells)
    columns = [Column(name, "right" if name in ("stab.", "lapses") else "left", most, CELL_STYLES.get(name, ""))
               for name, most in widths.items()]  # fmt: skip
    # rich's own table costs 100 µs a cell (4 s for 4,600 cards): the same lines are laid out plainly.
    table = plain_table(out, columns, [cells[name] for name in widths])
    out.print(table if table is not None else _rich_table(columns, cells))
    decks = "" if several else f" in {rows[0].deck}"
    out.print(Text(f"{len(rows)} card{'' if len(rows) == 1 else 's'}{decks}", style="dim"))


CELL_STYLES = {"id": "dim"}


def _rich_table(columns: list[Column], cells: dict[str, list[str]]) -> Table:
    """The table as rich lays it out, for the tables `plain_table` leaves to it."""
    table = Table(box=None, pad_edge=False)
    for column in columns:
        table.add_column(column.name, justify="right" if column.justify == "right" else "left", no_wrap=True,
                         overflow="ellipsis", max_width=column.max_width)  # fmt: skip
    for row in zip(*(cells[column.name] for column in columns), strict=True):
        table.add_row(*(Text(text, style=column.style) for text, column in zip(row, columns, strict=True)))
    return table


def _card_columns(rows: list[CardRow], several: bool) -> dict[str, list[str]]:
    """The table's columns by name, in its order (`deck` only when the rows come from `several`), each cell as
    rich's `Text` keeps it (`sanitized`)."""
    columns = {"id": [row.card_id for row in rows], "prompt": [row.prompt for row in rows]}
    if several:
        columns["deck"] = [row.deck for row in rows]
    columns |= {
        "category": [" › ".join(row.category) for row in rows],
        "state": [row.state + (" ⚑" if row.flagged else "") for row in rows],
        "due": [f"{row.due.astimezone():%m-%d %H:%M}" if row.due else "" for row in rows],
        "stab.": ["" if row.stability is None else f"{row.stability:.1f}d" for row in rows],
        "lapses": [str(row.lapses) for row in rows],
    }
    return {name: sanitized(texts) for name, texts in columns.items()}


def _fitting_widths(cells: dict[str, list[str]], width: int) -> dict[str, int]:
    """The columns to show at `width` cells and the most each takes: all of them while the prompt keeps
    MIN_PROMPT cells, else fewer; the prompt takes the rest."""
    widths = {name: max(len(name), *map(cell_len, texts)) for name, texts in cells.items()}
    for name in ("deck", "category"):
        if name in widths:
            widths[name] = min(widths[name], NAMES_AT_MOST)
    for dropped in (*DROPPED_FIRST, None):
        others = sum(most + GAP for name, most in widths.items() if name != "prompt")
        if width - others >= MIN_PROMPT or dropped is None:
            break
        widths.pop(dropped, None)
    widths["prompt"] = max(min(widths["prompt"], width - others), 1)
    return widths


def render_card_detail(detail: CardDetail, now: datetime) -> None:
    """Everything about one card, then its review history."""
    out = literal_console(soft_wrap=True)
    card = detail.card
    out.print(Text.assemble((card.id, "dim"), "  ", (card.kind, "cyan"), "  ", " › ".join(card.category)))
    out.print(Text(card.prompt, style="bold"))
    if card.context:
        out.print(Text(card.context, style="dim"))
    for title, text in (("hints", card.back), ("your notes", card.notes)):
        out.print(Text(title, style="green bold"))
        out.print(Text(text) if text else Text("(none)", style="dim"))
    flags = [name for name, on in (("flagged", detail.flagged), ("added by hand", card.by_hand)) if on]
    out.print(Text(f"deck {detail.deck}, line {card.source} of its document" if card.source else f"deck {detail.deck}"))
    out.print(Text(f"state {detail.state}" + "".join(f", {flag}" for flag in flags)))
    if detail.due is not None:
        stability, difficulty = detail.stability or 0.0, detail.difficulty or 0.0
        out.print(Text(f"next due {describe_moment(detail.due, now)}; stability {stability:.1f}d, difficulty "
                       f"{difficulty:.1f}"))  # fmt: skip
    recall = f"predicted recall now {_percent(detail.recall_now)}"
    if detail.interview is not None and detail.recall_at_interview is not None:
        recall += f", at the interview ({detail.interview:%Y-%m-%d %H:%M}) {_percent(detail.recall_at_interview)}"
    out.print(Text(recall))
    if detail.forgotten_at is not None:
        out.print(Text(f"sent back to new {detail.forgotten_at.astimezone():%Y-%m-%d %H:%M} (earlier reviews kept)"))
    for attempt in detail.attempts:
        taken = duration(timedelta(milliseconds=attempt.duration_ms))
        out.print(Text.assemble((f"mock answer {attempt.at.astimezone():%Y-%m-%d %H:%M} ({taken}): ", "magenta"),
                                attempt.answer))  # fmt: skip
    if not detail.history:
        out.print(Text("no reviews yet", style="dim"))
        return
    table = Table(title="review history", title_justify="left", box=None, pad_edge=False)
    for column in ("when", "rating", "time", "interval", "from"):
        table.add_column(column)
    for entry in detail.history:
        taken = "" if entry.duration_ms is None else f"{entry.duration_ms / 1000:.0f}s"
        interval = "" if entry.interval is None else duration(entry.interval)
        table.add_row(f"{entry.reviewed_at.astimezone():%Y-%m-%d %H:%M}", RATING_NAMES.get(entry.rating, "?"), taken,
                      interval, entry.source)  # fmt: skip
    out.print(table)


def render_added(result: AddResult) -> None:
    """The card added, with its id."""
    out = literal_console(soft_wrap=True)
    where = " › ".join(result.category)
    out.print(Text.assemble("added ", (result.card_id, "bold"), f" ({result.kind}{', ' + where if where else ''}) "
                            f"to {result.deck_path}: ", result.prompt))  # fmt: skip


def render_action(result: ActionResult) -> None:
    """Which cards the action applied to."""
    out = literal_console(soft_wrap=True)
    already = len(result.cards) - result.changed
    note = f" ({already} already {result.action})" if already else ""
    out.print(Text(f"{result.action} {result.changed} card{'' if result.changed == 1 else 's'}{note}"))
    for ref in result.cards:
        out.print(Text.assemble("  ", (f"{ref.deck}:{ref.card_id}", "dim"), "  ", ref.prompt))
