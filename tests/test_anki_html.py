"""Document text -> Anki field HTML: escaped first, only our own small markup added."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.anki.html import field_html, inline_html

OUR_TAGS = re.compile(r"</?(?:code|em|strong|ul|ol|li)>|<br>")
HOSTILE = [
    "<script>alert(1)</script>",
    "<T, K extends keyof T>",
    "Tom & Jerry &amp; friends",
    "{{Front}}",
    "{{c1::x}}",
    "{{#Back}}shown?{{/Back}}",
    "<img src=x onerror=alert(1)>",
    "\"quoted\" and 'single'",
    "[sound:boom.mp3]",
    "[latex]x^2[/latex] and [$]y[/$]",
    "<!-- comment --> <![CDATA[x]]>",
]


def visible_text(rendered: str) -> str:
    """What a browser shows: our tags removed, entities decoded."""
    return html.unescape(OUR_TAGS.sub("", rendered))


def assert_well_nested(rendered: str) -> None:
    open_tags: list[str] = []
    for tag in re.findall(r"<(/?)(code|em|strong|ul|ol|li)>", rendered):
        closing, name = tag
        if closing:
            assert open_tags and open_tags.pop() == name, rendered
        else:
            open_tags.append(name)
    assert not open_tags, rendered


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_literally(text: str) -> None:
    rendered = field_html(text)
    assert OUR_TAGS.sub("", rendered).count("<") == 0
    assert visible_text(rendered) == text


def test_square_brackets_are_entities_so_anki_expands_no_media_or_latex() -> None:
    assert "[" not in field_html("[sound:x.mp3] `[latex]`")
    assert visible_text(field_html("[sound:x.mp3]")) == "[sound:x.mp3]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a `POST /v1/<id>` b", "a <code>POST /v1/&lt;id&gt;</code> b"),
        ("``a ` b``", "<code>a ` b</code>"),
        ("`*not emphasis*`", "<code>*not emphasis*</code>"),
        ("decided *not* to ship", "decided <em>not</em> to ship"),
        ("**bold** and __strong__", "<strong>bold</strong> and <strong>strong</strong>"),
        ("_it_ but snake_case_name stays", "<em>it</em> but snake_case_name stays"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("**<b>**", "<strong>&lt;b&gt;</strong>"),
        # Strong and emphasis always nest, even when the marks overlap.
        ("***both***", "<em><strong>both</strong></em>"),
        ("**a *b** c*", "<strong>a *b</strong> c*"),
        ("*a **b* c**", "*a <strong>b* c</strong>"),
        ("___both___", "<em><strong>both</strong></em>"),
        ("**strong with *em* inside**", "<strong>strong with <em>em</em> inside</strong>"),
        ("*em with **strong** inside*", "<em>em with <strong>strong</strong> inside</em>"),
    ],
)
def test_inline_markdown(text: str, expected: str) -> None:
    assert inline_html(text) == expected
    assert_well_nested(expected)


def test_lines_and_lists() -> None:
    text = "- Hint: two-tower\n- ANN *fast*\nthen\n1. one\n2. two\nlast\nline"
    assert field_html(text) == (
        "<ul><li>Hint: two-tower</li><li>ANN <em>fast</em></li></ul>then<ol><li>one</li><li>two</li></ol>last<br>line"
    )


def test_blank_text_is_an_empty_field() -> None:
    assert field_html("") == ""
    assert field_html("  \n \n") == ""


def test_control_characters_are_dropped_so_no_field_is_split() -> None:
    # U+001F is Anki's field separator; the others are invisible. Tabs stay, line breaks still break.
    assert field_html("a\x1fb\x07c\x00d\x7fe\tf") == "abcde\tf"
    assert inline_html("`x\x1fy` *z\x1b*") == "<code>xy</code> <em>z</em>"


def test_text_is_nfc_normalised_like_anki_does_on_import() -> None:
    assert field_html("cafe\u0301") == "caf\u00e9"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_no_document_text_becomes_markup(text: str) -> None:
    rendered = field_html(text)
    # Only our own tags survive; every other `<` from the text is an entity.
    assert OUR_TAGS.sub("", rendered).count("<") == 0
    assert "[" not in rendered
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", rendered)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>&\"'{}[]:")), max_size=40))
def test_text_without_markdown_marks_round_trips(text: str) -> None:
    # Without `*`, `_`, backticks or list markers, what Anki shows is exactly the (stripped) text.
    assert visible_text(inline_html(text)) == text


def test_real_anki_renders_field_content_literally(tmp_path: Path) -> None:
    pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")
    import genanki
    from anki_helpers import card_for_guid, import_package, open_collection

    from studyprep.anki import model as anki_model

    model = anki_model.note_type("question")
    deck = genanki.Deck(anki_model.deck_id("t", []), "t")
    for index, text in enumerate(HOSTILE):
        fields = [field_html(text), "", field_html(text), "", "", ""]
        deck.add_note(genanki.Note(model=model, fields=fields, guid=f"g{index}"))
    package = tmp_path / "hostile.apkg"
    genanki.Package(deck).write_to_file(str(package), timestamp=1_700_000_000)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, package)
        for index, text in enumerate(HOSTILE):
            card = card_for_guid(col, f"g{index}")
            question, answer = card.question(), card.answer()
            assert field_html(text) in question
            assert answer.count(field_html(text)) == 2
            for marker in ("<script", "<img", "[anki:play", "<T,", "class=latex"):
                assert marker not in question.split("</style>", 1)[1]
    finally:
        col.close()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *_`")), max_size=30))
def test_rendered_tags_are_always_well_nested(text: str) -> None:
    assert_well_nested(field_html(text))
