"""Markdown -> a small tree of blocks (headings, paragraphs, lists with items, other), via markdown-it-py.

Each block keeps its 0-based line span in the normalized source so callers can quote text verbatim.
"""

from __future__ import annotations

__all__ = [
    "Block",
    "Callout",
    "Heading",
    "Item",
    "ListBlock",
    "NestingTooDeepError",
    "Other",
    "Paragraph",
    "Rule",
    "Table",
    "parse_blocks",
    "split_bold_lead",
]

import functools
import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

# A GFM task-list box ("- [ ] Raft", "- [x] Paxos") is a to-do mark, not part of the text.
_BOLD_PROBE_CHARS = 2000
_TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
_DONE_BOX = re.compile(r"^\[[xX]\]\s+")
# A toggle (`<details><summary>Question</summary> answer </details>`, as Notion exports them) is a list item.
_DETAILS_OPEN = re.compile(
    r"^\s*<details\b[^>]*>\s*<summary\b[^>]*>(?P<summary>.*?)</summary>(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
_CALLOUT_HEAD = re.compile(r"^\[!(?P<kind>[\w-]{1,30})\][+-]?[ \t]*(?P<title>[^\n]*)$", re.MULTILINE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_DETAILS_START = re.compile(r"^\s*<details\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BOLD_LEAD = re.compile(r"^(\*\*|__)(?P<label>\S(?:.*?\S)?)\1(?P<rest>.*)$", re.DOTALL)
# markdown-it silently skips everything below its nesting cap (commonmark's 20 levels is only ten nested
# lists), so the cap is raised and a guard refuses deeper text first; each list costs two levels.
MAX_NESTING_LEVELS = 100


class NestingTooDeepError(Exception):
    """Lists or quotes nested deeper than `MAX_NESTING_LEVELS`; `line` is the 0-based line where it happens."""

    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(f"lists or quotes nested more than {MAX_NESTING_LEVELS // 2} levels deep")


@dataclass
class Block:
    """A block with its source span [start, end) in lines."""

    start: int
    end: int


@dataclass
class Heading(Block):
    """An ATX or setext heading."""

    level: int
    text: str


@dataclass
class Paragraph(Block):
    """A paragraph; `text` is its inline Markdown source, `bold_lead` tells if it opens with strong text."""

    text: str
    bold_lead: bool = False


@dataclass
class Item(Block):
    """A list item: its first paragraph's text and the blocks nested under it."""

    text: str
    bold_lead: bool = False
    children: list[Block] = field(default_factory=list)
    body: str = ""  # text written inside the item's own HTML (`<details><summary>Q</summary>body</details>`)

    def nested_items(self) -> list[Item]:
        """Items of the lists directly nested in this item."""
        return [item for block in self.children if isinstance(block, ListBlock) for item in block.items]


@dataclass
class ListBlock(Block):
    """A bullet or ordered list."""

    items: list[Item] = field(default_factory=list)


@dataclass
class Table(Block):
    """A table: header cells and rows of cells, each cell's inline Markdown source."""

    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Rule(Block):
    """A thematic break (`---`): decoration, no content."""


@dataclass
class Other(Block):
    """Anything else (code, quote, HTML): kept only as source text."""


@dataclass
class Callout(Other):
    """An Obsidian callout (`> [!tip] Title` and its `> ` lines): its type, title and the blocks inside."""

    kind: str = ""
    title: str = ""
    children: list[Block] = field(default_factory=list)


@dataclass
class Html(Other):
    """An HTML block; `content` is its source, read only to find `<details>` toggles."""

    content: str = ""


def parse_blocks(source: str) -> list[Block]:
    """Parse normalized Markdown into top-level blocks; raise NestingTooDeepError past the nesting limit."""
    tokens = _block_parser().parse(source)
    blocks, _ = _read_blocks(tokens, 0, closing=None, fallback_line=0)
    return _toggles(blocks)


@functools.cache
def _block_parser() -> MarkdownIt:
    # Block structure only: inline parsing of every paragraph costs a quarter of the time and is only
    # needed to confirm a leading `**` (see `_starts_bold`), so it runs lazily on those few.
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING_LEVELS + 2}).enable("table").disable("inline")
    parser.block.ruler.before(parser.block.ruler.get_all_rules()[0], "nesting_guard", _nesting_guard)
    return parser


def _nesting_guard(state: StateBlock, start_line: int, _end_line: int, _silent: bool) -> bool:
    """A block rule tried first at every block: refuse text nested past the limit instead of dropping it."""
    if state.level >= MAX_NESTING_LEVELS:
        raise NestingTooDeepError(start_line)
    return False


@functools.cache
def _inline_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def split_bold_lead(text: str) -> tuple[str, str] | None:
    """Split `**Label:** rest` / `**Label**: rest` / `**Label**` into (label, rest); None if not bold-led."""
    match = _BOLD_LEAD.match(text.strip())
    if match is None:
        return None
    label, rest = match["label"].strip(), match["rest"].strip()
    if rest.startswith((":", "：")):
        rest = rest[1:].strip()
    elif not label.endswith((":", "：")) and rest and not rest.startswith(("-", "–", "—")):
        return None  # bold words opening a sentence, not a label
    rest = rest.lstrip("-–— ").strip() if rest.startswith(("-", "–", "—")) else rest
    return label.rstrip(":：").strip(), rest


def _starts_bold(inline: Token) -> bool:
    """True when the inline content opens with strong emphasis, as the inline parser sees it."""
    if not inline.content.startswith(("**", "__")):
        return False
    # A label or bold question closes within its first lines; probing a bounded prefix keeps markdown-it's
    # inline parser (superlinear on runs like `[[[[`) away from megabyte-long lines.
    children = _inline_parser().parseInline(inline.content[:_BOLD_PROBE_CHARS])[0].children or []
    first = next((child for child in children if child.type != "text" or child.content), None)
    return first is not None and first.type == "strong_open"


def _span(token: Token, fallback_line: int) -> tuple[int, int]:
    if token.map:
        return token.map[0], token.map[1]
    return fallback_line, fallback_line + 1


def _read_blocks(tokens: list[Token], index: int, closing: str | None, fallback_line: int) -> tuple[list[Block], int]:
    """Read sibling blocks from `index` until the token type `closing`; return them and the next index."""
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        if token.type == closing:
            return blocks, index + 1
        start, end = _span(token, fallback_line)
        if token.type == "heading_open":
            inline = tokens[index + 1]
            blocks.append(Heading(start, end, level=int(token.tag[1:]), text=inline.content.strip()))
            index += 3
        elif token.type == "paragraph_open":
            inline = tokens[index + 1]
            blocks.append(Paragraph(start, end, text=inline.content.strip(), bold_lead=_starts_bold(inline)))
            index += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            items, index = _read_items(tokens, index + 1, token.type.replace("_open", "_close"), start)
            blocks.append(ListBlock(start, end, items=items))
        elif token.type == "table_open":
            end_index = _skip_container(tokens, index)
            blocks.append(_table(tokens[index:end_index], start, end))
            index = end_index
        elif token.type == "hr":
            blocks.append(Rule(start, end))
            index += 1
        elif token.type == "html_block":
            blocks.append(Html(start, end, content=token.content))
            index += 1
        elif token.type == "blockquote_open" and _opens_callout(tokens, index):
            children, index = _read_blocks(tokens, index + 1, "blockquote_close", start)
            blocks.append(_callout(start, end, children))
        elif token.nesting == 1:
            index = _skip_container(tokens, index)
            blocks.append(Other(start, end))
        else:
            blocks.append(Other(start, end))
            index += 1
    return blocks, index


def _read_items(tokens: list[Token], index: int, closing: str, fallback_line: int) -> tuple[list[Item], int]:
    items: list[Item] = []
    while index < len(tokens) and tokens[index].type != closing:
        start, end = _span(tokens[index], fallback_line)
        children, index = _read_blocks(tokens, index + 1, "list_item_close", start)
        item = Item(start, end, text="")
        lead = children[0] if children else None
        if isinstance(lead, Paragraph):
            children.pop(0)
            # A ticked box is a status the card keeps as its `done` tag (see `inline`); an empty box says nothing.
            text = _DONE_BOX.sub("✅ ", lead.text, count=1)
            item.text, item.bold_lead = _TASK_BOX.sub("", text, count=1), lead.bold_lead
        item.children = children
        items.append(item)
    return items, index + 1


def _toggles(blocks: list[Block]) -> list[Block]:
    """Group each `<details>` toggle with the blocks up to its `</details>` into a one-item list, recursively."""
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if isinstance(block, ListBlock):
            for item in block.items:
                item.children = _toggles(item.children)
        match = _DETAILS_OPEN.match(block.content) if isinstance(block, Html) else None
        if match is None:
            result.append(block)
            continue
        summary = html.unescape(_TAG.sub("", match["summary"])).strip()
        rest, closed = _DETAILS_CLOSE.split(match["rest"], maxsplit=1)[0], bool(_DETAILS_CLOSE.search(match["rest"]))
        children: list[Block] = []
        end = block.end
        if not closed:
            close = _closing_toggle(blocks, index)
            if close is None:
                result.append(block)  # never closed: left as HTML
                continue
            children, end, index = _toggles(blocks[index:close]), blocks[close].end, close + 1
        item = Item(block.start, end, text=summary, children=children, body=html.unescape(_TAG.sub("", rest)).strip())
        result.append(ListBlock(block.start, end, items=[item]))
    return result


def _closing_toggle(blocks: list[Block], index: int) -> int | None:
    """Index of the HTML block closing the toggle opened just before `index` (nested toggles counted)."""
    depth = 1
    for position in range(index, len(blocks)):
        block = blocks[position]
        if isinstance(block, Html):
            depth += len(_DETAILS_START.findall(block.content)) - len(_DETAILS_CLOSE.findall(block.content))
            if depth <= 0:
                return position
    return None


def _opens_callout(tokens: list[Token], index: int) -> bool:
    following = tokens[index + 2] if index + 2 < len(tokens) else None
    return (
        tokens[index + 1].type == "paragraph_open"
        and following is not None
        and bool(_CALLOUT_HEAD.match(following.content))
    )


def _callout(start: int, end: int, children: list[Block]) -> Callout:
    """The callout of a quote whose first paragraph opens with `[!type]`: its first line gives type and title."""
    head = children[0]
    assert isinstance(head, Paragraph)  # noqa: S101 - `_opens_callout` checked it
    first, _, rest = head.text.partition("\n")
    match = _CALLOUT_HEAD.match(first)
    kind, title = (match["kind"].casefold(), match["title"].strip()) if match else ("note", "")
    body = [Paragraph(head.start + 1, head.end, text=rest.strip(), bold_lead=False)] if rest.strip() else []
    return Callout(start, end, kind=kind, title=title, children=[*body, *children[1:]])


def _table(tokens: list[Token], start: int, end: int) -> Table:
    table = Table(start, end)
    row: list[str] = []
    in_header = False
    for token in tokens:
        if token.type == "thead_open":
            in_header = True
        elif token.type == "thead_close":
            in_header = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline":
            row.append(token.content.strip())
        elif token.type == "tr_close":
            if in_header:
                table.header = row
            else:
                table.rows.append(row)
    return table


def _skip_container(tokens: list[Token], index: int) -> int:
    depth = 0
    while index < len(tokens):
        depth += tokens[index].nesting
        index += 1
        if depth == 0:
            break
    return index
