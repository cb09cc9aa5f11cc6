"""`render.columns.plain_table` against rich's own `Table(box=None, pad_edge=False)`: the same characters, styles
and escape codes, on random cells (wide, combining and zero-width characters, control codes, document text rich
strips, long text cut with "…"), in a pipe and in terminals of several widths; and a table it cannot lay out
(a cell over two lines) is left to rich."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from studyprep.render.columns import Column, plain_table, sanitized
from studyprep.render.terminal import literal_console

CHARACTERS = st.sampled_from(
    ["a", "Z", " ", "é", "e\u0301", "漢", "字", "…", "›", "\x1b", "\x07", "\r", "\x00", "\u202e", "\u200b", "😀", "-"]
)
CELL = st.lists(CHARACTERS, max_size=14).map("".join)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[Column], list[list[str]]]:
    count = draw(st.integers(2, 5))
    columns = [
        Column(
            draw(st.sampled_from(["id", "prompt", "stab.", "deck", "x"])) + str(index),
            draw(st.sampled_from(["left", "right"])),
            draw(st.none() | st.integers(1, 12)),
            draw(st.sampled_from(["", "dim", "bold"])),
        )
        for index in range(count)
    ]
    rows = draw(st.integers(0, 6))
    return columns, [sanitized([draw(CELL) for _ in range(rows)]) for _ in columns]


def _consoles(terminal: bool, width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    if terminal:
        console = literal_console(file=buffer, force_terminal=True, width=width, soft_wrap=False)
    else:
        console = literal_console(file=buffer, width=width, soft_wrap=False)
    return console, buffer


def _rich(columns: list[Column], cells: list[list[str]], terminal: bool, width: int) -> str:
    console, buffer = _consoles(terminal, width)
    table = Table(box=None, pad_edge=False)
    for column in columns:
        table.add_column(column.name, justify=column.justify, no_wrap=True, overflow="ellipsis",  # type: ignore[arg-type]
                         max_width=column.max_width)  # fmt: skip
    for row in zip(*cells, strict=True):
        table.add_row(*(Text(text, style=column.style) for text, column in zip(row, columns, strict=True)))
    console.print(table)
    return buffer.getvalue()


@settings(max_examples=200, deadline=None)
@given(tables(), st.booleans(), st.integers(20, 120))
def test_plain_table_writes_what_rich_writes(table: tuple[list[Column], list[list[str]]], terminal: bool,
                                             width: int) -> None:  # fmt: skip
    columns, cells = table
    console, buffer = _consoles(terminal, width)
    laid_out = plain_table(console, columns, cells)
    assume(laid_out is not None)  # left to rich: a table wider than the console (these cells are one line each)
    console.print(laid_out)
    assert buffer.getvalue() == _rich(columns, cells, terminal, width)


def test_plain_table_lays_out_a_plain_table_and_leaves_a_cell_of_two_lines_to_rich() -> None:
    console, buffer = _consoles(True, 80)
    columns = [Column("id", style="dim"), Column("prompt", max_width=10), Column("lapses", "right")]
    cells = [["a1", "b22"], ["short", "a prompt longer than ten"], ["0", "12"]]
    laid_out = plain_table(console, columns, cells)
    assert laid_out is not None
    console.print(laid_out)
    assert buffer.getvalue() == _rich(columns, cells, True, 80)
    assert "a prompt …" in buffer.getvalue() and "\x1b[2ma1 \x1b[0m" in buffer.getvalue()
    assert plain_table(console, columns, [["a1"], ["two\nlines"], ["0"]]) is None


def test_the_cards_table_is_the_same_whichever_lays_it_out(capsys: pytest.CaptureFixture[str]) -> None:
    """`render_card_rows` lays out a table of one-line cells plainly and leaves one with a tab to rich: the two
    agree wherever both can lay a table out (the tab's row aside, the same lines)."""
    from studyprep.commands.cards_cmd import CardRow
    from studyprep.render.cards import render_card_rows

    def rows(prompt: str) -> list[CardRow]:
        due = datetime(2026, 6, 1, 9, tzinfo=UTC)
        return [
            CardRow("deck-a", "0a1b2c3d4e5f", "question", ("Databases", "Indexes"), "How do B-trees split?",
                    "review", due, 12.25, 1, True, 0),
            CardRow("deck-b", "9f8e7d6c5b4a", "concept", (), prompt, "new", None, None, 0, False, 0),
        ]  # fmt: skip

    render_card_rows(rows("Résumé – 漢字"))
    plain = capsys.readouterr().out
    render_card_rows(rows("Résumé\t漢字"))  # narrower than the first prompt: the columns keep their widths
    by_rich = capsys.readouterr().out
    assert plain.splitlines()[:2] == by_rich.splitlines()[:2]
    assert "How do B-trees split?" in plain and "Databases › Indexes" in plain and "12.2d" in plain
    assert plain.splitlines()[-1] == by_rich.splitlines()[-1] == "2 cards"
