"""The one sanitizer for text that reaches a terminal: which characters may not pass, and how they are shown.

A deck (a YAML key, a file name, a card's prompt), a document or an Anki file may hold characters that drive
the terminal or hide what it shows: C0 and C1 controls (ESC starts OSC 52 clipboard writes and title changes;
U+009B is a one-character CSI), bidi controls that reorder the text around them (Trojan Source), and
zero-width characters that make two different strings look alike. Tabs and newlines of multi-line text pass.

- `visible(text)` shows each as `<U+202E>`: for one-line messages (errors, paths), where a user must see that
  something is there, and where no layout has been computed yet.
- `strip(text)` removes them: for text a rich console has already laid out (they take no cell there, so
  removing them keeps tables and the live line aligned). `studyprep.render.terminal` applies it to every segment.
- `json_dumps(data)` escapes them inside JSON strings (`json.dumps` with `ensure_ascii=False` leaves DEL, C1,
  bidi and zero-width characters raw); the parsed data is unchanged.

Deck files keep the text as written: only what is shown is changed.
"""

from __future__ import annotations

__all__ = ["has_unsafe", "json_dumps", "strip", "visible"]

import json
import re
from typing import Any

_UNSAFE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline; DEL; C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides and isolates
    "\u200b-\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner, word joiner, BOM
)
UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_UNSAFE_OR_LINE_BREAK = re.compile(f"[{_UNSAFE_CLASS}\t\n]")
# In JSON text, C0 controls are already escaped by json.dumps; what is left of the class is escaped here.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")


def _codepoint(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


def visible(text: str, multiline: bool = True) -> str:
    """`text` with every unsafe character shown as `<U+XXXX>`; with `multiline=False`, tabs and newlines too
    (an error stays one line)."""
    pattern = UNSAFE if multiline else _UNSAFE_OR_LINE_BREAK
    return pattern.sub(_codepoint, text)


def strip(text: str) -> str:
    """`text` without its unsafe characters (tabs and newlines kept)."""
    return UNSAFE.sub("", text)


def has_unsafe(text: str) -> bool:
    """Whether `text` holds a character `strip` would remove."""
    return UNSAFE.search(text) is not None


def json_dumps(data: Any, indent: int | None = 2) -> str:
    """`json.dumps(data, ensure_ascii=False)` with DEL, C1, bidi and zero-width characters escaped as `\\uXXXX`
    (they can only occur inside strings, so the result parses to the same data)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
