"""Split a concept bullet that lists several topics into one topic each."""

from __future__ import annotations

__all__ = ["split_topics"]

import re

from studyprep.parse.meaning import is_answer_part
from studyprep.parse.meaning import plain as plain_text
from studyprep.parse.vocabulary import (
    ASIDE_LABELS,
    DEFINITION_CLAUSE_WORDS,
    DEFINITION_OPENERS,
    RELATIVE_WORDS,
    ROMANCE_RELATIVE_WORDS,
)

__all__ = ["reads_as_definition", "split_topics"]

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
    return _list_parts(text)


def _list_parts(text: str) -> list[str]:
    """The topics between commas and semicolons, or the whole text when a part reads as prose."""
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
    return sum(1 for word in _outside_brackets(part).split() if sum(ch.isalpha() for ch in word) > 1)


def _outside_brackets(part: str) -> str:
    depth, outside = 0, []
    for char in part:
        depth += char in _OPENERS
        if not depth:
            outside.append(char)
        depth -= depth > 0 and char in _CLOSERS
    return "".join(outside)


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
    return _numbers_kept(parts)


# "service classes 1, 2 and 3", "sizes 8, 10 or 12": numbers after a number continue its enumeration.
_NUMBERS_ONLY = re.compile(
    r"^\s*\d+(?:[.,]\d+)?(?:\s*(?:and|or|&|und|oder|et|ou|y|o|e|bis|to|[-–])\s*\d+(?:[.,]\d+)?)*\s*$", re.IGNORECASE
)
_ENDS_IN_NUMBER = re.compile(r"\d\W{0,2}$")


def _numbers_kept(parts: list[str]) -> list[str]:
    """Join a part holding only numbers to the part before it when that one ends in a number: one topic."""
    kept: list[str] = []
    for part in parts:
        if kept and _NUMBERS_ONLY.match(part) and _ENDS_IN_NUMBER.search(kept[-1]):
            kept[-1] = f"{kept[-1]},{part}"
        else:
            kept.append(part)
    return kept


# A term is a name: a few words ("Error budget", "Voice vs tone"), not a sentence.
MAX_TERM_WORDS = 5
# Fewer words than this after a label are a topic or two ("Tools: Pronote"), too short to tell.
_MIN_DEFINITION_WORDS = 3
# One piece of prose ending in a full stop reads as a sentence from this many words ("stop calling a failing
# dependency for a while."); without the full stop, it takes a clause word and a few more words.
_SENTENCE_PIECE_WORDS = 4
_CLAUSE_PIECE_WORDS = 5
# A piece of at most this many words and no clause word names a thing ("hash indexes").
_NAME_WORDS = 4
# "how to", "wie man", "wann zu": a relative word before an infinitive opens a task, not a definition; in
# Spanish, French and Portuguese the infinitive itself follows ("cómo usar", "quand utiliser", "como medir").
_TASK_MARKERS = {"to", "man", "zu"}
_INFINITIVE = re.compile(r"\w{2,}(?:ar|er|ir|ír|re)")
_TOPIC_JOINERS = {"and", "or", "vs", "versus", "und", "oder", "y", "o", "e", "et", "ou", "ni", "nor"}
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_ELIDED_ARTICLE = re.compile(r"^(?:l|d)['’]\w", re.IGNORECASE)
# A full stop closing an abbreviation or an initial ("etc.", "e.g.", "z. B.", "vs.", "B.") ends no sentence.
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:etc|e\.\s?g|i\.\s?e|usw|bzw|z\.\s?b|vs|p\.\s?ex|p\.\s?ej|ex)|(?<!\w)\w)\.$", re.IGNORECASE
)


def reads_as_definition(label: str, rest: str, dashed: bool = False) -> bool:
    """True when `rest`, written after a term's label (`**Term:** rest`, `Term: rest`, `Term – rest` when
    `dashed`), defines that term ("the unreliability an SLO allows.") rather than listing topics under it
    ("requests vs limits, PodDisruptionBudgets"). Conservative: when the signs are weak, a list.

    Signs of a definition: it opens with an article, determiner or relative word; it ends in a full stop;
    it holds a clause word (a verb, pronoun or subordinator, see `vocabulary`); it is one piece of prose
    rather than short pieces between commas; a dash after the term. Signs of a list: three or more pieces
    naming things, pieces joined by "and"/"vs", a question mark, a task ("when to use ..."), a long label
    or one naming an answer's part or an aside ("Tip:", "Note:", "Remember:")."""
    text = plain_text(rest).strip()
    term = plain_text(label).strip()
    if not term or len(term.split()) > MAX_TERM_WORDS or _not_a_term(term) or text.endswith(("?", "？")):
        return False
    words = _WORD.findall(text)
    if len(words) < _MIN_DEFINITION_WORDS or _task_topic(words):
        return False
    clause = _clause_in(text)
    if _names_topics(text, clause):
        return False
    stop = _ends_sentence(text)
    opener = words[0].casefold() in DEFINITION_OPENERS or bool(_ELIDED_ARTICLE.match(text))
    # No comma at all: "goroutines, channels, and when to use a mutex" is a list kept whole, not one clause.
    one_piece = len(_split_top_level(text)) == 1
    # "stop calling a failing dependency for a while." is a sentence; "star schemas and SCDs." two topics.
    sentence = one_piece and len(words) >= _SENTENCE_PIECE_WORDS and not _joins_topics(words)
    if stop and (opener or clause or dashed or sentence):
        return True
    return clause and (opener or (one_piece and len(words) >= _CLAUSE_PIECE_WORDS))


def _names_topics(text: str, clause: bool) -> bool:
    """Three or more pieces that name things: "EXW, FCA, DAP." or "the OOM killer, anycast, TCP retransmits"
    (no clause word at all), or "B-trees, hash indexes, and when the planner ignores them" (two short names
    before a clause)."""
    if len(_list_parts(text)) >= 3 and not clause:
        return True
    pieces = _with_examples(_split_top_level(text))
    names = [piece for piece in pieces if _word_count(piece) <= _NAME_WORDS and not _clause_in(piece)]
    return len(pieces) >= 3 and len(names) >= 2


def _clause_in(piece: str) -> bool:
    """A clause word outside brackets: "(it is hard)" is an aside, not the piece's own clause."""
    return _holds_clause_word(_WORD.findall(_outside_brackets(piece)))


def _task_topic(words: list[str]) -> bool:
    """True for a task to study ("when to use write-through", "wie man ... prüft", "cómo usar ..."), which
    opens like a definition ("when two threads wait ...") but is not one."""
    first, second = (word.casefold() for word in words[:2])
    infinitive = first in ROMANCE_RELATIVE_WORDS and bool(_INFINITIVE.fullmatch(second))
    return infinitive or (first in RELATIVE_WORDS and second in _TASK_MARKERS)


def _joins_topics(words: list[str]) -> bool:
    """True when a word joins topics in a list written without commas ("and", "oder", "vs")."""
    return any(word.casefold() in _TOPIC_JOINERS for word in words)


def _not_a_term(label: str) -> bool:
    """A label naming a part of an answer ("Tip", "Key points") or an aside ("Remember", "Wichtig")."""
    return is_answer_part(label) or label.casefold().rstrip(".:： ") in ASIDE_LABELS


def _holds_clause_word(words: list[str]) -> bool:
    """A verb, pronoun or subordinator written in lower case ("IT", "May" in a list name no clause)."""
    return any(word in DEFINITION_CLAUSE_WORDS for word in words if word.islower())


def _ends_sentence(text: str) -> bool:
    trimmed = text.rstrip(" *_)\"'”»")
    return trimmed.endswith((".", "。")) and not trimmed.endswith("..") and not _ABBREVIATION_END.search(trimmed)
