"""Matching text as people type it: case and accents ignored ("resume" finds "Résumé")."""

from __future__ import annotations

__all__ = ["contains", "fold"]

import functools
import unicodedata
from collections.abc import Iterable


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """`text` without case or accents, for comparing what was typed with what is stored."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():  # nothing combining to drop (most text): one call instead of one per character
        return decomposed.casefold()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def contains(needle: str, haystack: Iterable[str]) -> bool:
    """Whether `needle` occurs in any of the texts, case and accents ignored."""
    wanted = fold(needle)
    return any(wanted in fold(text) for text in haystack)
