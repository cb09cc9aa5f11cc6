"""Rendering of `answers`, `cards`, `card` and the card actions. Document text always goes in as `Text`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from studyprep.terminal import literal_console

if TYPE_CHECKING:
    from studyprep.commands.answers_cmd import AnswersResult


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
