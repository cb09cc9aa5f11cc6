"""A card's text cleaned of what note apps and trackers write around it: tags, markers, links, wiki syntax.

`#tags` and difficulty or status markers (🟢 🟡 🔴 ⭐ ✅, `(Easy)`, `[Medium]`) become the card's tags; a
Markdown link in a prompt shows its text there and keeps its address on the back; Obsidian's `[[page]]`,
`[[page|alias]]` and `==highlight==` read as their text (the highlight as emphasis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyprep.parse.vocabulary import MARKER_TAGS

__all__ = ["CleanPrompt", "clean_prompt", "clean_text", "ends_with_marker"]

_WIKILINK = re.compile(r"(?<!!)\[\[([^\[\]|]{1,200})(?:\|([^\[\]]{1,200}))?\]\]")
_HIGHLIGHT = re.compile(r"==(?=\S)([^=\n]{1,500}?)(?<=\S)==")
# `#tag` after a space or at the start, not `#1`, not a heading's `# `, not inside a word or a URL.
_TAG = re.compile(r"(?<![\w/#&])#([^\W\d_][\w/-]{0,60})(?![\w#])")
_LINK = re.compile(r"(?<!!)\[([^\[\]]{1,300})\]\((https?://[^()\s]{1,2000})\)")
_WORD_MARKERS = "|".join(sorted((word for word in MARKER_TAGS if word.isalpha()), key=len, reverse=True))
_BRACKET_MARKER = re.compile(rf"[\[(]\s*({_WORD_MARKERS})\s*[\])]", re.IGNORECASE)
_SYMBOLS = sorted((marker for marker in MARKER_TAGS if not marker.isalpha()), key=len, reverse=True)
_SYMBOL_MARKER = re.compile("(" + "|".join(re.escape(symbol) for symbol in _SYMBOLS) + ")\ufe0f?")
# A prompt without any of these characters has no tag, marker, link or wiki syntax to take out.
_MAY_CHANGE = re.compile(r"[#\[(=]|\s[—–-]\s|" + "|".join(re.escape(symbol) for symbol in _SYMBOLS))
# A marker word closing the line after a dash ("Why are you late? — hard"): a tag, not a hint.
_DASHED_MARKER = re.compile(rf"\s+[—–-]\s+({_WORD_MARKERS})\s*$", re.IGNORECASE)
# An assistant's source markers ("... in 2023[2]", Perplexity's `[1]`): pointers to its list of sources.
_CITATION = re.compile(r"(?<=\S)\[\d{1,3}\](?=[\s.,;:!?)]|$)")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


@dataclass(frozen=True)
class CleanPrompt:
    """A prompt without its tags, markers and link addresses, and what was taken out of it."""

    text: str
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


def clean_text(text: str) -> str:
    """Obsidian's wiki links and highlights as plain Markdown: `[[a|b]]` -> `b`, `==x==` -> `**x**`."""
    if "[[" not in text and "==" not in text:
        return text  # most text: nothing to read differently
    return _outside_code(text, lambda part: _HIGHLIGHT.sub(r"**\1**", _WIKILINK.sub(_wiki_text, part)))


def clean_prompt(text: str) -> CleanPrompt:
    """The prompt as a person reads it; tags and markers as lower-case tags, link addresses kept apart."""
    if not _MAY_CHANGE.search(text):
        return CleanPrompt(text=text)  # nothing to take out: most prompts
    tags: list[str] = []
    links: list[str] = []

    def tag(match: re.Match[str]) -> str:
        tags.append(match.group(1).casefold())
        return " "

    def marker(match: re.Match[str]) -> str:
        tags.append(MARKER_TAGS[match.group(1).casefold()] if match.group(1).isalpha() else MARKER_TAGS[match.group(1)])
        return " "

    def link(match: re.Match[str]) -> str:
        links.append(f"[{match.group(1)}]({match.group(2)})")
        return match.group(1)

    def clean(part: str) -> str:
        part = _CITATION.sub("", _LINK.sub(link, clean_text(part)))
        part = _DASHED_MARKER.sub(lambda match: f" ({match.group(1)})", part)  # "... — hard" -> "(hard)"
        part = _SYMBOL_MARKER.sub(marker, part)
        part = _BRACKET_MARKER.sub(marker, part)
        return _TAG.sub(tag, part)

    changed = _outside_code(text, clean)
    if changed == text:
        return CleanPrompt(text=text)
    cleaned = re.sub(r"[ \t]{2,}", " ", changed).strip()  # the spaces left where a tag or marker was
    if not cleaned.strip(" -–—:"):
        return CleanPrompt(text=text)  # a prompt that is only markers stays as written: nothing is dropped
    return CleanPrompt(text=cleaned.strip(), tags=tuple(dict.fromkeys(tags)), links=tuple(links))


def ends_with_marker(text: str) -> bool:
    """True for a line closing on a difficulty or status word after a dash ("... — hard"), which
    `clean_prompt` takes as a tag."""
    return bool(_DASHED_MARKER.search(text))


def _wiki_text(match: re.Match[str]) -> str:
    return (match.group(2) or match.group(1)).strip()


def _outside_code(text: str, change) -> str:
    """Apply `change` to the text outside inline code spans only."""
    pieces: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        pieces.extend((change(text[position : span.start()]), span.group(0)))
        position = span.end()
    pieces.append(change(text[position:]))
    return "".join(pieces)
