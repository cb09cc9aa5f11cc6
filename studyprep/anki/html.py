"""Document text -> the safe HTML stored in Anki fields.

Everything is HTML-escaped first; only then do we add the little markup we render ourselves: inline code,
strong and emphasis, line breaks and bullet/numbered lists. So `<script>`, `<T, K extends keyof T>` and
`&` show literally. Two more things in a field are *not* plain text to Anki even when escaped, and are
neutralised here:

- `[sound:x]`, `[anki:tts]`, `[latex]..[/latex]`, `[$]..[/$]` are expanded from field content by Anki's
  renderer, so every `[` is written as the entity `&#91;` (it still displays as `[`).
- `{{Front}}` and `{{c1::x}}` are left as they are: Anki fills templates once and never re-reads field
  content as template syntax (verified with the real `anki` library in tests/test_anki_html.py).

Fenced code blocks and pipe tables (found by markdown-it, as the parser finds them) become `<pre><code>` and
`<table>` inside a `<div class="sp-table">` that scrolls sideways on a phone; their text is escaped the same way.

MathJax delimiters such as `\\(x\\)` are handled by the note-type templates (class `mathjax_ignore`).
"""

from __future__ import annotations

__all__ = ["field_html", "field_text", "inline_html"]

import bisect
import functools
import html
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["field_html", "field_text", "inline_html"]

_BACKTICKS = re.compile(r"`+")
# No span reaches past the next opening mark of its kind: unpaired runs of marks cost linear time, not a
# rescan of the rest of the line from every mark (quadratic: a 20 KB line of `**a ` took seconds).
# Passes run strong-and-emphasis, strong, then emphasis; a later span may hold a whole element made by an
# earlier pass but never half of one, so the tags always nest (`***x***`, `**a *b** c*`).
_WHOLE_BOTH = r"<em><strong>[^<]*</strong></em>"
_WHOLE_STRONG = r"<strong>[^<]*</strong>"
_WHOLE_EM = r"<em>[^<]*</em>"
_BOTH_STAR = re.compile(r"(?<![*\\])\*\*\*(?=[^\s*])([^*<]+?)(?<=[^\s*])\*\*\*(?!\*)")
_BOTH_UNDERSCORE = re.compile(r"(?<![\w\\])___(?=[^\s_])([^_<]+?)(?<=[^\s_])___(?!\w)")
_STRONG_STAR = re.compile(rf"(?<!\\)\*\*(?=\S)((?:(?!\*\*)[^<]|{_WHOLE_BOTH})+?)(?<=\S)\*\*")
_STRONG_UNDERSCORE = re.compile(rf"(?<![\w\\])__(?=\S)((?:(?!__)[^<]|{_WHOLE_BOTH}|{_WHOLE_STRONG})+?)(?<=\S)__(?!\w)")
_EMPHASIS_STAR = re.compile(rf"(?<![*\\])\*(?=[^\s*])((?:[^*<]|{_WHOLE_BOTH}|{_WHOLE_STRONG})+?)(?<=[^\s*])\*(?!\*)")
_EMPHASIS_UNDERSCORE = re.compile(
    rf"(?<![\w\\])_(?=[^\s_])((?:(?!(?<![\w\\])_)[^<]|{_WHOLE_BOTH}|{_WHOLE_STRONG}|{_WHOLE_EM})+?)"
    r"(?<=[^\s_])_(?!\w)"
)
_BULLET = re.compile(r"^\s*[-*+•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,4}[.)]\s+(.*)$")
_OPEN_BRACKET = "&#91;"
# Control characters are invisible in a card, and U+001F is Anki's field separator: one in a field would
# split it and make Anki refuse the whole package ("note has 7 fields, expected 6"). Tabs and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def inline_html(text: str) -> str:
    """One line of document text as safe HTML: escaped, then code spans, strong and emphasis rendered."""
    # Each step runs only where it can change something (an export renders six fields of every card).
    if not text.isprintable():  # every control character is unprintable
        text = _CONTROL.sub("", text)
    if not text.isascii():  # ASCII text is NFC already
        text = unicodedata.normalize("NFC", text)
    escaped = html.escape(text, quote=True)
    if "`" not in escaped:
        return _emphasis(escaped).replace("[", _OPEN_BRACKET)
    pieces: list[str] = []
    position = 0
    for start, code_start, code_end, end in _code_spans(escaped):
        code = escaped[code_start:code_end]
        pieces.append(_emphasis(escaped[position:start]))
        pieces.append(f"<code>{code.strip() or code}</code>")
        position = end
    pieces.append(_emphasis(escaped[position:]))
    return "".join(pieces).replace("[", _OPEN_BRACKET)


def _code_spans(text: str) -> list[tuple[int, int, int, int]]:
    """Code spans as (start, content start, content end, end): a backtick run closed by the next run of
    the same length, as in CommonMark. Runs are indexed by length, so this stays linear on any input."""
    if text.count("`") == 2:  # the common case, one `code` span (or one run of two backticks, no span)
        start = text.index("`")
        close = text.index("`", start + 1)
        return [(start, start + 1, close, close + 1)] if close > start + 1 else []
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans = []
    cursor = 0  # runs before this index are used up (inside or closing an earlier span)
    while cursor < len(runs):
        start, end = runs[cursor]
        same = by_length[end - start]
        later = bisect.bisect_right(same, cursor)
        if later == len(same) or runs[same[later]][0] == end:
            cursor += 1  # no closing run (or an empty span): the backticks are text
            continue
        closing = same[later]
        spans.append((start, end, runs[closing][0], runs[closing][1]))
        cursor = closing + 1
    return spans


def field_html(text: str) -> str:
    """Multi-line document text as safe HTML: lines joined with `<br>`, runs of list items as lists, fenced code
    as `<pre><code>` and pipe tables as tables."""
    lines = text.strip().splitlines()
    if len(lines) < 2 and not (lines and _may_hold_blocks(lines[0])):
        # Most fields are one line of text or empty: rendered as `_lines_html` renders them, in fewer steps.
        return inline_html(lines[0].strip()) if lines else ""
    return _lines_html(lines)


def _lines_html(lines: list[str]) -> str:
    """`field_html` of the text with these lines, whatever they hold."""
    blocks: list[str] = []
    position = 0
    for start, end, rendered in _code_and_tables(lines):
        blocks += _line_blocks(lines[position:start])
        blocks.append(rendered)
        position = end
    blocks += _line_blocks(lines[position:])
    return _join_blocks(blocks)


def _may_hold_blocks(line: str) -> bool:
    """True when a line alone might render as more than its inline HTML: a list item, or fenced code or a table
    (what `_code_and_tables` looks for before parsing)."""
    return _may_be_item(line) or "```" in line or "~~~" in line or "|" in line


def _line_blocks(lines: list[str]) -> list[str]:
    """Lines of text and list items as blocks: each text line one block, each run of items one list."""
    blocks: list[str] = []
    items: list[str] = []
    list_tag = ""
    for line in lines:
        if not _may_be_item(line):
            bullet = numbered = None
        else:
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
    return blocks


def _code_and_tables(lines: list[str]) -> list[tuple[int, int, str]]:
    """`(first line, line after, HTML)` of each fenced code block and pipe table, in order."""
    source = "\n".join(lines)
    if "```" not in source and "~~~" not in source and "|" not in source:
        return []  # nothing to find: most fields never reach the Markdown parser
    tokens = _block_parser().parse(source)
    found: list[tuple[int, int, str]] = []
    for token in tokens:
        if token.map is None or (found and token.map[0] < found[-1][1]):
            continue
        if token.type == "fence":
            found.append((token.map[0], token.map[1], _code_html(token.content, token.info)))
        elif token.type == "table_open" and token.level == 0:  # a nested one stays lines of text, none lost
            found.append((token.map[0], token.map[1], _table_html(lines[token.map[0] : token.map[1]])))
    return found


@functools.cache
def _block_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Block structure only (the cells' inline Markdown is ours to render), nesting bounded like the parser's.
    return MarkdownIt("commonmark", {"maxNesting": 40}).enable("table").disable("inline")


_LANGUAGE = re.compile(r"[\w+#.-]{1,40}")


def _code_html(code: str, info: str) -> str:
    """A fenced block: escaped, verbatim lines (indentation kept), the language as a class for the curious."""
    escaped = html.escape(unicodedata.normalize("NFC", _CONTROL.sub("", code.rstrip("\n"))), quote=True)
    language = _LANGUAGE.match(info.strip())
    attribute = f' class="language-{language.group(0)}"' if language else ""
    return f"<pre><code{attribute}>{escaped.replace('[', _OPEN_BRACKET)}</code></pre>"


_ALIGN = {":-": ' style="text-align:left"', "-:": ' style="text-align:right"', "::": ' style="text-align:center"'}
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _table_html(lines: list[str]) -> str:
    """A pipe table's lines (header, delimiter row, body) as a table. Cells are split here, not by markdown-it,
    which drops the cells of a row longer than its header: every cell written is shown."""
    rows = [_cells(line) for line in lines]
    aligns = [_ALIGN.get(cell[:1] + cell[-1:], "") for cell in rows[1]] if len(rows) > 1 else []
    head = _row_html("th", rows[0], aligns)
    body = "".join(_row_html("td", row, aligns) for row in rows[2:])
    return (
        f'<div class="sp-table"><table><thead>{head}</thead>'
        + (f"<tbody>{body}</tbody>" if body else "")
        + ("</table></div>")
    )


def _cells(line: str) -> list[str]:
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(row)]


def _row_html(tag: str, cells: list[str], aligns: list[str]) -> str:
    padded = cells + [""] * (len(aligns) - len(cells))  # a short row gets empty cells, as in GFM
    rendered = (
        f"<{tag}{aligns[i] if i < len(aligns) else ''}>{inline_html(cell)}</{tag}>" for i, cell in enumerate(padded)
    )
    return "<tr>" + "".join(rendered) + "</tr>"


def _may_be_item(line: str) -> bool:
    # What `_BULLET` or `_NUMBERED` could match: a mark or a digit first (both strip what `str.isspace` calls space).
    first = line.lstrip()[:1]
    return first in _ITEM_MARKS or first.isdigit()


_ITEM_MARKS = frozenset("-*+•")


# The passes in order, each with the marks it needs in the text as it is by then: without them it cannot match
# (and would cost a scan of the text).
def _enclosed(opening: str, closing: str) -> Callable[[re.Match[str]], str]:
    """A replacement putting the match's first group between `opening` and `closing`: what the template
    `opening + r"\1" + closing` gives, without `re` expanding a template in Python for every match."""
    return lambda match: opening + match.group(1) + closing


_BOTH = _enclosed("<em><strong>", "</strong></em>")
_STRONG = _enclosed("<strong>", "</strong>")
_EM = _enclosed("<em>", "</em>")
_EMPHASIS_PASSES = (
    ("***", _BOTH_STAR, _BOTH),
    ("___", _BOTH_UNDERSCORE, _BOTH),
    ("**", _STRONG_STAR, _STRONG),
    ("__", _STRONG_UNDERSCORE, _STRONG),
    ("*", _EMPHASIS_STAR, _EM),
    ("_", _EMPHASIS_UNDERSCORE, _EM),
)


def _emphasis(escaped: str) -> str:
    if "*" not in escaped and "_" not in escaped:
        return escaped
    for marks, pattern, replacement in _EMPHASIS_PASSES:
        if marks in escaped:
            escaped = pattern.sub(replacement, escaped)
    return escaped


def _list_html(tag: str, items: list[str]) -> str:
    # Each item finds its own direction: a right-to-left item among English ones reads in its own order.
    return f"<{tag}>" + "".join(f'<li dir="auto">{item}</li>' for item in items) + f"</{tag}>"


_BLOCK_STARTS = ("<ul>", "<ol>", "<pre>", "<div ")


def _join_blocks(blocks: list[str]) -> str:
    # Lists, code and tables are blocks already; a <br> is needed only between two lines of text.
    out = ""
    for index, block in enumerate(blocks):
        if index and not block.startswith(_BLOCK_STARTS) and not blocks[index - 1].startswith(_BLOCK_STARTS):
            out += "<br>"
        out += block
    return out


_BREAKS = re.compile(r"<br\s*/?>|</?(?:div|p)\b[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_MARKS = (
    (re.compile(r"</?(?:strong|b)\b[^>]*>", re.IGNORECASE), "**"),
    (re.compile(r"</?(?:em|i)\b[^>]*>", re.IGNORECASE), "*"),
    (re.compile(r"</?code\b[^>]*>", re.IGNORECASE), "`"),
)
_LIST_START = re.compile(r"</li>|<[uo]l\b[^>]*>", re.IGNORECASE)
_LIST_END = re.compile(r"</[uo]l>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_BLANK_RUN = re.compile(r"\n\s*\n(\s*\n)+")


def field_text(field: str) -> str:
    """An Anki field's HTML (ours, or what an Anki editor wrote) back as plain document text: line breaks and
    blocks as lines, list items as `- ` bullets, bold, emphasis and code as Markdown, code blocks fenced, tables
    as pipe tables, other tags dropped and character references read (`&lt;b&gt;` is the text `<b>`, never a tag)."""
    fenced: list[str] = []  # code blocks are set aside, so no rule below touches their lines

    def set_aside(match: re.Match[str]) -> str:
        fenced.append(_fenced(match))
        return f"<br><br>\ue000{len(fenced) - 1}\ue001<br><br>"

    field = _TABLE.sub(_pipe_table, _PRE.sub(set_aside, field.replace("\ue000", "").replace("\ue001", "")))
    text = _ITEM.sub("\n- ", _BREAKS.sub("\n", field))
    text = _LIST_END.sub("\n", _LIST_START.sub("", text))
    for pattern, mark in _MARKS:
        text = pattern.sub(mark, text)
    text = html.unescape(_ANY_TAG.sub("", text)).replace("\xa0", " ")
    lines = [line.rstrip() for line in _CONTROL.sub("", text).splitlines()]
    text = _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")
    return _SET_ASIDE.sub(lambda match: fenced[int(match.group(1))], text)


_PRE = re.compile(r"<pre\b[^>]*>\s*(?:<code\b([^>]*)>)?(.*?)(?:</code>\s*)?</pre>", re.IGNORECASE | re.DOTALL)
_CODE_CLASS = re.compile(r"""class\s*=\s*["']?language-([\w+#.-]+)""", re.IGNORECASE)
_SET_ASIDE = re.compile("\ue000(\\d+)\ue001")
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.IGNORECASE | re.DOTALL)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.IGNORECASE | re.DOTALL)
_CELL = re.compile(r"<t([hd])\b[^>]*>(.*?)</t[hd]>", re.IGNORECASE | re.DOTALL)


def _fenced(match: re.Match[str]) -> str:
    """A `<pre>` block as a fenced code block: its lines verbatim, its language after the fence."""
    language = _CODE_CLASS.search(match.group(1) or "")
    code = html.unescape(_ANY_TAG.sub("", re.sub(r"<br\s*/?>", "\n", match.group(2), flags=re.IGNORECASE)))
    code = _CONTROL.sub("", code.replace("\xa0", " ")).strip("\n")
    fence = "~~~" if "```" in code else "```"
    return f"{fence}{language.group(1) if language else ''}\n{code}\n{fence}"


def _pipe_table(match: re.Match[str]) -> str:
    """A `<table>` as a pipe table, its first row the header (Markdown tables always have one)."""
    rows = [[_cell_text(cell) for _, cell in _CELL.findall(row)] for row in _ROW.findall(match.group(1))]
    rows = [row for row in rows if row]
    if not rows:
        return "\n"
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return "<br><br>" + "<br>".join(html.escape(line, quote=False) for line in lines) + "<br><br>"


def _cell_text(cell: str) -> str:
    return " ".join(field_text(cell).split()).replace("|", "\\|")
