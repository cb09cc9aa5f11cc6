"""Document text -> the safe HTML stored in Anki fields.

Everything is HTML-escaped first; only then do we add the little markup we render ourselves: inline code,
strong and emphasis, line breaks and bullet/numbered lists. So `<script>`, `<T, K extends keyof T>` and
`&` show literally. Two more things in a field are *not* plain text to Anki even when escaped, and are
neutralised here:

- `[sound:x]`, `[anki:tts]`, `[latex]..[/latex]`, `[$]..[/$]` are expanded from field content by Anki's
  renderer, so every `[` is written as the entity `&#91;` (it still displays as `[`).
- `{{Front}}` and `{{c1::x}}` are left as they are: Anki fills templates once and never re-reads field
  content as template syntax (verified with the real `anki` library in tests/test_anki_html.py).

MathJax delimiters such as `\\(x\\)` are handled by the note-type templates (class `tex2jax_ignore`).
"""

from __future__ import annotations

import html
import re
import unicodedata

_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_STRONG_STAR = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)\*\*")
_STRONG_UNDERSCORE = re.compile(r"(?<![\w\\])__(?=\S)(.+?)(?<=\S)__(?!\w)")
_EMPHASIS_STAR = re.compile(r"(?<![*\\])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)")
_BULLET = re.compile(r"^\s*[-*+•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,4}[.)]\s+(.*)$")
_OPEN_BRACKET = "&#91;"


def inline_html(text: str) -> str:
    """One line of document text as safe HTML: escaped, then code spans, strong and emphasis rendered."""
    escaped = html.escape(unicodedata.normalize("NFC", text), quote=True)
    if "`" not in escaped:
        return _emphasis(escaped).replace("[", _OPEN_BRACKET)
    pieces: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(escaped):
        pieces.append(_emphasis(escaped[position : match.start()]))
        pieces.append(f"<code>{match.group(2).strip() or match.group(2)}</code>")
        position = match.end()
    pieces.append(_emphasis(escaped[position:]))
    return "".join(pieces).replace("[", _OPEN_BRACKET)


def field_html(text: str) -> str:
    """Multi-line document text as safe HTML: lines joined with `<br>`, runs of list items as lists."""
    blocks: list[str] = []
    items: list[str] = []
    list_tag = ""
    for line in text.strip().splitlines():
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        item = bullet or numbered
        tag = "ul" if bullet else "ol"
        if item and (not items or tag == list_tag):
            items.append(inline_html(item.group(1).strip()))
            list_tag = tag
            continue
        if items:
            blocks.append(_list_html(list_tag, items))
            items = []
        if item:
            items, list_tag = [inline_html(item.group(1).strip())], tag
        elif line.strip():
            blocks.append(inline_html(line.strip()))
    if items:
        blocks.append(_list_html(list_tag, items))
    return _join_blocks(blocks)


def _emphasis(escaped: str) -> str:
    if "*" not in escaped and "_" not in escaped:
        return escaped
    escaped = _STRONG_STAR.sub(r"<strong>\1</strong>", escaped)
    escaped = _STRONG_UNDERSCORE.sub(r"<strong>\1</strong>", escaped)
    escaped = _EMPHASIS_STAR.sub(r"<em>\1</em>", escaped)
    return _EMPHASIS_UNDERSCORE.sub(r"<em>\1</em>", escaped)


def _list_html(tag: str, items: list[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


def _join_blocks(blocks: list[str]) -> str:
    # Lists are blocks already; a <br> is needed only between two lines of text.
    out = ""
    for index, block in enumerate(blocks):
        if index and not block.startswith(("<ul>", "<ol>")) and not blocks[index - 1].startswith(("<ul>", "<ol>")):
            out += "<br>"
        out += block
    return out
