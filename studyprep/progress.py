"""How core functions report the progress of long work (a big import, export or deck) without printing.

A core function takes a `progress` callback and calls it as the work goes: `progress("writing the deck", 1200,
30000)`, or with no total while it cannot count (`progress("reading the document")`). The command line passes
a callback that draws a bar on stderr (`render.progress`); everywhere else the default, `no_progress`, does
nothing. A call costs a function call: report per item, the drawing side throttles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

__all__ = ["ProgressCallback", "counted", "no_progress"]

Item = TypeVar("Item")


class ProgressCallback(Protocol):
    """Told what is being done now (`task`, a few words) and how far it is: `done` of `total` items, `total`
    None while it is not known."""

    def __call__(self, task: str, done: int = 0, total: int | None = None) -> None: ...


def no_progress(task: str, done: int = 0, total: int | None = None) -> None:
    """The callback of a caller that shows no progress."""


def counted(items: Iterable[Item], task: str, total: int, progress: ProgressCallback) -> Iterator[Item]:
    """`items`, reporting `task` as each one is taken (after the last: `total` of `total`)."""
    progress(task, 0, total)
    for done, item in enumerate(items, start=1):
        yield item
        progress(task, done, total)
