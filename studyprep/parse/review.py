"""Cards that look wrong, for the import to point out so the writer can fix the document (pure: no output).

Three signs, each a `CardWarning` with the card's source line:
- "not-a-question": a question or ask card whose prompt does not read as a question (see
  `meaning.looks_like_question`); a prompt that is, or opens with, the title of a link, as in a list of
  practice problems (`[Two Sum](https://...)`), names its question and is not flagged;
- "long-prompt": a prompt over `MAX_PROMPT_CHARS` characters, too long to recall as one card;
- "paragraph-category": a category holding a single card of its kind whose prompt is a whole paragraph (over
  `PARAGRAPH_CHARS` characters, or `PARAGRAPH_SENTENCES` sentences or more): prose read as one card.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from studyprep.cards.parsed import ParsedCard, ParsedDocument
from studyprep.parse.meaning import looks_like_question

__all__ = [
    "MAX_PROMPT_CHARS",
    "PARAGRAPH_CHARS",
    "PARAGRAPH_SENTENCES",
    "WARNING_KINDS",
    "CardWarning",
    "card_warnings",
]

MAX_PROMPT_CHARS = 300
PARAGRAPH_CHARS = 200
PARAGRAPH_SENTENCES = 3
WARNING_KINDS = ("not-a-question", "long-prompt", "paragraph-category")

_QUOTED_CHARS = 80
# A sentence ends at `.`, `!`, `?` or `…` (closing quotes or brackets may follow) before a space and a capital
# letter or digit; CJK full stops end one without a space.
_SENTENCE_END = re.compile(r"(\S*?)[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*(\w))")
_CJK_SENTENCE_END = re.compile(r"[。！？](?=.)")
# A Markdown link as the parser keeps it on a card's back when the prompt showed its text.
_LINK = re.compile(r"\[([^\[\]]{1,300})\]\(https?://")
_ABBREVIATIONS = {"e.g", "i.e", "eg", "ie", "etc", "vs", "cf", "incl", "approx", "mr", "mrs", "ms", "dr", "st", "no"}


@dataclass(frozen=True)
class CardWarning:
    """A card that looks wrong: its 1-based source line, the kind of problem, its prompt and a message."""

    line: int
    kind: str
    prompt: str
    message: str


def card_warnings(document: ParsedDocument) -> list[CardWarning]:
    """The warnings about a parsed document's cards, by source line (a card's own in the order of
    `WARNING_KINDS`); none for a document whose cards all look right."""
    group_sizes = Counter((card.kind, tuple(card.category)) for card in document.cards)
    warnings: list[CardWarning] = []
    for card in document.cards:
        if card.kind in ("question", "ask") and not _reads_as_question(card):
            warnings.append(_warning(card, "not-a-question", f"{card.kind} card is not a question"))
        if len(card.prompt) > MAX_PROMPT_CHARS:
            message = f"prompt is too long ({len(card.prompt)} characters, over {MAX_PROMPT_CHARS})"
            warnings.append(_warning(card, "long-prompt", message))
        if card.category and group_sizes[card.kind, tuple(card.category)] == 1:
            why = _paragraph(card.prompt)
            if why:
                category = " › ".join(card.category)
                message = f'category "{category}" holds a single {card.kind} card that is a whole paragraph ({why})'
                warnings.append(_warning(card, "paragraph-category", message))
    return sorted(warnings, key=lambda warning: warning.line)


def _sentences(text: str) -> list[str]:
    """`text` cut into its sentences; "e.g. Redis" and "3.5" end none."""
    cuts = sorted(
        [
            match.end()
            for match in _SENTENCE_END.finditer(text)
            if (match[2].isupper() or match[2].isdigit()) and match[1].casefold().rstrip(".") not in _ABBREVIATIONS
        ]
        + [match.end() for match in _CJK_SENTENCE_END.finditer(text)]
    )
    pieces = (text[start:end].strip() for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True))
    return [piece for piece in pieces if piece]


def _reads_as_question(card: ParsedCard) -> bool:
    """A question as `looks_like_question` reads one, in any of the prompt's sentences (a scenario, then "Walk
    me through it."), or a prompt naming a linked problem."""
    if looks_like_question(card.prompt) or _opens_with_link_title(card):
        return True
    sentences = _sentences(card.prompt)
    return len(sentences) > 1 and any(looks_like_question(sentence) for sentence in sentences)


def _opens_with_link_title(card: ParsedCard) -> bool:
    """True when the prompt is, or opens with, the text of a link kept on the card's back: a problem to
    practise ("Two Sum", "Min Stack — two stacks")."""
    for match in _LINK.finditer(card.back):
        title = match[1].strip()
        if title and card.prompt.startswith(title) and not card.prompt[len(title) : len(title) + 1].isalnum():
            return True
    return False


def _paragraph(prompt: str) -> str:
    """Why `prompt` is a whole paragraph ("412 characters", "3 sentences"), or "" when it is not one."""
    if len(prompt) > PARAGRAPH_CHARS:
        return f"{len(prompt)} characters"
    sentences = len(_sentences(prompt))
    return f"{sentences} sentences" if sentences >= PARAGRAPH_SENTENCES else ""


def _warning(card: ParsedCard, kind: str, problem: str) -> CardWarning:
    return CardWarning(line=card.source, kind=kind, prompt=card.prompt, message=f"{problem}: {_quoted(card.prompt)}")


def _quoted(prompt: str) -> str:
    """The prompt in double quotes, cut to `_QUOTED_CHARS` characters with an ellipsis."""
    if len(prompt) > _QUOTED_CHARS:
        prompt = prompt[: _QUOTED_CHARS - 1].rstrip() + "…"
    return f'"{prompt}"'
