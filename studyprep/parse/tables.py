"""Tables of cards: which column holds the prompts, which ones number rows or mark difficulty and status."""

from __future__ import annotations

import re

from studyprep.parse.blocks import (
    Table,
)
from studyprep.parse.meaning import (
    plain as plain_text,
)

__all__ = ["MARK_HEADER", "as_marker", "headed_as_prompts", "is_number_column", "prompt_column_of"]


_PROMPT_HEADER = re.compile(
    r"questions?|problems?|prompts?|exercises?|tasks?|fragen?|aufgaben?|preguntas?|problemas?|ejercicios?|"
    r"probl[èe]mes?|exercices?|perguntas?|exerc[íi]cios?",
    re.IGNORECASE,
)


MARK_HEADER = re.compile(
    r"level|difficulty|status|done|niveau|schwierigkeit|stand|dificultad|estado|difficult[ée]|statut|n[íi]vel|"
    r"feito|fait|hecho|erledigt|gel[öo]st|solved|resuelto|resolvido|"
    r"dificuldade|situa[çc][ãa]o"
)


def as_marker(cell: str) -> str:
    """A difficulty or status cell written as a marker beside the prompt: "(Medium)", or "✅" as it is."""
    cell = cell.strip()
    return f"({cell})" if cell.isalpha() else cell


def headed_as_prompts(table: Table, column: int) -> bool:
    """True when the column's header says it holds the questions or problems ("Question", "Problem")."""
    return column < len(table.header) and bool(_PROMPT_HEADER.fullmatch(plain_text(table.header[column]).strip()))


def prompt_column_of(table: Table, width: int, numbers: set[int]) -> int:
    """The column holding the prompts: one headed as such, else the first with words in most rows."""
    columns = [column for column in range(width) if column not in numbers]
    for column in columns:
        if headed_as_prompts(table, column):
            return column
    for column in columns:
        cells = [row[column] for row in table.rows if column < len(row)]
        if sum(sum(ch.isalpha() for ch in cell) >= 3 for cell in cells) * 2 > len(cells):
            return column
    return columns[0] if columns else 0


def is_number_column(table: Table, column: int) -> bool:
    """A column of row numbers ("#", "No." or only digits in every row), never a prompt."""
    header = table.header[column].strip().casefold() if column < len(table.header) else ""
    cells = [row[column].strip() for row in table.rows if column < len(row)]
    return header in ("#", "no", "no.", "nr", "nr.", "n°", "№") or (
        bool(cells) and all(re.fullmatch(r"\d{1,4}[.)]?", cell) for cell in cells)
    )
