"""Hostile prep documents: every input ends in a parsed document or studyprep's own error, in bounded time.

Pathological inputs that used to hang (quadratic inline-mark regexes on a long line, markdown-it on huge
documents) are run under a generous alarm that only catches hangs; speed itself is measured in bench/.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from helpers import FIXED_NOW, no_hang
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyprep.anki.html import field_html, inline_html
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.parse import MAX_DOCUMENT_BYTES, parse_document
from studyprep.parse.meaning import plain
from studyprep.store.deckstore import load_deck_file
from studyprep.store.workspace import Workspace

HEADER = "# Interview Prep: Acme – SRE\n\n## Predicted Interview Questions\n\n"


def import_bytes(tmp_path: Path, raw: bytes) -> object:
    """Import a document holding `raw`; return the result or the StudyprepError raised."""
    path = tmp_path / "prep.md"
    path.write_bytes(raw)
    try:
        return import_document(Workspace(tmp_path / "ws"), path, FIXED_NOW)
    except StudyprepError as error:
        return error


# -- any bytes, any text ----------------------------------------------------------------------------------

any_characters = st.characters(codec=None, categories=None)  # includes controls, NUL and lone surrogates


@settings(max_examples=1500, deadline=None)
@given(st.text(any_characters, max_size=200))
def test_any_unicode_text_parses_or_gives_our_error(text: str) -> None:
    with contextlib.suppress(StudyprepError):
        document = parse_document(HEADER + "- " + text + "?\n")
        for card in document.cards:
            card.prompt.encode("utf-8")  # no lone surrogate reaches a card


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_import_or_give_our_error(tmp_path: Path, raw: bytes) -> None:
    outcome = import_bytes(tmp_path, HEADER.encode() + b"- " + raw)
    if isinstance(outcome, StudyprepError):
        assert "prep.md" in str(outcome)
    else:
        load_deck_file(outcome.path)  # what was written loads back


# -- named hostile inputs -----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "no interview-prep sections"),
        (b"\n\n  \n", "no interview-prep sections"),
        (PNG, "not UTF-8"),
        (bytes(range(256)), "not UTF-8"),
        (HEADER.encode() + b"- caf\xe9?\n", "not UTF-8"),  # Latin-1
        ((HEADER + "- q?\n").encode("utf-16"), "not UTF-8"),
        (HEADER.encode() + b"- a\x00b?\n", "binary file"),
    ],
    ids=["empty", "blank", "png", "all-bytes", "latin-1", "utf-16", "nul"],
)
def test_unreadable_documents_are_refused_and_nothing_is_written(tmp_path: Path, raw: bytes, message: str) -> None:
    outcome = import_bytes(tmp_path, raw)
    assert isinstance(outcome, StudyprepError)
    assert message in outcome.message
    assert not (tmp_path / "ws" / "decks").exists()


def test_control_characters_and_lone_surrogates_are_kept_as_text(tmp_path: Path) -> None:
    text = HEADER + "- a\x01b\x1b[31mred\x7f \u202eevil\u202c \ud800 what?\n"
    document = parse_document(text)
    (prompt,) = [card.prompt for card in document.cards]
    assert "\x1b[31mred" in prompt and "\u202eevil" in prompt and "\ud800" not in prompt


def test_a_50_mb_document_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.write(HEADER.encode())
        handle.truncate(50_000_000)
    with no_hang(), pytest.raises(StudyprepError, match=r"too large \(50\.0 MB.*split it"):
        import_document(Workspace(tmp_path / "ws"), path, FIXED_NOW)
    with pytest.raises(StudyprepError, match="too large"):
        parse_document("x" * (MAX_DOCUMENT_BYTES + 1))


def test_a_document_just_under_the_limit_imports(tmp_path: Path) -> None:
    questions = "".join(f"- How does part {n} of the system fail over?\n" for n in range(10_000))
    path = tmp_path / "big.md"
    path.write_text(HEADER + questions, encoding="utf-8")
    with no_hang():
        result = import_document(Workspace(tmp_path / "ws"), path, FIXED_NOW)
    assert result.counts()["added"]["question"] == 10_000


def nested_by_indentation(depth: int) -> str:
    return HEADER + "".join("  " * level + f"- q{level}?\n" for level in range(depth))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEADER + "- q?\n" + "- " * 10_000 + "x\n", 6),
        (HEADER + "- q?\n" + "1. " * 10_000 + "x\n", 6),
        (HEADER + "- q?\n" + "> - " * 10_000 + "x\n", 6),
        (HEADER + "- q?\n" + ">" * 10_000 + " x\n", 6),
        (nested_by_indentation(2_000), 54),
    ],
    ids=["dashes", "numbers", "quote-lists", "quotes", "indented-2000"],
)
def test_lists_nested_10000_deep_are_refused_with_their_line(text: str, line: int) -> None:
    # markdown-it would silently skip all text past its nesting cap (the rest of the list with it).
    expected = rf"^doc\.md:{line}: lists or quotes nested more than 50 levels deep"
    with no_hang(), pytest.raises(StudyprepError, match=expected):
        parse_document(text, path=Path("doc.md"))


@pytest.mark.parametrize("depth", [10, 30, 49])
def test_lists_nested_within_the_limit_keep_every_item(depth: int) -> None:
    text = HEADER + "- " * depth + "deep?\n\n- after the deep one?\n"
    prompts = [card.prompt for card in parse_document(text).cards]
    assert "after the deep one?" in prompts


def test_lists_nested_10000_deep_by_indentation_are_over_the_size_limit() -> None:
    # 10,000 levels of two-space indentation is a 100 MB document: refused at once, not parsed for minutes.
    with no_hang(5), pytest.raises(StudyprepError, match="too large"):
        parse_document(nested_by_indentation(10_000))


LINE_UNITS = ["**a ", "a **", "__a ", "*a ", "_a ", "`", "``a", "[", "[a](", "~~a ", "a_", "&<", "a, ", "**a:** "]


LONG_LINES = [(unit, 100_000) for unit in LINE_UNITS] + [
    pytest.param(unit, 1_000_000, marks=pytest.mark.slow) for unit in ("**a ", "_a ", "``a", "[a](")
]


@pytest.mark.parametrize(("unit", "size"), LONG_LINES)
def test_a_single_1_mb_line_parses_and_exports(unit: str, size: int) -> None:
    # Quadratic work on a 100 KB line takes minutes, so the short lines already catch a regression.
    line = unit * (size // len(unit))
    text = (
        f"# {line}\n\n## Concepts to Review\n\n- {line}\n\n## Predicted Interview Questions\n\n**{line}**\n- {line}?\n"
    )
    with no_hang():
        document = parse_document(text)
        for card in document.cards:
            field_html(card.prompt)
            inline_html(card.back)
            plain(card.prompt)
    assert document.sections_found == ["Concepts to Review", "Predicted Interview Questions"]


# -- the inline renderers stay correct after being made linear ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("use `a ``b`` c` here", "use <code>a ``b`` c</code> here"),
        ("``a`` and `b`", "<code>a</code> and <code>b</code>"),
        ("``a` stays", "``a` stays"),
        ("**bold** and *em*", "<strong>bold</strong> and <em>em</em>"),
        ("_u_ and __s__", "<em>u</em> and <strong>s</strong>"),
        ("a **b c** d **e", "a <strong>b c</strong> d **e"),
        ("_use snake_case here_", "<em>use snake_case here</em>"),
    ],
)
def test_inline_html_marks(text: str, html: str) -> None:
    assert inline_html(text) == html


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("**Bold** `code` [link](http://x.y/z) ~~gone~~ *em* _u_", "Bold code link gone em u"),
        ("a **b **c** d", "a **b c d"),
        ("[[x](u)", "[x"),
    ],
)
def test_plain_text_of_inline_markdown(text: str, words: str) -> None:
    assert plain(text) == words
