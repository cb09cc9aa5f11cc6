"""Document text -> Anki field HTML: escaped first, only our own small markup added."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.anki.html import _lines_html, field_html, field_text, inline_html

OUR_TAGS = re.compile(
    r"</?(?:code|em|strong|ul|ol|li|pre|table|thead|tbody|tr)>|<br>|<li dir=\"auto\">"
    r"|<code class=\"language-[\w+#.-]+\">|<t[hd](?: style=\"text-align:(?:left|center|right)\")?>|</t[hd]>"
    r"|<div class=\"sp-table\">|</div>"
)
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
    for tag in re.findall(r"<(/?)(code|em|strong|ul|ol|li)\b[^>]*>", rendered):
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
        '<ul><li dir="auto">Hint: two-tower</li><li dir="auto">ANN <em>fast</em></li></ul>then'
        '<ol><li dir="auto">one</li><li dir="auto">two</li></ol>last<br>line'
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


# Lines, list marks, fences, pipes, emphasis and code marks, and every kind of line break `str.splitlines` knows.
FIELD_PIECES = [
    *("a", "b c", " ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x85", "\u2028", "- ", "* ", "1. ", "2) ", "• "),
    *("```", "~~~", "|", "| a | b |", "|---|---|", "**", "_", "`", "<", "&", "[", "e\u0301", "\x00"),
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FIELD_PIECES), max_size=12).map("".join))
def test_one_line_fields_render_as_any_field_does(text: str) -> None:
    # `field_html` renders a field of one line (or none) in fewer steps: the same HTML as the general path.
    assert field_html(text) == _lines_html(text.strip().splitlines())


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


CODE_AND_TABLE = (
    "Group by the key.\n\n"
    "```sql\n"
    "SELECT email, count(*) FROM users -- <script>alert(1)</script> & [sound:x.mp3]\n"
    "    HAVING count(*) > 1;  {{c1::x}} \\(x\\)\n"
    "```\n\n"
    "| Approach | Cost |\n"
    "|---|:---:|\n"
    "| GROUP BY | \\(O(n \\log n)\\) |\n"
    "| `{{c1::hash}}` \\| set | <script>x</script> |"
)

# As a document holds it: the parser reads Markdown escapes such as `\\|` outside code, so none are used here.
DOCUMENT_CODE_AND_TABLE = CODE_AND_TABLE.split("| Approach", maxsplit=1)[0] + (
    "| Approach | Cost |\n|---|:---:|\n| GROUP BY | `\\(O(n \\log n)\\)` |\n"
    "| {{c1::hash}} | <script>x</script> | extra |"
)


def test_fenced_code_and_tables_become_escaped_code_and_tables() -> None:
    rendered = field_html(CODE_AND_TABLE)
    assert rendered == (
        "Group by the key."
        '<pre><code class="language-sql">SELECT email, count(*) FROM users -- &lt;script&gt;alert(1)&lt;/script&gt;'
        " &amp; &#91;sound:x.mp3]\n    HAVING count(*) &gt; 1;  {{c1::x}} \\(x\\)</code></pre>"
        '<div class="sp-table"><table><thead><tr><th>Approach</th><th style="text-align:center">Cost</th></tr>'
        '</thead><tbody><tr><td>GROUP BY</td><td style="text-align:center">\\(O(n \\log n)\\)</td></tr>'
        '<tr><td><code>{{c1::hash}}</code> | set</td><td style="text-align:center">&lt;script&gt;x&lt;/script&gt;</td>'
        "</tr></tbody></table></div>"
    )
    assert OUR_TAGS.sub("", rendered).count("<") == 0


@pytest.mark.parametrize(
    "text",
    [
        CODE_AND_TABLE.replace("|:---:|", "|---|"),  # alignment is shown, not read back
        "```\nuntagged\n\n\n  blank lines and indentation kept\n```",
        "- a list\n\n```go\nfunc main() {}\n```\n\nthen text",
    ],
)
def test_code_and_tables_read_back_from_anki_as_markdown(text: str) -> None:
    assert field_text(field_html(text)) == text


def test_a_fence_never_closed_runs_to_the_end_and_a_lone_pipe_is_text() -> None:
    assert field_html("```\nopen <b>") == "<pre><code>open &lt;b&gt;</code></pre>"
    assert field_html("a | b\nc") == "a | b<br>c"


def test_real_anki_shows_code_blocks_and_tables_from_a_document(tmp_path: Path) -> None:
    """A document's code block and table, through import, export and Anki's own renderer, arrive as code and a
    table whose text is intact and never markup."""
    pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")
    from anki_helpers import card_for_guid, import_package, open_collection
    from helpers import FIXED_NOW

    from studyprep.anki import model as anki_model
    from studyprep.commands.export import export_decks
    from studyprep.commands.importing import import_document
    from studyprep.store.workspace import Workspace

    document = tmp_path / "acme.md"
    document.write_text(
        "# Acme – Backend Engineer\n\n## Technical questions\n\n### 1. How do you find duplicate rows?\n\n"
        + DOCUMENT_CODE_AND_TABLE
        + "\n",
        encoding="utf-8",
    )
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, document, FIXED_NOW).deck
    package = export_decks(workspace, [slug], tmp_path / "code.apkg", FIXED_NOW).path
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, package)
        card = card_for_guid(col, anki_model.note_guid(slug, _only_question(workspace, slug)))
        answer = card.answer().split("</style>", 1)[1]
        code = re.search(r'<pre><code class="language-sql">(.*?)</code></pre>', answer, re.DOTALL)
        assert code is not None, answer
        verbatim = CODE_AND_TABLE.split("```sql\n")[1].split("\n```", maxsplit=1)[0]
        assert html.unescape(code.group(1)) == verbatim
        table = re.search(r"<table>(.*?)</table>", answer, re.DOTALL)
        assert table is not None, answer
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table.group(1))
        ]
        # Every cell, even one past the header's count, as written (a code span keeps `\\(`; plain text is Markdown).
        assert cells == [
            "Approach",
            "Cost",
            "GROUP BY",
            "\\(O(n \\log n)\\)",
            "{{c1::hash}}",
            "<script>x</script>",
            "extra",
        ]
        for literal in ("<script", "<img", "[anki:play", "cloze"):
            assert literal not in answer
        assert "mathjax_ignore" in answer  # `\\(x\\)` is shown as written, never typeset
    finally:
        col.close()


def _only_question(workspace, slug: str) -> str:
    from studyprep.store.deckstore import load_deck

    (card,) = [card for card in load_deck(workspace, slug).cards if card.kind == "question"]
    return card.id
