"""The rich bar behind `render.progress` (imported only where stderr is a terminal: rich costs start-up time)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Task

__all__ = ["REDRAW_SECONDS", "ProgressBar"]

REDRAW_SECONDS = 0.05  # the bar takes a new count at most this often (a core function reports every item)


class _Share(ProgressColumn):
    """`42%` when the total is known (cards, decks or characters: a share reads the same), nothing while not."""

    def render(self, task: Task) -> Text:
        share = "" if task.total is None else f"{task.completed / max(task.total, 1):4.0%}"
        return Text(share, style="progress.percentage")


class ProgressBar:
    """A `ProgressCallback` drawing a bar on `console` once `delay` seconds have passed since it was made (by
    `clock`): at the first report after that, or by a timer while a step reports nothing for a while."""

    def __init__(self, console: Console, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), _Share(),
                             TimeElapsedColumn(), console=console, transient=True, redirect_stdout=False,
                             redirect_stderr=False)  # fmt: skip
        self._task = self._bar.add_task("working", total=None)
        self._clock = clock
        self._shows_at = clock() + delay
        self._last: tuple[str, float] | None = None  # the task last drawn and when
        self._shown = False
        self._timer = threading.Timer(delay, self.show) if delay > 0 else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    @property
    def shown(self) -> bool:
        """Whether the bar has appeared."""
        return self._shown

    def __call__(self, task: str, done: int = 0, total: int | None = None) -> None:
        now = self._clock()
        if self._last is not None and self._last[0] == task and now - self._last[1] < REDRAW_SECONDS and done != total:
            return
        if self._last is None or self._last[0] != task:  # a new step: its own line (rich keeps an old total)
            self._bar.remove_task(self._task)
            self._task = self._bar.add_task(task, total=total)
        self._last = (task, now)
        self._bar.update(self._task, completed=done, total=total)
        if now >= self._shows_at:
            self.show()

    def show(self) -> None:
        """Draw the bar from now on (rich redraws it a few times a second)."""
        if not self._shown:
            self._shown = True
            self._bar.start()

    def stop(self) -> None:
        """Wipe the bar (if it appeared) and stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()
        if self._shown:
            self._bar.stop()
