"""The YAML layer: what we write reads back exactly; what users break is refused with a line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.errors import StudyprepError
from studyprep.yamlio import dump_yaml, parse_yaml

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
