"""The vocabulary's section patterns, regrouped to be searched faster, are found in exactly the texts the
patterns as written are found in: every line of the corpus and the example, and generated texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.parse import meaning
from studyprep.parse.vocabulary import STAGE_WORDS, found_anywhere

REPO = Path(__file__).resolve().parent.parent
SECTION_WORDS = [words for _, words in meaning._SECTION_WORDS]
PATTERNS = [*SECTION_WORDS, STAGE_WORDS, "|".join(SECTION_WORDS)]  # the last: any section's words
DOCUMENTS = sorted((REPO / "tests" / "corpus").rglob("*.md")) + sorted((REPO / "examples").glob("*.md"))


def _corpus_texts() -> list[str]:
    lines = {line for path in DOCUMENTS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    # Headings are matched as `section_kind` reads them: reduced to lower-case words.
    return sorted(lines | {meaning._comparable(line) for line in lines})


CORPUS_TEXTS = _corpus_texts()


def test_alternatives_split_outside_groups_and_classes() -> None:
    from studyprep.parse.vocabulary import _top_level_alternatives

    split = _top_level_alternatives(r"a|b[|]c|(x|y)|[]|]z|[^]|]w|\|q")
    assert split == ["a", "b[|]c", "(x|y)", "[]|]z", "[^]|]w", r"\|q"]


def test_alternatives_are_grouped_by_boundary_start_and_first_letter() -> None:
    grouped = found_anywhere(r"\bto ask\b|\bask (?:a|b)|^the|^our|question|quest|qs?x|s?tep|[àa] poser|q")
    assert grouped == r"\b(?:t(?:o ask\b)|a(?:sk (?:a|b)))|^(?:t(?:he)|o(?:ur))|q(?:uestion|uest|s?x|)|s?tep|[àa] poser"


@pytest.mark.parametrize("words", PATTERNS, ids=range(len(PATTERNS)))
def test_found_in_the_same_corpus_lines(words: str) -> None:
    written, grouped = re.compile(words), re.compile(found_anywhere(words))
    found = [text for text in CORPUS_TEXTS if bool(written.search(text)) != bool(grouped.search(text))]
    assert not found
    assert any(written.search(text) for text in CORPUS_TEXTS) or words.startswith(r"\bfit")


# Texts made of the patterns' own words and pieces of them, so that near misses are tried too.
_PIECES = sorted({piece for words in PATTERNS for piece in re.findall(r"[^\W\d_]+|[ '&-]", words)})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.sampled_from([" ", "1", "2", "'", "x"]), max_size=8))
def test_found_in_the_same_generated_texts(pieces: list[str]) -> None:
    text = "".join(pieces)
    for words in PATTERNS:
        assert bool(re.search(words, text)) == bool(re.search(found_anywhere(words), text)), (words[:40], text)
