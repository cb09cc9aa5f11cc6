"""A rich console for the terminal that shows document text literally: its control characters never reach it.

Rich sends text's ESC, C1 and other control characters to the terminal as they are, so a document holding
`ESC[2J` or `ESC]0;title BEL` would clear the screen or retitle the window. The console drops them, and bidi
and zero-width characters (`studyprep.safetext` decides which), from every text segment it renders (they take
no cell, so tables and the live line keep their layout); rich's own styling and cursor movement are not text
segments and pass untouched. Deck files and JSON keep the text.
"""

from __future__ import annotations

__all__ = ["literal_console"]

from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderHook
from rich.segment import Segment

from studyprep.safetext import has_unsafe, strip

if TYPE_CHECKING:
    from rich.console import ConsoleOptions, ConsoleRenderable, RenderResult


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


def literal_console(**options: Any) -> Console:
    """A rich Console (no highlighting, no emoji codes; `options` passed on) whose output holds no control
    character from the text it prints."""
    console = Console(highlight=False, emoji=False, **options)
    console.push_render_hook(_DropControls())
    return console
