"""The YAML layer: what we write reads back exactly; what users break is refused with a line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.errors import StudyprepError
from studyprep.store import yamlio
from studyprep.store.yamlio import dump_yaml, parse_yaml

FILE = Path("deck.yaml")
text_values = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
plain_data = st.recursive(
    st.none() | st.booleans() | st.integers() | text_values,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text_values, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(plain_data)
def test_dump_then_parse_round_trips_exactly(data: object) -> None:
    assert parse_yaml(dump_yaml(data), FILE) == data


@pytest.mark.parametrize(
    "text",
    ["- &a", "*a", "!!python/object", "---", "key: value", "{{c1::x}}", "[red]", "<script>", "yes", "0x1F", "~", "🎧"],
)
def test_text_that_looks_like_yaml_stays_text(text: str) -> None:
    assert parse_yaml(dump_yaml({"prompt": text}), FILE) == {"prompt": text}


def test_emoji_are_written_as_they_are() -> None:
    assert dump_yaml({"prompt": "Ready? 🎧"}) == "prompt: Ready? 🎧\n"


def test_multi_line_text_is_a_literal_block() -> None:
    assert dump_yaml({"back": "- one\n- two"}) == "back: |-\n  - one\n  - two\n"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3),
        ("a: !!python/object:os.system echo\n", "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed", 1),
        ("a: !custom {x: 1}\n", "tag '!custom' is not allowed", 1),
        ("a: [1, 2\n", "invalid YAML", 2),
        ("a: *nowhere\n", "invalid YAML", 1),
    ],
)
def test_refused_yaml_names_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(StudyprepError, match="invalid YAML") as caught:
        parse_yaml(text, FILE)
    assert message in str(caught.value)
    assert caught.value.line == line and caught.value.path == "deck.yaml"


# -- aliases ----------------------------------------------------------------------------------------------------


def test_a_few_aliases_in_a_hand_edited_file_are_fine() -> None:
    text = "defaults: &tags [go, backend]\ncards:\n- tags: *tags\n- tags: *tags\n"
    assert parse_yaml(text, FILE)["cards"] == [{"tags": ["go", "backend"]}] * 2


def test_aliases_expanding_a_file_past_a_multiple_of_its_size_are_refused_at_their_line() -> None:
    """The issue's case in small: one long answer, used by many cards (each a full copy in the database and the
    Anki package)."""
    lines = ["cards:", f"- back: &answer {'x' * 5000}"]
    lines += ["- back: *answer"] * 200
    text = "\n".join(lines) + "\n"
    limit = len(text) * yamlio.ALIAS_EXPANSION_FACTOR + yamlio.ALIAS_EXPANSION_FLOOR
    # Counted: `cards`, then per card `back` and its text (5,001 with its end); the anchor's text once.
    crossing = (limit - (6 + 5 + 5001)) // (5 + 5001) + 1  # the first alias whose copy passes the limit
    with pytest.raises(StudyprepError) as caught:
        parse_yaml(text, FILE)
    assert caught.value.path == str(FILE) and caught.value.line == 2 + crossing
    assert "aliases (*answer) expand this file past 10 times its size" in caught.value.message


def test_nested_aliases_are_refused_without_building_them() -> None:
    """A 'billion laughs': each level repeats the one before ten times; counted, not expanded."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    with pytest.raises(StudyprepError, match="expand this file past") as caught:
        parse_yaml("\n".join(lines) + "\n", FILE)
    assert caught.value.line is not None and caught.value.line <= 10


def test_a_deck_file_of_aliases_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from review_helpers import DOC, SLUG, make_workspace

    from studyprep.cli import cli

    workspace = make_workspace(tmp_path, DOC + "".join(f"- Why does step {n} matter?\n" for n in range(300)))
    deck = workspace.deck_path(SLUG)
    # One long answer written in the first card's notes and used by every other card: a small file, each use a
    # full copy in the review database and the Anki package.
    text = deck.read_text(encoding="utf-8").replace("notes: ''", f"notes: &mine {'y' * 5000}", 1)
    deck.write_text(text.replace("notes: ''", "notes: *mine"), encoding="utf-8")
    first_alias = deck.read_text(encoding="utf-8").splitlines().index("  notes: *mine") + 1
    result = CliRunner().invoke(cli, ["--home", str(workspace.root), "show", SLUG])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "expand this file past 10 times its size" in result.output
    line = int(result.output.split(f"{deck}:")[1].split(":")[0])
    assert line > first_alias  # the alias that crosses the limit, not the first one


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_lines_are_counted_as_an_editor_counts_them_even_with_yaml_only_line_breaks(separator: str) -> None:
    # YAML also breaks lines at NEL, LS and PS; an error must still name the line an editor shows (found by the
    # deck-file fuzz test: a line past the end of the file).
    text = f"title: 'a{separator}b{separator}c'\nname: x\nbad: !!python/object/apply:os.system ['echo']\n"
    with pytest.raises(StudyprepError) as raised:
        parse_yaml(text, Path("deck.yaml"))
    assert raised.value.line == 3
    document = f"title: 'a{separator}b'\nformat: 1\nsource: 3x\n"
    assert yamlio.line_of(document, ["source"]) == 3


def _emitter_text(data: object) -> str:
    """`data` as the YAML emitter alone writes it (libyaml, or PyYAML's own where libyaml escapes emoji)."""
    text = yamlio._emitted(data, yamlio.no_progress, "", yamlio._FastDumper)
    return yamlio._emitted(data, yamlio.no_progress, "", yaml.SafeDumper) if "\\U" in text else text


# Text that puts the emitter's choices to the test: indicators, quotes, breaks, spaces at the ends, lookalikes
# of numbers, dates and nulls, characters it escapes.
TRICKY_PIECES = (
    "a", "Z", "1", " ", "  ", ":", ": ", "#", " #", "-", "- ", "?", "? ", "'", '"', "\n", "\n\n", "\t", "\r", "|", ">",
    "[", "]", "{", "}", "&", "*", "!", "%", "@", "`", ",", ".", "...", "---", "é", "–", "\u00a0", "\u2028", "\x85",
    "\ufeff", "😀", "\x07", "null", "~", "true", "yes", "No", "on", "0x1F", "1e5", "1.5", ".inf", "2026-01-01",
    "12:30", "<<", "=",
)  # fmt: skip


def _any_character(rng: random.Random) -> str:
    """A character as `st.text()` draws them: any code point but a surrogate, the small ones more often."""
    while True:
        point = rng.randrange(rng.choice((0x80, 0x800, 0x10000, 0x110000)))
        if not 0xD800 <= point <= 0xDFFF:
            return chr(point)


def _tricky_text(seed: int) -> str:
    """Up to eight pieces, each a tricky piece or up to three of any characters (equally likely)."""
    rng = random.Random(seed)
    pieces = [
        rng.choice(TRICKY_PIECES)
        if rng.random() < 0.5
        else "".join(_any_character(rng) for _ in range(rng.randint(0, 3)))
        for _ in range(rng.randint(0, 8))
    ]
    return "".join(pieces)


# Each text is made from one drawn seed: drawn piece by piece and character by character, Hypothesis spent about
# nine tenths of this test's 600 examples on its draws (~1000 per example). The pieces and characters are the same
# kinds; the cards' shape (which fields, how many cards, notes, nested maps) is still drawn and shrinks.
tricky_text = st.integers(0, 2**32 - 1).map(_tricky_text)
card_shaped = st.fixed_dictionaries(
    {
        "id": tricky_text | st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
        "kind": st.sampled_from(["question", "concept"]),
        "category": st.lists(tricky_text, max_size=3),
        "prompt": tricky_text,
        "back": tricky_text | st.text(max_size=60),
        "source": st.integers(min_value=0, max_value=10**6),
        "retired": st.none() | tricky_text,
        "suspended": st.booleans(),
    },
    optional={"by_hand": st.just(True), "null": st.just(1), "nested": st.dictionaries(tricky_text, tricky_text)},
)


@settings(max_examples=600, deadline=None)
@given(st.lists(card_shaped, max_size=5), st.lists(card_shaped, max_size=2), tricky_text)
def test_cards_written_directly_are_the_emitters_text(cards: list[dict], notes: list[dict], title: str) -> None:
    data = {"format": 1, "title": title, "cards": cards, "reference": notes}
    assert dump_yaml(data) == _emitter_text(data)


def test_corpus_decks_written_directly_are_the_emitters_text() -> None:
    from datetime import UTC, datetime

    from studyprep.cards.merge import merge_deck
    from studyprep.cards.models import deck_data
    from studyprep.parse.document import parse_document

    documents = sorted((Path(__file__).parent / "corpus").rglob("*.md"))
    documents.append(Path(__file__).parent.parent / "examples" / "doit-senior-backend-golang.md")
    for path in documents:
        parsed = parse_document(path.read_text(encoding="utf-8"), path, fallback_title=path.stem)
        deck, _ = merge_deck(None, parsed, "deck", path.name, datetime(2026, 1, 1, 9, tzinfo=UTC))
        data = deck_data(deck)
        assert dump_yaml(data) == _emitter_text(data), path.name


@pytest.mark.parametrize(
    "back",
    ["a\nb", "a\n\nb", "a\n  b", "- one\n- two", "x:\n  - y", "a\n...\nb", "a\n---", "a \nb", "a\nb ", " a\nb",
     "a\nb\n", "a\nb\n\n", "\na", "'q'\n\"r\"", "é\n–\n😀", "a\n\tb", "a\r\nb", "#x\n#y", "a\n\n\n"],
)  # fmt: skip
def test_multi_line_backs_written_directly_are_the_emitters_text(back: str) -> None:
    card = {"id": "0a1b2c3d4e5f", "prompt": "Why?", "back": back, "tags": ["question"], "source": 3}
    data = {"format": 1, "cards": [card, {**card, "back": "plain"}], "reference": []}
    assert dump_yaml(data) == _emitter_text(data)
    direct = back[0] not in " \n" and back[-1] not in " \n" and " \n" not in back and not set(back) & set("\t\r😀")
    assert (yamlio._item_text(card) is not None) == direct  # the usual blocks are written directly
