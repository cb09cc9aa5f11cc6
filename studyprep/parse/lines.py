"""What one line, item or label says: hints after a question, Q/A pairs, labels, categories' names."""

from __future__ import annotations

import functools
import itertools
import re
import textwrap

from studyprep.parse.blocks import (
    split_bold_lead,
)
from studyprep.parse.inline import clean_prompt, ends_with_marker
from studyprep.parse.meaning import (
    ANSWER_MARKER,
    PLAIN_LABEL,
    QUESTION_MARKER,
    clean_heading,
    memo,
    strip_symbols,
)
from studyprep.parse.meaning import (
    plain as plain_text,
)
from studyprep.parse.topics import reads_as_definition

__all__ = [
    "MAX_LABEL_WORDS",
    "category_name",
    "dash_label",
    "defined_term",
    "definition_entries",
    "label_only",
    "line_label",
    "marked_pairs",
    "names_round_length",
    "one_line",
    "plain_label",
    "reads_as_label",
    "split_answer",
    "split_hint",
    "unmarked_answer",
    "without_comments",
]


_LABEL_ONLY = re.compile(r"^(?P<label>[^:：?？`\[\]()]{1,60}?)\s*[:：]$")


_DASH_LABEL = re.compile(r"^(?P<label>[^—–`\[\]()]{1,60}?)\s+[—–-]\s+(?P<rest>\S.*)$", re.DOTALL)


# `**Term** – definition`: a dash, not a colon, after the bold term.
_BOLD_DASH = re.compile(r"^(\*\*|__)\S(?:.*?\S)?\1\s*[—–-]\s", re.DOTALL)


MAX_LABEL_WORDS = 6


_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


# A hint after the question mark, behind an arrow or a spaced dash, or after an HTML line break.
_HINT_AFTER_QUESTION = re.compile(
    r"^(?P<question>.*?[?？](?:\s*(?:\(\w+\)|\[\w+\]|[^\w\s]{1,2}))*?)(?:\s+(?:->|=>|→|⇒|—|–|-)\s+|\s*<br\s*/?>\s*)"
    r"(?P<hint>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)


# An arrow says "the answer follows" even after a question written without a question mark; so does a dash
# after a sentence's full stop or a link ("[Min Stack](...) — two stacks").
_HINT_AFTER_ARROW = re.compile(r"^(?P<question>\S.{4,}?(?:[.!)]|))\s+(?:->|=>|→|⇒)\s+(?P<hint>\S.*)$", re.DOTALL)


_HINT_AFTER_DASH = re.compile(
    r"^(?P<question>(?:\S{1,3}\s+)*\[[^\]]+\]\([^)]+\)(?:\s*(?:\([A-Za-z]+\)|\[[A-Za-z]+\]|[^\w\s]{1,3}))*|"
    r"\S+(?:\s+\S+)+?)\s+(?:[—–]|-(?=\s+\S+\s)|(?<=\)\s)-)\s+(?P<hint>\S.*)$",
    re.DOTALL,
)


_HINT_SEPARATOR = re.compile(r"->|=>|→|⇒|—|–|\s-\s|<br", re.IGNORECASE)


_LINK_TARGET = re.compile(r"\[[^\]]*\]\([^)]*\)")


_DEFINITION = re.compile(r"^[:：]\s+")


_BULLET = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+")


# "a) use a queue" / "a. ..." opens an enumeration of options, not an answer; "A:" is an answer.
_LETTER_ENUMERATION = re.compile(r"^a\s*[.)]", re.IGNORECASE)


_CATEGORY_COUNT = re.compile(r"\s*[(\[]\s*\d{1,4}\s*(?:questions?|qs?|items?|cards?|fragen|preguntas)?\s*[)\]]$", re.I)


_OUTLINE_LETTER = re.compile(r"^[A-H][.)]\s+(?=\S)")


# A round's length ("Round 1 – Recruiter screen (30 min)", "Onsite (45–60 Minuten)") is not part of its name.
_CATEGORY_DURATION = re.compile(
    r"\s*[(\[]\s*(?:~|ca\.?\s*)?\d{1,3}(?:\s*[-–]\s*\d{1,3})?\s*(?:min\.?|mins|minutes?|minutos?|minuten|minuti|"
    r"m|h|hrs?|hours?|std\.?|stunden?|horas?|heures?|')\s*[)\]]$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def category_name(name: str) -> str:
    """A heading as a category: no markup, emoji, outline number or letter ("A."), count ("(17)"), length of a
    round ("(30 min)") or colon."""
    words = clean_prompt(clean_heading(name) or name).text
    words = _OUTLINE_LETTER.sub("", _CATEGORY_DURATION.sub("", _CATEGORY_COUNT.sub("", words)))
    return strip_symbols(words).rstrip(":：").strip() or name


def names_round_length(name: str) -> bool:
    """True for a heading closing with a round's length ("Technical (30 min)"), which its category drops."""
    return bool(_CATEGORY_DURATION.search(clean_prompt(clean_heading(name) or name).text))


@memo  # asked of each heading twice or more
def reads_as_label(text: str) -> bool:
    """A few words with no sentence punctuation ("Databases", "System design"): a category's name."""
    words = plain_text(one_line(text)).rstrip(":：").split()
    return len(words) <= MAX_LABEL_WORDS and not any(mark in " ".join(words) for mark in ",.;:!")


def definition_entries(lines: list[str]) -> list[tuple[str, list[str], int]] | None:
    """Terms, each followed by `: definition` lines, as (term, definitions, line offset); else None."""
    entries: list[tuple[str, list[str], int]] = []
    for offset, line in enumerate(lines):
        if _DEFINITION.match(line):
            if not entries:
                return None
            entries[-1][1].append(_DEFINITION.sub("", line, count=1))
        else:
            entries.append((line, [], offset))
    if len(lines) < 2 or any(not meanings for _, meanings, _ in entries):
        return None
    return entries


def line_label(line: str, kind: str) -> tuple[str, str] | None:
    """`**Label:** rest` on one line (or `Label: rest` for facts), else None."""
    lead = split_bold_lead(line)
    if lead and lead[1]:
        return lead
    return plain_label(line) if kind == "fact" else None


def marked_pairs(lines: list[str]) -> list[tuple[int, str]]:
    """A paragraph cut before each line opening with a question marker (`Q:`, `P:`), with line offsets."""
    starts = [index for index, line in enumerate(lines) if QUESTION_MARKER.match(line.strip())]
    if not starts or starts[0] != 0:
        return []
    bounds = [*starts, len(lines)]
    return [(start, "\n".join(lines[start:end])) for start, end in itertools.pairwise(bounds)]


def split_answer(text: str) -> tuple[str, str]:
    """Split `Q: ... / A: ...` written on consecutive lines into (question, answer)."""
    lines = text.strip().split("\n")
    for index, line in enumerate(lines[1:], start=1):
        if ANSWER_MARKER.match(line.strip()):
            answer = "\n".join([ANSWER_MARKER.sub("", line.strip(), count=1), *lines[index + 1 :]])
            return "\n".join(lines[:index]), textwrap.dedent(answer).strip()
    return text, ""


def unmarked_answer(back: str) -> str:
    """A back opening with `A:` / `**Answer:**` (alone or as the first bullet) without that marker.

    A lone answer bullet ("- A: ...") is unwrapped to its text; beside other bullets it stays a bullet.
    """
    first, _, rest = back.partition("\n")
    bullet = _BULLET.match(first)
    body = first[bullet.end() :] if bullet else first
    marker = ANSWER_MARKER.match(body)
    if marker is None or _LETTER_ENUMERATION.match(marker.group(0)):
        return back
    body = body[marker.end() :]
    if not body.strip():
        return back  # "- Answer." alone is the writer's label, kept as written
    if bullet and not any(_BULLET.match(line) for line in rest.split("\n")):
        return "\n".join([body, textwrap.dedent(rest)]).strip()
    return "\n".join([first[: bullet.end()] + body if bullet else body, rest]).strip()


def plain_label(text: str) -> tuple[str, str] | None:
    """`Label: rest` with a short label (a few words, no question mark or code), else None."""
    if ":" not in text[:64] and "：" not in text[:64]:
        return None
    match = PLAIN_LABEL.match(text.strip())
    if match is None or len(match["label"].split()) > MAX_LABEL_WORDS:
        return None
    return match["label"].strip(), match["rest"].strip()


def dash_label(text: str) -> tuple[str, str] | None:
    """`Label — a, b` (a spaced dash before a list of topics), else None."""
    found = _dash_split(text)
    return found if found and re.search(r"[,;，；、]", found[1]) else None


def _dash_split(text: str) -> tuple[str, str] | None:
    """`Label — rest` with a short label, whatever follows the dash, else None."""
    match = _DASH_LABEL.match(text.strip())
    if match is None or len(match["label"].split()) > MAX_LABEL_WORDS:
        return None
    return match["label"].strip(), match["rest"].strip()


def defined_term(text: str, bold: bool = True) -> tuple[str, str] | None:
    """A glossary line, `**Term:** definition`, `**Term** – definition`, `Term: definition` or `Term – definition`
    (`bold`: whether a bold opening counts), as (term, definition) when what follows the term defines it
    rather than listing topics under it (see `topics.reads_as_definition`); else None."""
    lead = split_bold_lead(text) if bold else None
    if lead is not None:
        dashed = bool(_BOLD_DASH.match(text.strip()))
    else:
        lead, dashed = plain_label(text), False
        if lead is None:
            lead, dashed = _dash_split(text), True
    if lead is None or not lead[1] or not reads_as_definition(lead[0], lead[1], dashed):
        return None
    return lead


def label_only(text: str) -> tuple[str, str] | None:
    match = _LABEL_ONLY.match(text.strip())
    return (match["label"].strip(), "") if match else None


def one_line(text: str) -> str:
    if "\n" not in text and "<" not in text:
        return text.strip()  # the usual case, and the one path taken tens of thousands of times in a bank
    text = _LINE_BREAK_TAG.sub("\n", text)
    return " ".join(line.strip() for line in text.strip().split("\n") if line.strip())


def split_hint(text: str) -> tuple[str, str]:
    """`What is CAP? -> C, A, P` or `What is an SLO?<br>Error budgets` -> (question, hint); else (text, "")."""
    if not _HINT_SEPARATOR.search(text) or ends_with_marker(text):
        return text, ""  # no arrow, dash or line break: nothing to split (most questions)
    match = _HINT_AFTER_QUESTION.match(text)
    if match is None:
        # The first separator wins: "[Design X](...) — dict + (start, end) → [total, count]" splits at the dash.
        found = [found for found in (_HINT_AFTER_ARROW.match(text), _HINT_AFTER_DASH.match(text)) if found]
        arrow = min(found, key=lambda found: len(found["question"])) if found else None
        asked = arrow["question"] if arrow else ""
        unlinked = _LINK_TARGET.sub("", asked)
        # The question part must hold no question mark of its own, no half code span and no half link.
        whole_question = text.rstrip().endswith(("?", "？"))  # "Is A — or B — better?" is one question
        if (
            arrow is None
            or whole_question
            or any(m in unlinked for m in "?？")
            or asked.count("`") % 2
            or _half_link(unlinked)
        ):
            return text, ""
        return arrow["question"].strip(), arrow["hint"].strip()
    return match["question"].strip(), "\n".join(part.strip() for part in _LINE_BREAK_TAG.split(match["hint"]))


def _half_link(text: str) -> bool:
    """True when text opens a bracket it does not close (a dash inside "[Two Sum II - Sorted](...)")."""
    return text.count("[") != text.count("]")


def without_comments(text: str) -> tuple[str, str]:
    """Text without its closed `<!-- ... -->` comments, and those comments (linear time, no regex backtracking)."""
    kept: list[str] = []
    comments: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        kept.append(text[position:start])
        comments.append(text[start : end + 3])
        position = end + 3
    rest = " ".join("".join([*kept, text[position:]]).split())
    if not comments or not rest:
        return text, ""  # a line that is all comment stays as written: nothing is dropped
    return rest, "\n".join(comments)
