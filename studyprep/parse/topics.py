"""Split a concept bullet that lists several topics into one topic each."""

from __future__ import annotations

import re

_OPENERS = "([{（【"
_CLOSERS = ")]}）】"
_SEPARATORS = ",;，；、"
_CONJUNCTION = re.compile(r"^(?:and|or|&|plus|und|oder|et|ou|y|o|e)\s+", re.IGNORECASE)
_FILLER = {"etc", "etc.", "and more", "…", "..."}
MAX_TOPIC_WORDS = 7
# A part opening with one of these continues a sentence ("..., and why it matters"), so it is prose.
_CLAUSE_OPENER = re.compile(r"^(?:why|how|what|which|that|when|where|because|so|but|while|if|who)\b")


def split_topics(text: str) -> list[str]:
    """Split on commas/semicolons outside brackets and code spans; keep whole text if parts read as prose."""
    parts = [_CONJUNCTION.sub("", part.strip()).strip() for part in _split_top_level(text)]
    parts = [part.rstrip(".。").strip() for part in parts if part and part.casefold() not in _FILLER]
    parts = [part for part in parts if part]
    if len(parts) < 2 or any(len(part.split()) > MAX_TOPIC_WORDS or _CLAUSE_OPENER.match(part) for part in parts):
        whole = text.strip()
        return [whole] if whole else []
    return parts


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    in_code = False
    current: list[str] = []
    for char in text:
        if char == "`":
            in_code = not in_code
        elif not in_code and char in _OPENERS:
            depth += 1
        elif not in_code and char in _CLOSERS:
            depth = max(0, depth - 1)
        elif not in_code and depth == 0 and char in _SEPARATORS:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts
