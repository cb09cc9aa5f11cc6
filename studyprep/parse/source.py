"""The document's text made canonical before any Markdown is read: line ends, export escapes, bold lines.

Every change keeps the line count, so line numbers given to the user stay those of their file.
"""

from __future__ import annotations

import re

from studyprep.parse.inline import clean_text

__all__ = ["canonical_source"]

# Google Docs (and some converters) escape every punctuation mark they export: `1\.`, `\-`, `\(`, `\=`.
# Those are the writer's own characters, not Markdown; a few of them in a document mark such an export.
_EXPORT_ESCAPE = re.compile(r"\\([.\-()=~!+#&%$@:;,/'\"?{}|^])")
_EXPORT_ESCAPES_TO_TRUST = 3
# At a line's start an unescaped `#`, `=`, `+`, `|` or `>` would become structure the writer never meant.
_LINE_START_KEEP = re.compile(r"^(\s*)\\([#=+|>])", re.MULTILINE)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# "** Fit questions **": bold with inner spaces, which CommonMark does not read as bold, written by exports.
_SPACED_BOLD_LINE = re.compile(r"^(\s{0,3})(\*\*|__)[ \t]*(\S(?:.*?\S)?)[ \t]*\2[ \t]*$")
# Notion exports a callout as `<aside>` HTML around its text: read as the quote it shows as.
_ASIDE_OPEN = re.compile(r"^(?P<indent>[ \t]*)<aside\b[^>]*>(?P<rest>.*)$", re.IGNORECASE)
_ASIDE_CLOSE = re.compile(r"</aside\s*>", re.IGNORECASE)
# A line changes only where it holds one of these (bold, a wiki link, a highlight; see `clean_text`) or opens a
# callout (`_ASIDE_OPEN`, any case).
_LINE_CHANGE_MARKS = ("**", "__", "[[", "==")
_ASIDE_ANYWHERE = re.compile(r"<aside\b", re.IGNORECASE)


def canonical_source(text: str) -> str:
    """Canonical text for parsing: no BOM, LF line ends, no NUL or lone surrogates, export escapes undone,
    whole-line bold with inner spaces tightened, Obsidian's `[[page|alias]]` and `==highlight==` as Markdown,
    Notion's `<aside>` callouts as quotes."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    exported = len(_EXPORT_ESCAPE.findall(text)) >= _EXPORT_ESCAPES_TO_TRUST
    if not exported and not any(mark in text for mark in _LINE_CHANGE_MARKS) and not _ASIDE_ANYWHERE.search(text):
        return text  # no line the loop below would change
    lines = text.split("\n")
    fenced = False
    aside: str | None = None  # the indentation of the Notion callout being read, if any
    for index, line in enumerate(lines):
        if _FENCE.match(line) and aside is None:
            fenced = not fenced
            continue
        if fenced:
            continue
        unescaped = _undo_escapes(line) if exported else line
        quoted, aside = _as_quote(unescaped, aside)
        lines[index] = clean_text(_SPACED_BOLD_LINE.sub(r"\1\2\3\2", quoted))
    return "\n".join(lines)


def _as_quote(line: str, aside: str | None) -> tuple[str, str | None]:
    """A line of a Notion `<aside>` callout as a quote line (the tags themselves become blank or vanish), and
    the indentation of the callout still open after it (None once it closes)."""
    if aside is None:
        opened = _ASIDE_OPEN.match(line)
        if opened is None:
            return line, None
        aside, line = opened["indent"], opened["rest"]
    else:
        line = line[len(aside) :] if line.startswith(aside) else line.lstrip(" \t")
    closing = _ASIDE_CLOSE.search(line)
    text = (line[: closing.start()] if closing else line).strip()
    quoted = f"{aside}> {text}" if text else ""  # a tag's own line is blank, so the quote stands apart
    return quoted, None if closing else aside


def _undo_escapes(line: str) -> str:
    kept = _LINE_START_KEEP.match(line)
    head = kept.group(0) if kept else ""
    rest = line[len(head) :]
    # Inline code keeps its backslashes: split on backticks and unescape outside them only.
    parts = rest.split("`")
    parts[::2] = [_EXPORT_ESCAPE.sub(r"\1", part) for part in parts[::2]]
    return head + "`".join(parts)
