"""Hypothesis properties: the parser never crashes, imports are idempotent, ids survive shuffling."""

from __future__ import annotations

import contextlib
import random
import tempfile
import unicodedata
from pathlib import Path

from helpers import FIXED_NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.parse import parse_document
from studyprep.store.deckstore import load_deck, save_deck
from studyprep.store.workspace import Workspace

MARKDOWN_PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "### ",
        "- ",
        "* ",
        "+ ",
        "1. ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "**",
        "__",
        "`",
        "```\n",
        ":",
        "?",
        "Interview Questions",
        "Concepts to review",
        "Questions to ask them",
        "Company Summary",
        "What is X",
        "a, b (c, d), e",
        "> ",
        "---\n",
        "===\n",
        "<b>",
        "[red]",
        "{{Front}}",
        "\ufeff",
        "\x00",
        "🎧",
        "é",
        "\ud800",
    ]
)
markdownish = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=8)), max_size=60).map("".join)

# Words that look like YAML, HTML, templates or terminal markup: they must come back as the same text.
WORDS = st.sampled_from(
    ["alpha", "beta", "&a", "*a", "!!python/object", "key: value", "{{c1::x}}", "[red]", "<script>", "Ω", "日本", "🎧"]
)
phrase = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


@st.composite
def prep_documents(draw: st.DrawFn) -> list[tuple[str, list[str]]]:
    """Categories of unique questions: [(category, [question, ...]), ...]."""
    count = draw(st.integers(1, 4))
    categories = []
    for index in range(count):
        questions = [f"Q{index}x{n} why {draw(phrase)}?" for n in range(draw(st.integers(0, 4)))]
        categories.append((f"Topic {index} {draw(phrase)}", questions))
    return categories


def render(categories: list[tuple[str, list[str]]], shuffle_seed: int | None = None) -> str:
    rng = random.Random(shuffle_seed)
    ordered = [(name, list(questions)) for name, questions in categories]
    if shuffle_seed is not None:
        rng.shuffle(ordered)
        for _, questions in ordered:
            rng.shuffle(questions)
    lines = ["# Interview Prep: Acme – SRE", "", "## Predicted Interview Questions", ""]
    for name, questions in ordered:
        lines.append(f"- {name}")
        lines.extend(f"  - {question}" for question in questions)
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_parser_returns_or_raises_its_own_error(text: str) -> None:
    try:
        document = parse_document(text)
    except StudyprepError:
        return
    for card in document.cards:
        assert card.prompt.strip() and "\n" not in card.prompt


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parser_on_arbitrary_unicode(text: str) -> None:
    with contextlib.suppress(StudyprepError):
        parse_document(text)


def _undecorated(name: str) -> str:
    symbols = ("So", "Sk", "Cf", "Zs")
    start, end = 0, len(name)
    while start < end and (unicodedata.category(name[start]) in symbols or name[start] == "\ufe0f"):
        start += 1
    while end > start and (unicodedata.category(name[end - 1]) in symbols or name[end - 1] == "\ufe0f"):
        end -= 1
    return name[start:end].strip()


def _import(workspace: Workspace, folder: Path, text: str):
    path = folder / "prep.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return import_document(workspace, path, FIXED_NOW)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prep_documents())
def test_text_round_trips_and_import_is_idempotent(categories: list[tuple[str, list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "ws")
        text = render(categories)
        if not any(questions for _, questions in categories):
            return
        _import(workspace, Path(folder), text)
        deck = load_deck(workspace, "acme-sre")
        # Emoji and symbols at a category's ends are decoration, left out of its name ("🧪 Clinical" -> "Clinical").
        expected = [(question, [_undecorated(name)]) for name, questions in categories for question in questions]
        assert [(card.prompt, card.category) for card in deck.cards] == expected
        assert not _import(workspace, Path(folder), text).written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prep_documents(), st.integers(0, 10_000))
def test_ids_and_notes_survive_shuffling_bullets_and_categories(categories, seed: int) -> None:
    if not any(questions for _, questions in categories):
        return
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "ws")
        _import(workspace, Path(folder), render(categories))
        deck = load_deck(workspace, "acme-sre")
        deck = deck.but(cards=[card.but(notes=f"note for {card.id}") for card in deck.cards])
        save_deck(workspace, deck)
        ids = {card.prompt: card.id for card in deck.cards}
        result = _import(workspace, Path(folder), render(categories, shuffle_seed=seed))
        after = load_deck(workspace, "acme-sre")
        assert {card.prompt: card.id for card in after.cards} == ids
        assert all(card.notes == f"note for {card.id}" and card.retired is None for card in after.cards)
        assert sum(result.counts()["added"].values()) == 0
        assert sum(result.counts()["retired"].values()) == 0
