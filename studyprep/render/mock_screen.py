"""The terminal face of a mock interview: the question alone with a countdown, then the back and a rating.

In a terminal the countdown redraws on its own line while the person answers out loud (space or Enter ends the
answer early) or types (`--type`: Enter ends it); the time running out ends it too. Without a terminal each
input line is one key, or with `--type` the typed answer. Ctrl-C or `q` stops: every rated answer is kept.
The clock is injected: `STUDYPREP_CLOCK_STEP=SECONDS` makes it move that much per screen tick instead of with
real time (for tests and demos: a two-minute countdown runs out in a fraction of a second).
"""

from __future__ import annotations

__all__ = ["mock_clock", "render_mock_summary", "run_mock"]

import contextlib
import os
from collections.abc import Callable
from datetime import datetime, timedelta

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from studyprep.errors import StudyprepError
from studyprep.render.keys import KeyReader
from studyprep.render.terminal import literal_console
from studyprep.schedule.mock import MockInterview, MockSummary
from studyprep.schedule.scheduling import RATING_NAMES
from studyprep.wording import count

STEP_VARIABLE = "STUDYPREP_CLOCK_STEP"
END_KEYS = {" ", "\n", "\r"}
STOP_KEYS = {"q", "\x04"}


class TickClock:
    """A clock that moves `step` on every screen tick, from `start` (never with real time)."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> None:
        """Move on one step."""
        self.now += self.step


def mock_clock(start: datetime, real: Callable[[], datetime]) -> Callable[[], datetime]:
    """The mock's clock: `real` (from `start` with real time), or a `TickClock` when STUDYPREP_CLOCK_STEP is set."""
    step = os.environ.get(STEP_VARIABLE, "").strip()
    if not step:
        return real
    try:
        seconds = float(step)
    except ValueError:
        raise StudyprepError(f"{STEP_VARIABLE} must be a number of seconds, got {step!r}") from None
    return TickClock(start, timedelta(seconds=seconds))


def clock_text(span: timedelta) -> str:
    """`1:05` for a span (whole seconds, rounded up so a countdown shows 0:00 only once the time is up)."""
    seconds = max(int(-(-span.total_seconds() // 1)), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


class MockScreen:
    """Asks each question, reads the answer's end, shows the back, reads the rating."""

    def __init__(self, mock: MockInterview, console: Console, keys: KeyReader, typed: bool) -> None:
        self.mock = mock
        self.console = console
        self.keys = keys
        self.typed = typed
        self.tick_seconds = 0.02 if isinstance(mock.clock, TickClock) else 0.25

    def run(self) -> None:
        """Every question in turn, until the last is rated or the person stops (`q`; Ctrl-C is the caller's)."""
        while self.mock.current is not None:
            self.mock.ask()
            self._draw_question()
            text = self._read_answer()
            if text is None:
                return
            self.mock.end_answer(text)
            if not self._rate():
                return

    def _draw_question(self) -> None:
        card = self.mock.current
        assert card is not None  # noqa: S101 (run checks)
        if self.keys.is_tty:
            self.console.clear()
        number = f"question {self.mock.index + 1} of {len(self.mock.questions)}"
        where = " › ".join(card.category)
        self.console.print(Rule(Text(f"{number} · {where}" if where else number, style="dim"), style="dim"))
        self.console.print(Text(card.prompt, style="bold"))
        if card.context:
            self.console.print(Text(card.context, style="dim"))
        if self.typed:
            self.console.print(Text("Type your answer; Enter ends it.", style="dim"))

    def _status(self, typed: str = "") -> None:
        left = self.mock.remaining()
        label = f"{clock_text(left)} left" if left > timedelta(0) else "time is up"
        help_text = "Enter: end answer · Ctrl-C stop" if self.typed else "space: end answer · q stop"
        if self.keys.is_tty:
            self.console.file.write("\r\x1b[2K")
            line = Text.assemble((f"{label}  ", "bold"), (help_text, "dim"))
            if self.typed:
                line = Text.assemble(("> ", "bold"), typed[-(self.console.width // 2) :], "   ", line)
            self.console.print(line, end="", no_wrap=True, crop=True)
            self.console.file.flush()

    def _tick(self) -> bool:
        """Advance a stepped clock, redraw the countdown; True once the time is up."""
        tick = getattr(self.mock.clock, "tick", None)
        if tick is not None:
            tick()
        return self.mock.remaining() <= timedelta(0)

    def _read_answer(self) -> str | None:
        """Wait for the answer to end: its typed text ("" out loud), or None to stop the mock."""
        if not self.keys.is_tty:
            line = self.keys.stream.readline()
            if not line or (not self.typed and line.strip().lower() == "q"):
                return None
            return line.rstrip("\n") if self.typed else ""
        typed = ""
        self._status()
        while True:
            data = self.keys.typed(self.tick_seconds)
            if data is None:
                time_up = self._tick()
                self._status(typed)
                if time_up:
                    return typed
                continue
            ended, so_far = self._keys_typed(data, typed)
            if ended or so_far is None:
                return so_far
            typed = so_far
            self._status(typed)

    def _keys_typed(self, data: str, typed: str) -> tuple[bool, str | None]:
        """Apply keys read while answering: (whether the answer ended, the text so far; None: stop the mock)."""
        if not self.typed:
            key = data[:1].lower()
            if key in STOP_KEYS:
                return True, None
            return key in END_KEYS, ""
        for char in data:
            if char in "\r\n":
                return True, typed
            if char == "\x04":
                return True, None
            typed = typed[:-1] if char in "\x7f\x08" else typed + (char if char.isprintable() else "")
        return False, typed

    def _rate(self) -> bool:
        """Show the back and read a rating (False: stop the mock)."""
        self._draw_back()
        while True:
            key = self.keys.read()
            if key in {"1", "2", "3", "4"}:
                self.mock.rate(int(key))
                return True
            if key == "n" and self._can_save_notes():
                self._save_notes()
                continue
            if key in STOP_KEYS or key == "\x03":
                return False

    def _can_save_notes(self) -> bool:
        return self.typed and self.mock.can_save_notes()

    def _save_notes(self) -> None:
        self.mock.save_typed_as_notes()
        self.console.print(Text("saved as the card's notes", style="yellow"))

    def _draw_back(self) -> None:
        out = self.console
        card = self.mock.current
        assert card is not None  # noqa: S101 (run checks)
        if self.keys.is_tty:
            out.print()
        used, limit = self.mock.used(), self.mock.limit
        over = f" · over by {clock_text(used - limit)}" if used > limit else ""
        out.print(Rule(Text(f"answered in {clock_text(used)} of {clock_text(limit)}{over}", style="dim"), style="dim"))
        if self.mock.typed:
            out.print(Text.assemble(("Your answer now: ", "cyan bold"), self.mock.typed))
        if card.back:
            out.print(Text(card.back))
        if card.notes:
            out.print(Text("Your notes", style="green bold"))
            out.print(Text(card.notes))
        earlier = self.mock.attempts()
        for attempt in earlier[-3:]:
            when = attempt.at.astimezone().strftime("%Y-%m-%d %H:%M")
            seconds = timedelta(milliseconds=attempt.duration_ms)
            out.print(Text.assemble((f"Earlier attempt {when} ({clock_text(seconds)}): ", "magenta"), attempt.answer))
        keys = "   ".join(f"{rating} {name}" for rating, name in RATING_NAMES.items())
        if self._can_save_notes():
            keys += "   n save your answer as the card's notes"
        out.print(Text(f"{keys}   q stop", style="bold"))
        out.file.flush()


def render_mock_summary(summary: MockSummary, console: Console) -> None:
    """Per question and per category: rating, time used against the limit, over-time answers; what to rework."""
    over = sum(result.over_time for result in summary.results)
    console.print(Text(f"Mock interview over: {len(summary.results)} of {count(summary.asked, 'question')} rated"
                       f" · {over} over time", style="bold"))  # fmt: skip
    for number, result in enumerate(summary.results, start=1):
        name = RATING_NAMES[result.rating]
        mark = " over time" if result.over_time else ""
        console.print(Text(f"{number}. {name:<5} {clock_text(result.used)} of {clock_text(result.limit)}{mark}  "
                           f"{result.card.prompt}"), no_wrap=True, crop=True)  # fmt: skip
    if summary.results:
        console.print(Text("By category", style="bold"))
    for category in summary.categories:
        console.print(Text(f"  {category.category or '(none)'}: {count(category.questions, 'question')},"
                           f" mean rating {category.mean_rating:.1f}, {category.over_time} over time"))  # fmt: skip
    if summary.rework:
        console.print(Text("Rework", style="bold"))
        for result in summary.rework:
            console.print(Text(f"  {result.card.card_id[:8]}  {result.card.prompt}"))


def run_mock(
    mock: MockInterview, typed: bool, console: Console | None = None, keys: KeyReader | None = None
) -> MockSummary:
    """Drive the mock in the terminal until the last rating, `q` or Ctrl-C; return what was rated."""
    console = console or literal_console(screen=True)
    keys = keys or KeyReader()
    screen = MockScreen(mock, console, keys, typed)
    with contextlib.suppress(KeyboardInterrupt), keys.keys_mode():
        screen.run()
    if keys.is_tty:
        console.print()
    return mock.summary()
