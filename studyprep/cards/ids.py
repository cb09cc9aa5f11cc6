"""Content-addressed identity: card ids from kind + normalized prompt, and safe deck slugs."""

from __future__ import annotations

__all__ = ["CARD_KINDS", "SLUG_PATTERN", "CardKind", "as_card_kind", "card_id", "normalize_prompt", "slugify"]

import functools
import hashlib
import re
import unicodedata
from typing import Literal

CardKind = Literal["question", "concept", "fact", "ask"]
CARD_KINDS: tuple[CardKind, ...] = ("question", "concept", "fact", "ask")


def as_card_kind(value: str) -> CardKind:
    """`value` as a card kind; a ValueError when it names none (a programming error, not bad input)."""
    for kind in CARD_KINDS:
        if value == kind:
            return kind
    raise ValueError(f"not a card kind: {value!r}")


_INLINE_MARKUP = re.compile(r"[*_`~]+")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t.:;,!?？。！：；、-–—"
_SLUG_JUNK = re.compile(r"[^\w]+")
SLUG_MAX_LENGTH = 64
SLUG_PATTERN = r"^[^\W_](?:[\w-]{0,62}[^\W_])?$"


def normalize_prompt(text: str) -> str:
    """Reduce a prompt to what identifies it: case, spacing, emphasis marks and edge punctuation ignored."""
    folded = (text if text.isascii() else unicodedata.normalize("NFKC", text)).casefold()  # ASCII: NFKC's own
    folded = _INLINE_MARKUP.sub("", folded)
    folded = _SPACES.sub(" ", folded)
    return folded.strip(_EDGE_PUNCTUATION)


def card_id(kind: str, prompt: str) -> str:
    """Stable id of a card: a hash of its kind and normalized prompt, never of its position."""
    digest = hashlib.sha256(f"{kind}\x00{normalize_prompt(prompt)}".encode()).hexdigest()
    return digest[:12]


@functools.lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Make a file-safe deck slug: word characters and single hyphens, no dots or separators, bounded."""
    ascii_first = unicodedata.normalize("NFKD", text)
    ascii_first = "".join(ch for ch in ascii_first if not unicodedata.combining(ch))
    slug = _SLUG_JUNK.sub("-", ascii_first.casefold()).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    return slug[:SLUG_MAX_LENGTH].strip("-")
