"""A table of one-line cells, laid out exactly as rich's `Table(box=None, pad_edge=False)` with `no_wrap` columns
lays it out, without rich's per-cell rendering.

Rich renders every cell through padding, measuring, wrapping, justifying and cropping, about 100 µs a cell: a
`cards` list of 4,600 cards (37,000 cells) took 4 s, against a goal of 300 ms for the whole command. Here each
row is one string per cell, measured and cut with rich's own `cell_len` and `set_cell_size` in the order rich's
`Text.truncate` and `Lines.justify` apply them, and handed to the console as segments styled as rich's table
styles them (the header row and its padding in the `table.header` style; a column's cells in its style): the
console then writes them as it writes any table (colours or none, its render hooks, a pipe's trimmed lines).
A table this layout cannot reproduce (a cell over several lines, a tab, a cell that does not come out at its
column's width, a table wider than the console) gets None, and the caller lets rich lay it out.
"""

from __future__ import annotations

__all__ = ["Column", "plain_table", "sanitized"]

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.control import STRIP_CONTROL_CODES, strip_control_codes
from rich.segment import Segment

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.style import Style

# What rich's Text measures as more than one line (`str.splitlines`) or expands (tabs): not a one-line cell.
_NOT_ONE_LINE = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
ELLIPSIS = "…"
_STRIPPED = dict.fromkeys(STRIP_CONTROL_CODES)


class Column(NamedTuple):
    """A column: its header, "left" or "right" justified, the most cells its text takes (None: no limit, as rich's
    `max_width`) and the style of its cells."""

    name: str
    justify: str = "left"
    max_width: int | None = None
    style: str = ""


def sanitized(texts: list[str]) -> list[str]:
    """A column's `texts` as rich's `Text` keeps them (without the control codes it strips on construction)."""
    if "".join(texts).translate(_STRIPPED) == "".join(texts):
        return texts
    return [strip_control_codes(text) for text in texts]


Line = list[tuple[str, "Style | None"]]


class _Rows:
    """The laid-out rows: one list of (text, style) segments per line, the header first."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        line = Segment.line()
        for segments in self.lines:
            for text, style in segments:
                yield Segment(text, style)
            yield line


def plain_table(console: Console, columns: Sequence[Column], cells: Sequence[Sequence[str]]) -> _Rows | None:
    """The table of `cells` (one list per column, each cell `sanitized` text) under `columns` as a renderable for
    `console.print`, the same output as rich's table; None when the table is one only rich lays out (see the
    module docstring). Worked column by column: a column of printable ASCII is measured and padded at once."""
    if len(columns) < 2 or any(_NOT_ONE_LINE.search("".join(column)) for column in cells):
        return None
    plain = [_is_plain("".join(column)) for column in cells]
    widths = []
    for column, texts, simple in zip(columns, cells, plain, strict=True):
        widest = max(_cells(column.name), max(map(len, texts), default=0) if simple else
                     max(map(_cells, texts), default=0))  # fmt: skip
        widths.append(widest if column.max_width is None else min(widest, column.max_width))
    if sum(widths) + 2 * (len(columns) - 1) > console.width:
        return None  # rich would narrow the columns to fit
    fitted = [_fitted(texts, width, column.justify, simple)
              for column, texts, width, simple in zip(columns, cells, widths, plain, strict=True)]  # fmt: skip
    names = [_fit(column.name, width, column.justify) for column, width in zip(columns, widths, strict=True)]
    if None in names or None in fitted:
        return None
    styles = [console.get_style(column.style) if column.style else None for column in columns]
    parts = _parts([texts for texts in fitted if texts is not None], styles)
    rows = len(cells[0])
    if console.color_system is None:  # styles are not written: one segment a line is the same output
        lines: list[Line] = [[("".join(text for text, _ in _header(names, None)), None)]]
        lines += [[("".join(texts[row] for texts, _ in parts), None)] for row in range(rows)]
        return _Rows(lines)
    return _Rows([_header(names, console.get_style("table.header"))] +
                 [[(texts[row], style) for texts, style in parts] for row in range(rows)])  # fmt: skip


def _is_plain(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _fitted(texts: Sequence[str], width: int, justify: str, simple: bool) -> list[str] | None:
    """A column's cells fitted to its width (`_fit`); None when one does not fit."""
    if simple and max(map(len, texts), default=0) <= width:  # nothing to cut: padded as `_fit` pads
        if justify == "right":
            return [text.rstrip().rjust(width) for text in texts]
        return [text.ljust(width) for text in texts]
    fitted = [_fit(text, width, justify) for text in texts]
    return None if None in fitted else fitted  # type: ignore[return-value]


def _parts(fitted: list[list[str]], styles: list[Style | None]) -> list[tuple[list[str], Style | None]]:
    """A body row's segments, column by column: each styled cell one, the unstyled stretches between them (with
    the two cells of padding between columns) joined into one (a console writes unstyled text as it is)."""
    parts: list[tuple[list[str], Style | None]] = []
    stretch: list[list[str]] = []
    rows = len(fitted[0])
    for index, (texts, style) in enumerate(zip(fitted, styles, strict=True)):
        gap = "  " if index else ""
        if style is None:
            stretch.append([gap + text for text in texts] if gap else texts)
            continue
        if gap:
            stretch.append([gap] * rows)
        if stretch:
            parts.append((["".join(pieces) for pieces in zip(*stretch, strict=True)], None))
            stretch = []
        parts.append((texts, style))
    if stretch:
        parts.append((["".join(pieces) for pieces in zip(*stretch, strict=True)], None))
    return parts


def _header(names: Sequence[str | None], style: Style | None) -> Line:
    """The header row (its cells fitted): each padding a segment of its own, all in the header style, as rich
    renders it."""
    segments: Line = []
    last = len(names) - 1
    for index, name in enumerate(names):
        if index:
            segments.append((" ", style))
        segments.append((name or "", style))
        if index < last:
            segments.append((" ", style))
    return segments


def _cells(text: str) -> int:
    """Cells `text` takes, as rich's `cell_len` counts them (printable ASCII: one a character)."""
    return len(text) if _is_plain(text) else cell_len(text)


def _fit(text: str, width: int, justify: str) -> str | None:
    """`text` cut ("…") or padded to `width` cells as rich's `Lines.justify` then `Text.truncate` make it; None
    when that does not come to `width` cells (rich would then pad or crop it again while rendering)."""
    if len(text) <= width and _is_plain(text):  # nothing to cut
        if justify == "right":
            text = text.rstrip()
            return " " * (width - len(text)) + text
        return text + " " * (width - len(text))
    if justify == "right":
        text = _truncated(text.rstrip(), width)
        text = " " * (width - cell_len(text)) + text
    else:
        length = cell_len(text)
        text = _truncated(text, width)
        if length < width:
            text += " " * (width - length)
    text = _truncated(text, width)
    return text if cell_len(text) == width else None


def _truncated(text: str, width: int) -> str:
    """rich's `Text.truncate(width, overflow="ellipsis")` of plain text."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    return text
