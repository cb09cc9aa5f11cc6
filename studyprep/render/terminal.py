"""A rich console for the terminal that shows document text literally: its control characters never reach it.

Rich sends text's ESC, C1 and other control characters to the terminal as they are, so a document holding
`ESC[2J` or `ESC]0;title BEL` would clear the screen or retitle the window. The console drops them, and bidi
and zero-width characters (`studyprep.safetext` decides which), from every text segment it renders (they take
no cell, so tables and the live line keep their layout); rich's own styling and cursor movement are not text
segments and pass untouched. Deck files and JSON keep the text.

Output to a pipe or file (a report read by a script, `grep` or `less`) is not laid out for 80 columns, as rich
does where there is no terminal: a line is as long as its content, with no padding after it.
"""

from __future__ import annotations

__all__ = ["literal_console"]

import io
from typing import IO, TYPE_CHECKING, Any, cast

from rich.console import Console, RenderHook
from rich.segment import Segment

from studyprep.safetext import has_unsafe, strip

if TYPE_CHECKING:
    from rich.console import ConsoleOptions, ConsoleRenderable, RenderResult

__all__ = ["PIPE_WIDTH", "literal_console"]

# The width a report is laid out at when it goes to a pipe: no line of text is ever that long, so none is
# wrapped, and a table takes the width of its content (rich's tables are no wider than they need).
PIPE_WIDTH = 100_000


class _Literal:
    """Renders what it wraps with the control characters left out of its text segments."""

    def __init__(self, renderable: ConsoleRenderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control is None and has_unsafe(segment.text):
                yield Segment(strip(segment.text), segment.style)
            else:
                yield segment


class _DropControls(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Literal(renderable) for renderable in renderables]


class _TrimmedLines(io.TextIOBase):
    """A text stream writing to `target` with the spaces at the end of each line left out (rich pads table cells
    and justified text to their width; in a pipe that padding is only noise)."""

    def __init__(self, target: IO[str]) -> None:
        super().__init__()
        self.target = target
        self.spaces = ""  # spaces at the end of what was written so far: kept until more text follows on the line

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        *lines, last = (self.spaces + text).split("\n")
        kept = last.rstrip(" ")
        self.spaces = last[len(kept) :]
        self.target.write("".join(line.rstrip(" ") + "\n" for line in lines) + kept)
        return len(text)

    def flush(self) -> None:
        self.target.flush()


def literal_console(*, screen: bool = False, **options: Any) -> Console:
    """A rich Console (no highlighting, no emoji codes; `options` passed on) whose output holds no control
    character from the text it prints. Unless it draws a `screen` (the review and the mock interview, laid out
    for a terminal even when piped), a console whose output is not a terminal is not wrapped and not padded."""
    console = Console(highlight=False, emoji=False, **options)
    if not screen and not console.is_terminal and "width" not in options and "file" not in options:
        trimmed = cast("IO[str]", _TrimmedLines(console.file))  # a TextIOBase is what rich writes to
        console = Console(highlight=False, emoji=False, width=PIPE_WIDTH, file=trimmed, **options)
    console.push_render_hook(_DropControls())
    return console
