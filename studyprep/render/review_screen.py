"""The terminal face of a review session: draws cards with rich and turns keys into session actions.

In a terminal, keys act at once (no Enter needed, Ctrl-C still interrupts; see render/keys.py) and a live line
shows done / left / elapsed. When stdin is not a terminal, each input line is one key (an empty line turns
the card over), so sessions can be scripted. Document text is always drawn as `rich.text.Text`, so
markup-like text in a card shows literally.
"""

from __future__ import annotations

__all__ = ["ReviewScreen", "run_session"]

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from studyprep.errors import StudyprepError
from studyprep.render.keys import KeyReader
from studyprep.render.review import describe_moment
from studyprep.render.terminal import literal_console
from studyprep.schedule.practice import AHEAD_CARDS
from studyprep.schedule.scheduling import RATING_NAMES
from studyprep.schedule.session import Phase, Progress, ReviewSession, Summary
from studyprep.store.atomic import write_atomic
from studyprep.store.yamlio import read_text_file
from studyprep.wording import count, duration, ellipsize, no_decks_yet

if TYPE_CHECKING:
    from studyprep.store.db import MirrorCard

QUIT_KEYS = {"q", "\x03", "\x04"}
REVEAL_KEYS = {" ", "\n", "\r"}
# The key line, longest first: the screen shows the longest that fits on the live line, never a cut one.
_KEYS = ("s bury · e notes · f flag · ! suspend · u undo · q quit", "s/e/f/!/u/q: bury notes flag suspend undo quit",
         "s e f ! u q")  # fmt: skip
FRONT_HELPS = tuple(f"space: show answer · {keys}" for keys in _KEYS)
BACK_HELPS = tuple(f"1-4 rate · {keys}" for keys in _KEYS)
DONE_HELP = "u undo the last answer · any other key: finish"
MIN_DECK_CELLS = 8  # what the header keeps of a deck slug when the category needs the room
MIN_BACK_LINES = 3  # a page of the back, however little room the prompt leaves
AHEAD_KEY = "a"
AHEAD_OFFER = (
    f"{AHEAD_KEY}: study ahead (up to {AHEAD_CARDS} cards that add most to recall at the interview, else the weakest)"
)


class ReviewScreen:
    """Draws the session and dispatches keys until the queue is empty or the user quits."""

    def __init__(self, session: ReviewSession, console: Console, keys: KeyReader) -> None:
        self.session = session
        self.console = console
        self.keys = keys
        self.hint = ""  # said on the status line after a key that does nothing here, until the next key
        # A back taller than the screen is shown a page at a time, under the prompt (which stays on screen):
        # `pages` as last drawn, `page` the one on screen (space turns to the next, from the last to the first).
        self.page = 0
        self.pages = 1
        self._ahead_possible: bool | None = None  # whether a card could be studied ahead (asked once)

    def loop(self) -> None:
        """Run until done or quit; Ctrl-C is left to the caller.

        When the last card is answered, the session waits for one more key, so a slip on the last card can
        still be undone with `u` (any other key ends the session).
        """
        while True:
            if self.session.phase is Phase.DONE:
                offer = self.offers_ahead()
                if not self.session.can_undo and not offer:
                    self._say_done()  # nothing was shown: nothing to undo or study ahead
                    return
                self.draw_done(offer)
                key = self.keys.read(self._tick)
                self._erase_status()
                if key == AHEAD_KEY and offer:
                    self.session.study_ahead(AHEAD_CARDS)
                    continue
                if key != "u" or not self.session.can_undo:
                    return
                self.handle(key)
                continue
            self.draw()
            key = self.keys.read(self._tick)
            self._erase_status()
            if key in QUIT_KEYS:
                return
            self.handle(key)

    def handle(self, key: str) -> None:
        """Apply one key to the session."""
        session = self.session
        session.notice = ""
        self.hint = ""
        if key in REVEAL_KEYS and session.phase is Phase.BACK and self.pages > 1:
            self.page = (self.page + 1) % self.pages
            return
        self.page = 0
        try:
            if key in REVEAL_KEYS and session.phase is Phase.FRONT:
                session.reveal()
            elif key in {"1", "2", "3", "4"}:
                if session.phase is Phase.BACK:
                    session.answer(int(key))
                else:
                    session.notice = "show the answer first (space), then rate 1-4"
            elif key in (actions := self._key_actions()):
                actions[key]()
            else:
                self.hint = _unknown_key_hint(key)
        except StudyprepError as error:
            session.notice = f"Error: {error.render()}"

    def _key_actions(self) -> dict[str, Callable[[], object]]:
        """The keys that act at once, whatever is on screen."""
        session = self.session
        return {"u": session.undo, "s": session.bury, "e": self.edit_notes, "!": session.suspend, "f": session.flag}

    def draw(self) -> None:
        """The card on screen: front, or front and back with the rating keys."""
        shown = self.session.current
        if shown is None:
            return
        out = self.console
        if self.keys.is_tty:
            out.clear()
        card = shown.card
        where = header_title(card.deck, card.category, max(out.width - 4, 1))  # the rule keeps 4 cells for itself
        head = [
            Rule(Text(where, style="dim"), style="dim"),
            Text.assemble((f"{card.kind} ", "cyan"), (shown.entry.kind, "dim")),
            Text(card.prompt, style="bold"),
        ]
        if card.context:
            head.append(Text(card.context, style="dim"))
        for part in head:
            out.print(part)
        self.pages = 1
        if self.session.phase is Phase.BACK:
            self._draw_back(self._height(head))
        if self.session.notice:
            out.print(Text(self.session.notice, style="yellow"))
        self._status()

    def offers_ahead(self) -> bool:
        """Whether the empty queue offers to study ahead: nothing was due, and some card could be (not again)."""
        session = self.session
        if session.ahead or (session.limit is not None and session.cards_done() >= session.limit):
            return False
        if self._ahead_possible is None:
            self._ahead_possible = session.can_study_ahead()
        return self._ahead_possible

    def _say_done(self) -> None:
        self.console.print(Text(self.session.done_message(), style="bold"))
        if self.session.notice:
            self.console.print(Text(self.session.notice, style="yellow"))

    def draw_done(self, offer: bool = False) -> None:
        """The queue is empty: say so, and offer to study ahead or undo the last answer before the summary."""
        if self.keys.is_tty:
            self.console.clear()
        self._say_done()
        if offer:
            self.console.print(Text(AHEAD_OFFER))
        self._status()

    def _draw_back(self, above: int) -> None:
        """The back under the prompt: its text and notes, the related concepts, the rating keys. In a terminal, a
        back taller than the room left under the prompt is shown a page at a time (space: the next page)."""
        out = self.console
        shown = self.session.current
        if shown is None:
            return
        card = shown.card
        body = Text()
        if card.back:
            body.append(card.back)
        if card.notes:
            body.append(("\n" if body else "") + "Your notes", style="green bold")
            body.append("\n" + card.notes)
        if not body:
            body.append("(no hints or notes yet: press e to write your answer)", style="dim")
        tail = [self._related_line(concept) for concept in shown.related]
        intervals = self.session.intervals()
        keys = "   ".join(f"{rating} {name} {duration(intervals[rating])}" for rating, name in RATING_NAMES.items())
        tail.append(Text(keys, style="bold"))
        lines = body.wrap(out, out.width)
        out.print(Rule(style="dim"))
        if self.keys.is_tty:
            notice = [Text(self.session.notice)] if self.session.notice else []
            room = out.height - above - 1 - self._height(tail) - self._height(notice) - 1  # the rule; the live line
            if len(lines) > room:
                size = max(room - 1, MIN_BACK_LINES)  # one line says where in the back this page is
                self.pages = -(-len(lines) // size)
                self.page %= self.pages
                first = self.page * size
                for line in lines[first : first + size]:
                    out.print(line, no_wrap=True, crop=True)
                last = min(first + size, len(lines))
                out.print(Text(f"… lines {first + 1}-{last} of {len(lines)} · space: more", style="dim italic"))
                for part in tail:
                    out.print(part)
                return
        for line in lines:
            out.print(line, no_wrap=True, crop=True)
        for part in tail:
            out.print(part)

    @staticmethod
    def _related_line(concept: MirrorCard) -> Text:
        line = Text.assemble(("related ", "magenta"), (concept.prompt, "bold"))
        summary = (concept.notes or concept.back).strip().splitlines()
        if summary:
            line.append(f" — {summary[0]}")
        return line

    def _height(self, parts: list[Any]) -> int:
        """Screen lines `parts` take when printed one after another at the console's width."""
        options = self.console.options
        return sum(len(self.console.render_lines(part, options, pad=False)) for part in parts)

    def _status_text(self) -> Text:
        progress = self.session.progress()
        seconds = int(progress.elapsed.total_seconds())
        head = f"done {progress.done} · {left_text(progress)} · {seconds // 60}:{seconds % 60:02d}"
        room = self.console.width - 1 - cell_len(head) - 2  # the line is kept one column short of the width
        help_text = self._help_text(room - (len(self.hint) + 3 if self.hint else 0))
        return Text.assemble(
            (head, "bold"),
            (f"  {self.hint} · {help_text}", "yellow") if self.hint else ("  " + help_text, "dim"),
        )

    def _help_text(self, room: int) -> str:
        """The keys for what is on screen, in the longest wording that fits `room` cells."""
        phase = self.session.phase
        if phase is Phase.DONE:
            return DONE_HELP if self.session.can_undo else "any other key: finish"
        wordings = BACK_HELPS if phase is Phase.BACK else FRONT_HELPS
        if phase is Phase.BACK and self.pages > 1:
            wordings = tuple(f"space: more ({self.page + 1}/{self.pages}) · {text}" for text in wordings)
        return next((text for text in wordings if cell_len(text) <= room), wordings[-1])

    def _status(self) -> None:
        text = self._status_text()
        if self.keys.is_tty:
            # One screen line, never wrapped: the tick erases only the cursor's line before redrawing, so a
            # wrapped line in a narrow terminal would leave its first half behind, one more every second.
            # One column short of the width, so the cursor does not sit in the last column either.
            text.truncate(max(self.console.width - 1, 1), overflow="ellipsis")
            self.console.print(text, end="", no_wrap=True, crop=True)
        else:
            self.console.print(text)
        self.console.file.flush()

    def _tick(self) -> None:
        self._erase_status()
        self._status()

    def _erase_status(self) -> None:
        if self.keys.is_tty:
            self.console.file.write("\r\x1b[2K")
            self.console.file.flush()

    def edit_notes(self) -> None:
        """Open the card (prompt and hints read-only, notes editable: the `answers` sheet of one card) in
        $VISUAL / $EDITOR and save the notes into the deck file. The file is written in the workspace's `answers/`
        and removed once saved, so an edit that cannot be read (its heading or marker broken) is kept there."""
        from studyprep.cards.answersheet import SheetProblem, kept_sheet_path, read_one_card, render_card
        from studyprep.render.editor import edit_file

        shown = self.session.current
        if shown is None:
            return
        card = shown.card
        path = kept_sheet_path(self.session.workspace.root, f"{card.deck}-{card.card_id}", self.session.clock())
        write_atomic(path, render_card(card.card_id, card))
        try:
            edit_file(path, self.keys.normal_mode)
        except StudyprepError as error:
            path.unlink(missing_ok=True)
            self.session.notice = f"{error.message}; notes unchanged"
            return
        read = read_one_card(read_text_file(path, "notes file"), card.card_id, card.prompt)
        if isinstance(read, SheetProblem):
            self.session.notice = f"notes not saved: {path}:{read.line}: {read.message} (your text is kept there)"
            return
        path.unlink(missing_ok=True)
        if read.notes == card.notes.strip():
            self.session.notice = "notes unchanged"
            return
        self.session.save_notes(read.notes)


def render_summary(summary: Summary, console: Console, now: datetime) -> None:
    """What the session did, and what comes next."""
    parts = [f"Session over: {count(summary.cards, 'card')}, {count(summary.answered, 'answer')}"]
    if summary.answered:
        parts.append(f"again {summary.again_rate:.0%}")
    parts.append(duration(summary.elapsed))
    if summary.buried:
        parts.append(f"{summary.buried} buried")
    console.print(Text(" · ".join(parts), style="bold"))
    if summary.due_left:
        console.print(Text(f"{count(summary.due_left, 'card')} still due today: run `studyprep review` to go on."))
    if summary.next_due is not None:
        console.print(Text(f"Next card due {describe_moment(summary.next_due, now)}."))
    elif not summary.due_left and not summary.seen_any:
        console.print(Text("Nothing scheduled yet: every card is still new."))


def left_text(progress: Progress) -> str:
    """The live line's count of what is left: `left 19 cards + 3 repeats` (cards this session has still to answer,
    and cards answered that come back today for another learning step)."""
    repeats = f" + {count(progress.repeats, 'repeat')}" if progress.repeats else ""
    return f"left {count(progress.left, 'card')}{repeats}"


def header_title(deck: str, category: list[str], width: int) -> str:
    """The rule over a card: `deck › category › sub-category` in `width` cells. The category says what the card is
    about, so the deck slug is shortened first (`doit-senior-back… › Go fundamentals`); a category still too long
    is cut at a word boundary."""
    path = " › ".join(category)
    if not path:
        return deck if cell_len(deck) <= width else _cut(deck, width)
    whole = f"{deck} › {path}"
    if cell_len(whole) <= width:
        return whole
    deck_room = width - cell_len(path) - 3
    if deck_room >= MIN_DECK_CELLS:
        return f"{_cut(deck, deck_room)} › {path}"
    short = _cut(deck, MIN_DECK_CELLS)
    return f"{short} › {ellipsize(path, max(width - cell_len(short) - 3, 1))}"


def _cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)) + "…"


def _unknown_key_hint(key: str) -> str:
    """What the status line says of a key that does nothing in this phase ("x" or space on the answer side)."""
    names = {" ": "space", "\n": "enter", "\r": "enter", "\t": "tab"}
    name = names.get(key) or (repr(key) if key.isprintable() and key else "that key")
    return f"{name} does nothing here"


def run_session(session: ReviewSession, console: Console | None = None, keys: KeyReader | None = None) -> Summary:
    """Drive a started session in the terminal until done, `q` or Ctrl-C; print and return the summary."""
    console = console or literal_console(screen=True)
    keys = keys or KeyReader()
    screen = ReviewScreen(session, console, keys)
    if not session.decks:
        if session.skipped:
            console.print(Text(session.skipped_notice(), style="yellow"))
        else:
            console.print(Text(no_decks_yet(session.workspace.decks_dir)), soft_wrap=True)  # the path whole
        return session.finish()
    with contextlib.suppress(KeyboardInterrupt), keys.keys_mode():
        screen.loop()
    if keys.is_tty:
        console.print()
    summary = session.finish()
    render_summary(summary, console, session.clock())
    return summary
