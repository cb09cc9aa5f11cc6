"""Split a concept bullet that lists several topics into one topic each."""

from __future__ import annotations

__all__ = ["split_topics"]

import re

_OPENERS = "([{（【"
_CLOSERS = ")]}）】"
_SEPARATORS = ",;，；、"
_CONJUNCTION = re.compile(r"^(?:and|or|&|plus|und|oder|et|ou|y|o|e)\s+", re.IGNORECASE)
_EXAMPLE_OPENER = re.compile(
    r"^(?:e\.\s?g\.?|i\.\s?e\.?|z\.\s?b\.?|p\.\s?ej\.?|p\.\s?ex\.?|ex\.|por ejemplo|por exemplo|par exemple|"
    r"zum beispiel|such as|like|for example|for instance|including|incl\.?|etwa|comme|como)(?:\s|$)",
    re.IGNORECASE,
)
_FILLER = {"etc", "etc.", "and more", "…", "..."}
MAX_TOPIC_WORDS = 8
# A part opening with one of these continues a sentence ("..., and why it matters"), so it is prose.
_CLAUSE_OPENER = re.compile(r"^(?:why|how|what|which|that|when|where|because|so|but|while|if|who)\b")


def split_topics(text: str) -> list[str]:
    """Split on commas/semicolons outside brackets and code spans; keep whole text if parts read as prose.

    A comma between digits ("3,600", "0,3 %") is part of a number, and an example list ("e.g., a, b") stays
    with the topic it illustrates.
    """
    if _is_sentence(text):
        return [text.strip()]
    parts = [_CONJUNCTION.sub("", part.strip()).strip() for part in _with_examples(_split_top_level(text))]
    parts = [part.rstrip(".。").strip() for part in parts if part and part.casefold() not in _FILLER]
    parts = [part for part in parts if part]
    if len(parts) < 2 or any(_word_count(part) > MAX_TOPIC_WORDS or _CLAUSE_OPENER.match(part) for part in parts):
        whole = text.strip()
        return [whole] if whole else []
    return parts


_SENTENCE_WORDS = 8


def _is_sentence(text: str) -> bool:
    """A sentence ending in a full stop ("Bei Hitze gibt es Pausen, und ... dokumentieren."), not a list."""
    return text.rstrip().endswith((".", "。")) and _word_count(text) >= _SENTENCE_WORDS


def _word_count(part: str) -> int:
    """Words of a topic outside its parentheses, numbers and units aside ("63 °C", "(15–20 g glucose)")."""
    depth, outside = 0, []
    for char in part:
        depth += char in _OPENERS
        if not depth:
            outside.append(char)
        depth -= depth > 0 and char in _CLOSERS
    return sum(1 for word in "".join(outside).split() if sum(ch.isalpha() for ch in word) > 1)


def _with_examples(parts: list[str]) -> list[str]:
    """Join an example list ("e.g.", "z. B.", "p. ej.", "such as") and what follows it to the part before it."""
    for index, part in enumerate(parts):
        if index and _EXAMPLE_OPENER.match(part.strip()):
            return [*parts[: index - 1], ",".join(parts[index - 1 :])]
    return parts


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    in_code = False
    current: list[str] = []
    for position, char in enumerate(text):
        if (
            char == ","
            and 0 < position < len(text) - 1
            and text[position - 1].isdigit()
            and text[position + 1].isdigit()
        ):
            current.append(char)  # "3,600", "0,3": a number
            continue
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
