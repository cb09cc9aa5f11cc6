"""Nothing in a prep document is dropped: every word of its text ends up somewhere in the deck.

A word (a maximal run of letters or digits, case-folded and NFKC-normalized) of the document must be found in
the parsed document's title, company or role, in one of its cards (prompt, back, context, category names,
tags) or in one of its reference notes (section name or text). The comparison is on sets of words.

Markup is not text: emphasis and code marks, heading marks, list markers and task boxes, table pipes and
punctuation (including a link's URL punctuation: the URL's words still count) carry no words. Besides markup,
only words that name structure and nothing else are set aside, each listed in `_structure_free`:
- the enumerator opening a heading, a bold line or a paragraph, a list marker written by hand: `### 6.`,
  `**4. …**`, `1\\.`, `2.1`, `1️⃣`, `A.`, `B)`, a one-letter label (`Q:`, `R :`) or the word it stands for
  (`**Question:**`, `Answer:`), a table's number column (headed `#`, `No.`), and a number named as a question or a
  part of the document (`Q4.`, `Question 6:`, `**Frage 1:**`, `## Part 1 —`, `## Teil 2 —`); a round or a
  week (`Round 1 –`, `Woche 2:`) is not structure, it is the writer's plan;
- the item count closing a heading (`## Clinical scenarios (4)`);
- HTML tag names (`<details>`, `<summary>`) and Obsidian callout types (`> [!question]`);
- a difficulty in brackets beside a question (`(Fácil)`, `[Hard]`), which becomes an English tag (`easy`);
- the target of an Obsidian wiki link with an alias (`[[Med-surg years at Legacy|my notes]]`): the name of
  another note in the writer's vault, an address that opens nothing outside Obsidian; the deck shows the
  alias, which counts (a Markdown link's URL does count: the card keeps it, and it opens anywhere).
Everything else is text: code (fenced or inline, with its language) is taken as written, and a table's header
row, a link's address and an Obsidian link's target (`[[target|alias]]`) count like any other words.

Documents that lose words today, while the parser is being fixed, are listed in `KNOWN_LOSSES` (strict
xfail: closing a loss without updating the list fails the run).
"""

from __future__ import annotations

import functools
import random
import re
import string
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.parse import parse_document

if TYPE_CHECKING:
    from studyprep.cards.parsed import ParsedDocument

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "corpus"
EXAMPLES = TESTS.parent / "examples"
FAMILIES = SAMPLES / "families"

_WORD = re.compile(r"\w+")
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$")
# Quote marks, indentation, list markers (`-`, `*`, `+`, `1.`, `1)`) and a task box, at a line's start.
_LINE_PREFIX = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(?:\[[ xX]\][ \t]+)?")
_HEADING_MARK = re.compile(r"^#{1,6}[ \t]+")
# A hand-written enumerator opening the line's text, after any opening emphasis: `6.`, `1️⃣`, `A.`, `B)`, `Q:`,
# `Q4.`, `Question 6:`, `Part 1 —`.
_ENUMERATOR = re.compile(
    r"^([*_]{0,3})(?:(?:q|question|frage|pregunta|pergunta)[ \t]*\d{1,3}[ \t]*[.:)—–-]"
    r"|(?:question|answer|frage|antwort|pregunta|respuesta|pergunta|resposta):[*_]{0,3}"
    r"|(?:part|partie|parte|teil)[ \t]*(?:\d{1,3}|[a-h])[ \t]*[.:)—–-]"
    r"|\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\\?[.)]|\d\ufe0f?\u20e3|[a-z]\\?[.)]|[a-z][ \t]?:)(?=[\s*_]|$)",
    re.IGNORECASE,
)
# A table's number column (header `#`, `No.`, `Nr.`, `N°`): row numbers, written by hand like a list's.
_NUMBER_COLUMN_HEADER = re.compile(r"^\s*\|\s*(?:#|no\.?|nr\.?|n[°º])\s*\|", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^(\s*\|)\s*\d{1,3}\.?\s*(?=\|)")
_BOLD_LINE = re.compile(r"^([*_]{2}).+\1:?$")
_HEADING_COUNT = re.compile(r"[ \t]*\(\d{1,3}\)(?=[ \t*_#]*$)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_HTML_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*(?:[ \t]+[A-Za-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*'|=[^\s\"'<>]+)?)*[ \t]*/?>"
)
_CALLOUT = re.compile(r"\[![A-Za-z-]+\][+-]?")
# A difficulty written beside a question ("(Fácil)", "[Hard]") becomes the card's tag in English (`easy`).
_DIFFICULTY_MARK = re.compile(
    r"[(\[](?:easy|medium|hard|leicht|mittel|schwer|f[áa]cil|m[ée]di[oa]|dif[íi]cil|facile|moyen|difficile)[)\]]",
    re.IGNORECASE,
)
_WIKI_LINK_TARGET = re.compile(r"(?<!!)\[\[[^\[\]|]{1,200}\|")


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _tokens(text: str) -> set[str]:
    """Every word of `text` as it stands: runs of letters and digits (`_` splits, as it is emphasis)."""
    return set(_WORD.findall(_normal(text).replace("_", " ")))


def _structure_free(line: str) -> str:
    """One line outside code, without what only names structure (see the module's docstring)."""
    rest = _DIFFICULTY_MARK.sub(" ", _WIKI_LINK_TARGET.sub("[[", _LINE_PREFIX.sub("", line, count=1)))
    heading = bool(_HEADING_MARK.match(rest))
    rest = _HEADING_MARK.sub("", rest, count=1).rstrip()
    heading = heading or bool(_BOLD_LINE.match(rest))
    rest = _ENUMERATOR.sub(r"\1", rest, count=1)
    if heading:
        rest = _HEADING_COUNT.sub("", rest)
    pieces: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(rest):
        pieces.extend((_CALLOUT.sub(" ", _HTML_TAG.sub(" ", rest[position : span.start()])), span.group(0)))
        position = span.end()
    pieces.append(_CALLOUT.sub(" ", _HTML_TAG.sub(" ", rest[position:])))
    return "".join(pieces)


def _words_by_line(text: str) -> Iterator[tuple[int, str, set[str]]]:
    """(line number, line, its words) for each line of a Markdown document; fenced code is taken as written."""
    fence = ""
    numbered_rows = False  # inside a table whose first column numbers its rows
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        numbered_rows = bool(_NUMBER_COLUMN_HEADER.match(line)) or (numbered_rows and line.lstrip().startswith("|"))
        text_of_line = _ROW_NUMBER.sub(r"\1", line, count=1) if numbered_rows else line
        opening = _FENCE.match(_normal(line))
        if fence:
            if opening and opening.group(1).startswith(fence) and not opening.group(2).strip():
                fence = ""
                continue
            yield number, line, _tokens(line)
        elif opening:
            fence = opening.group(1)
            yield number, line, _tokens(opening.group(2))
        else:
            yield number, line, _tokens(_structure_free(text_of_line))


def words_of(text: str) -> set[str]:
    """The words of a Markdown text: case-folded, NFKC-normalized, markup and structure names aside."""
    words: set[str] = set()
    for _, _, found in _words_by_line(text):
        words |= found
    return words


def deck_words(document: ParsedDocument) -> set[str]:
    """Every word the parsed document keeps: identity, cards and reference notes."""
    parts = [document.title, document.company, document.role]
    for card in document.cards:
        parts.extend([card.prompt, card.back, card.context, *card.category, *card.tags])
    for note in document.reference:
        parts.extend([note.section, note.text])
    words: set[str] = set()
    for part in parts:
        words |= _tokens(part)
    return words


def lost_words(text: str) -> dict[str, tuple[int, str]]:
    """The document's words the deck does not keep, each with the first line holding it."""
    lost = words_of(text) - deck_words(parse_document(text))
    where: dict[str, tuple[int, str]] = {}
    for number, line, found in _words_by_line(text):
        for word in sorted(found & lost):
            where.setdefault(word, (number, line.strip()))
    return dict(sorted(where.items()))


def _excerpt(word: str, line: str, width: int = 160) -> str:
    """The line, or the part of a long line around the word."""
    if len(line) <= width:
        return line
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", _normal(line).replace("_", " "))
    start = max(0, (found.start() if found else 0) - width // 2)
    return ("…" if start else "") + _normal(line)[start : start + width] + "…"


def _report(lost: dict[str, tuple[int, str]]) -> str:
    lines = [f"{len(lost)} word(s) of the document are in no card, reference note, title, company or role:"]
    lines.extend(f"  {word!r:<22} line {number}: {_excerpt(word, line)}" for word, (number, line) in lost.items())
    return "\n".join(lines)


# -- the documents we have ----------------------------------------------------------------------------------

# Documents losing words today, by id, with why (the parser is being fixed): strict xfail.
KNOWN_LOSSES: dict[str, str] = {}


def _documents() -> list[object]:
    found: list[tuple[str, Path]] = [
        (f"{path.parent.name}/{path.stem}", path) for path in sorted(CORPUS.glob("*/*.md"))
    ]
    params: list[object] = []
    for label, folder in (("samples", SAMPLES), ("families", FAMILIES)):
        if folder.is_dir():
            found.extend(
                (f"{label}/{path.stem}", path) for path in sorted(folder.glob("*.md")) if path.name != "README.md"
            )
        else:
            params.append(pytest.param(None, id=f"{label}-missing", marks=pytest.mark.skip(reason=f"no {folder}")))
    found.extend((f"examples/{path.stem}", path) for path in sorted(EXAMPLES.glob("*.md")))
    params.extend(
        pytest.param(
            path,
            id=key,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_LOSSES[key])] if key in KNOWN_LOSSES else [],
        )
        for key, path in found
    )
    return params


def test_there_are_documents_to_check() -> None:
    assert len(list(CORPUS.glob("*/*.md"))) >= 60
    assert list(EXAMPLES.glob("*.md"))


def test_known_losses_name_real_documents() -> None:
    ids = {f"{path.parent.name}/{path.stem}" for path in CORPUS.glob("*/*.md")}
    ids |= {f"samples/{path.stem}" for path in SAMPLES.glob("*.md")}
    ids |= {f"families/{path.stem}" for path in FAMILIES.glob("*.md")}
    ids |= {f"examples/{path.stem}" for path in EXAMPLES.glob("*.md")}
    absent = {"samples"} if not SAMPLES.is_dir() else set()
    absent |= {"families"} if not FAMILIES.is_dir() else set()
    assert {key for key in KNOWN_LOSSES if key.split("/")[0] not in absent} <= ids


@pytest.mark.parametrize("path", _documents())
def test_no_word_of_the_document_is_lost(path: Path) -> None:
    lost = lost_words(path.read_text(encoding="utf-8"))
    assert not lost, _report(lost)


# -- what words_of reads as words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("## 6. ¿Por qué *Garrigues*?", {"por", "qué", "garrigues"}),
        ("**4. Tell me** about it", {"tell", "me", "about", "it"}),
        ("### A. SQL (3)", {"sql"}),
        ("### Q4. Run a call", {"run", "a", "call"}),
        ("## 2.1 Why us?", {"why", "us"}),
        ("**Answer:** Because", {"because"}),
        ("| # | Question |\n|---|---|\n| 7 | Why? |\n\n| 7 | x |", {"question", "why", "7", "x"}),
        ("#### Question 6: Why Kirkmoor?", {"why", "kirkmoor"}),
        ("**Frage 1:** Wie?", {"wie"}),
        ("## Part 1 — Distributed systems", {"distributed", "systems"}),
        ("R : la marge", {"la", "marge"}),
        ("### 1\ufe0f\u20e3 A bitch spay?", {"a", "bitch", "spay"}),
        ("## Woche 2: SQL", {"woche", "2", "sql"}),
        ("**Q:** Why `x_1 (2)`?", {"why", "x", "1", "2"}),
        ("1\\. Talk me through", {"talk", "me", "through"}),
        ("  - [x] 3 **bold** ==high== ~~gone~~ `code`", {"3", "bold", "high", "gone", "code"}),
        ("| Fact | Details |\n|---|---|", {"fact", "details"}),
        ("<details>\n<summary>Why us?</summary>", {"why", "us"}),
        ("> [!question] Questions to ask", {"questions", "to", "ask"}),
        (
            "[Min Stack](https://leetcode.com/problems/min-stack/)",
            {"min", "stack", "https", "leetcode", "com", "problems"},
        ),
        ("Round 1 – Recruiter screen (30 min)", {"round", "1", "recruiter", "screen", "30", "min"}),
        ("```bash\n# 1. not a heading <b>\n```", {"bash", "1", "not", "a", "heading", "b"}),
        ("ＦＵＬＬ Straße", {"full", "strasse"}),
    ],
)
def test_words_of_reads_markup_aside(text: str, words: set[str]) -> None:
    assert words_of(text) == words


# -- generated documents ------------------------------------------------------------------------------------

# Plain words, a few of them words the parser reads as section or label vocabulary when they open a line.
VOCABULARY = [
    "latency",
    "budget",
    "patient",
    "team",
    "customer",
    "deadline",
    "ledger",
    "rollout",
    "shift",
    "margin",
    "cache",
    "escalation",
    "contract",
    "pipeline",
    "inventory",
    "quarter",
    "café",
    "Größe",
    "señal",
    "naïve",
    "approach",
    "plan",
    "position",
    "summary",
    "review",
    "notes",
    "easy",
    "tips",
]
_LETTERS = string.ascii_lowercase + "éüçñ"

# Words are made from one drawn seed per sentence or name, not drawn letter by letter: Hypothesis spends most of
# a property run on its draws (about 240 for a document drawn letter by letter), so the 600 documents of the slow
# run cost a fraction of the CPU. The words are the same kinds, in the same proportions: a vocabulary word, a
# made-up word of 1-9 letters (2-9 to open a sentence) or, past the first word, a number up to 9999. The
# document's structure (sections, question shapes, details, order) is still drawn piece by piece, so a failure
# shrinks to the structure that loses the word.
_SEEDS = st.integers(0, 2**32 - 1)


def _word(rng: random.Random, *, first: bool) -> str:
    """A vocabulary word, a made-up word or (not first) a number, each kind equally likely."""
    kind = rng.randrange(2 if first else 3)
    if kind == 0:
        return rng.choice(VOCABULARY)
    if kind == 1:
        return "".join(rng.choices(_LETTERS, k=rng.randint(2 if first else 1, 9)))
    return str(rng.randrange(10_000))


def _sentence(seed: int, end: str) -> str:
    rng = random.Random(seed)
    words = [_word(rng, first=True), *(_word(rng, first=False) for _ in range(rng.randint(1, 7)))]
    return (" ".join(words) + end).capitalize()


def _name(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(_word(rng, first=True).capitalize() for _ in range(2))


first_words = _SEEDS.map(lambda seed: _word(random.Random(seed), first=True))


@functools.cache
def sentences(end: str = ".") -> st.SearchStrategy[str]:
    """Two to eight words, the first of them letters (a line never opens with a number or a lone letter)."""
    return _SEEDS.map(lambda seed: _sentence(seed, end))


names = _SEEDS.map(_name)

titles = st.one_of(
    st.builds("# {} – {}".format, names, names),
    st.builds("# Interview prep: {} {}".format, names, names),
    st.builds("# {} at {}".format, names, names),
    st.builds("# {} interview notes".format, names),
)

QUESTION_HEADINGS = ("Questions", "Interview questions", "Likely interview questions", "Behavioral questions")
OTHER_HEADINGS = (
    "Technical questions",
    "Round 1 – Recruiter screen",
    "Round 2 – Hiring manager",
    "Concepts to review",
    "Questions to ask",
    "About the company",
    "Tips",
    "Resources",
)
LABELS = ("Sample answer", "What they're looking for", "Tip", "Follow-up", "Avoid")


def tables(draw: st.DrawFn, indent: str = "") -> str:
    head = (draw(names), draw(names))
    rows = draw(st.lists(st.tuples(names, sentences()), min_size=1, max_size=3))
    lines = [f"| {head[0]} | {head[1]} |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    return "\n".join(indent + line for line in lines)


def details(draw: st.DrawFn, indent: str) -> str:
    """What may follow a question, indented under its list item: bullets, labels, a quote, code or a table."""
    shape = draw(st.sampled_from(("bullets", "nested", "label", "quote", "code", "table")))
    if shape == "table":
        return tables(draw, indent)
    if shape == "bullets":
        lines = [f"- {item}" for item in draw(st.lists(sentences(), min_size=1, max_size=3))]
    elif shape == "nested":
        lines = [f"- {draw(sentences())}", f"  - {draw(sentences())}", f"    - {draw(sentences())}"]
    elif shape == "label":
        lines = [f"- **{draw(st.sampled_from(LABELS))}:** {draw(sentences())}"]
        if draw(st.booleans()):
            lines.append(f"  - {draw(sentences())}")
    elif shape == "quote":
        lines = [f"> {draw(sentences())}"]
    else:
        language = draw(st.sampled_from(("", "python", "sql", "bash")))
        lines = [f"```{language}", f"{draw(first_words)} = {draw(first_words)}({draw(first_words)})", "```"]
    return "\n".join(indent + line for line in lines)


def questions(draw: st.DrawFn, number: int) -> str:
    """One question, as a bullet, a numbered item, a bold line or a sub-heading, maybe with what follows it."""
    shape = draw(st.sampled_from(("bullet", "numbered", "bold", "heading")))
    text = draw(sentences(end="?"))
    head, indent = {
        "bullet": (f"- {text}", "  "),
        "numbered": (f"{number}. {text}", "   "),
        "bold": (f"**{number}. {text}**", ""),
        "heading": (f"### {number}. {text}", ""),
    }[shape]
    if not draw(st.booleans()):
        return head
    if shape in {"bold", "heading"} and draw(st.booleans()):
        label = draw(st.sampled_from(LABELS))
        return f"{head}\n\n**{label}:** {draw(sentences())}"
    return head + ("\n\n" if shape in {"bold", "heading"} else "\n") + details(draw, indent)


def question_sections(draw: st.DrawFn, heading: str) -> str:
    """Questions under a heading, maybe in groups under sub-headings or bold lines, maybe a bold line at the end."""
    parts = [f"## {heading}"]
    number = 0
    for _ in range(draw(st.integers(1, 2))):
        group = draw(st.sampled_from(("", "### {}", "**{}**")))
        if group:
            parts.append(group.format(draw(names)))
        for _ in range(draw(st.integers(1, 3))):
            number += 1
            parts.append(questions(draw, number))
    if draw(st.booleans()):
        parts.append(f"**{draw(sentences(end='!'))}**")
    return "\n\n".join(parts)


@st.composite
def other_sections(draw: st.DrawFn) -> str:
    heading = draw(st.sampled_from(OTHER_HEADINGS))
    if heading.startswith(("Technical", "Round")):
        return question_sections(draw, heading)
    shape = draw(st.sampled_from(("bullets", "labelled", "paragraph", "link", "table", "quote")))
    if shape == "bullets":
        body = "\n".join(f"- {item}" for item in draw(st.lists(sentences(), min_size=1, max_size=3)))
    elif shape == "labelled":
        body = "\n".join(f"- **{draw(names)}:** {draw(sentences())}" for _ in range(draw(st.integers(1, 3))))
    elif shape == "paragraph":
        body = draw(sentences())
    elif shape == "table":
        body = tables(draw)
    elif shape == "quote":
        body = f"> {draw(sentences())}"
    else:
        body = f"- [{draw(sentences(end=''))}](https://example.com/{draw(first_words)}) – {draw(sentences())}"
    return f"## {heading}\n\n{body}"


@st.composite
def prep_documents(draw: st.DrawFn) -> str:
    """A small prep document: a title, maybe an intro, a questions section and up to three others, any order."""
    parts = [draw(titles)]
    if draw(st.booleans()):
        parts.append(draw(sentences()))
    sections = [question_sections(draw, draw(st.sampled_from(QUESTION_HEADINGS)))]
    sections.extend(draw(st.lists(other_sections(), max_size=3)))
    order = draw(st.permutations(range(len(sections))))
    parts.extend(sections[index] for index in order)
    return "\n\n".join(parts) + "\n"


def _check_generated(text: str) -> None:
    lost = lost_words(text)
    assert not lost, _report(lost) + "\n\ndocument:\n" + text


@settings(max_examples=60, deadline=None)
@given(prep_documents())
def test_generated_documents_lose_no_word(text: str) -> None:
    _check_generated(text)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(prep_documents())
def test_many_generated_documents_lose_no_word(text: str) -> None:
    _check_generated(text)
