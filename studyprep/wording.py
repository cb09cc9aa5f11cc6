"""How every command says a count and a duration: `1 card`, `2 cards`; `10 days 4 hours`, `30 minutes`.

One module, so that `decks`, `due`, `readiness`, the review screen and the rest never say the same thing two
ways ("in 0d 0h" beside "in 30 minutes", "1 cards"). Kept free of heavy imports: `due` and `review` start fast.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

__all__ = ["count", "duration", "ellipsize", "no_decks_yet"]

_IRREGULAR = {"entry": "entries", "reply": "replies", "match": "matches"}
_MINUTE, _HOUR, _DAY = 60, 3600, 86400
_MONTH_DAYS, _YEAR_DAYS = 30, 365
_DAYS_SHOWN_AS_DAYS = 60  # under two months an interval reads best in days ("45 days", not "1 month 15 days")


def plural(word: str, number: int) -> str:
    """`word` for `number` of them: "card" for 1, "cards" otherwise (the last word of a phrase changes)."""
    if number == 1:
        return word
    head, _, last = word.rpartition(" ")
    many = _IRREGULAR.get(last) or (last + "es" if last.endswith(("s", "sh", "ch", "x")) else last + "s")
    return f"{head} {many}" if head else many


def no_decks_yet(decks_dir: Path) -> str:
    """What a command says of a workspace with no decks, naming the folder it looked in, in full (a deck imported
    with another --home, or a mistyped one, is then plain to see)."""
    return f"No decks in {decks_dir.absolute()} yet. Import one: studyprep import PREP.md"


def count(number: int, word: str) -> str:
    """`1 card`, `3 cards`, `1 deck file`, `0 reviews`."""
    return f"{number} {plural(word, number)}"


def duration(span: timedelta | float) -> str:
    """A duration in whole units, the two largest that apply: `under a minute`, `30 minutes`, `2 hours 5 minutes`,
    `10 days 4 hours`, `3 months 2 days`, `1 year 2 months` (a zero second unit is left out: `1 day`)."""
    seconds = span.total_seconds() if isinstance(span, timedelta) else float(span)
    minutes = round(max(seconds, 0.0) / _MINUTE)
    if minutes < 1:
        return "under a minute"
    if minutes < _HOUR // _MINUTE:
        return count(minutes, "minute")
    if minutes < _DAY // _MINUTE:
        return _two(divmod(minutes, 60), "hour", "minute")
    days, rest = divmod(minutes, _DAY // _MINUTE)
    if days < _DAYS_SHOWN_AS_DAYS:
        return _two((days, rest // 60), "day", "hour")
    if days < _YEAR_DAYS:
        return _two(divmod(days, _MONTH_DAYS), "month", "day")
    years, rest_days = divmod(days, _YEAR_DAYS)
    return _two((years, rest_days // _MONTH_DAYS), "year", "month")


def _two(amounts: tuple[int, int], big: str, small: str) -> str:
    first, second = amounts
    return count(first, big) + (f" {count(second, small)}" if second else "")


_SPACE = re.compile(r"\s+")


def ellipsize(text: str, width: int) -> str:
    """`text` on one line in at most `width` characters, cut at a word boundary with `…` when it is longer
    (mid-word only when its first word alone is too long)."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= width:
        return text
    room = max(width - 1, 0)
    cut = text[: room + 1].rfind(" ")
    head = text[:cut] if cut > 0 else text[:room]
    return head.rstrip(" ,;:.-–—(") + "…"
