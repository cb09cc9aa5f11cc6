"""Hand edits gone wrong: any change to a deck or plan file loads or gives one located error, file untouched.

Plus the text round trip: document text -> deck YAML -> load -> Anki fields, exactly, whatever it looks like.
"""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

from helpers import FIXED_NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_helpers import DOC

from studyprep.commands.export import card_fields
from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.store.deckstore import load_deck_file
from studyprep.store.plan import StudyPlan, plan_to_yaml, read_plan_file
from studyprep.store.workspace import Workspace

SNIPPETS = [
    "!!python/object/apply:os.system ['echo hacked']",
    "!!binary aGVsbG8=",
    "&anchor",
    "*anchor",
    "<<: *anchor",
    "- ",
    "---",
    "...",
    "? ",
    "key: value",
    "id: 000000000000",
    "{",
    "[",
    "'",
    '"',
    "\t",
    "  ",
    "null",
    "~",
    "-1",
    "1e999",
    "2026-13-45",
    "yes",
    "\x00",
    "\x85",
    "\ud800",
    "%YAML 1.1",
    "%TAG ! tag:x,2000:",
    "!custom",
    "|",
    ">",
    "#",
    "🎧",
]


@st.composite
def hand_edits(draw: st.DrawFn, text: str) -> str:
    """A few line-level edits of `text`: delete, duplicate, insert a snippet, re-indent, or splice bytes."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "append", "indent", "dedent", "replace"]))
        snippet = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=12)))
        if action == "delete" and lines:
            del lines[index]
        elif action == "duplicate" and lines:
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, snippet)
        elif action == "append" and lines:
            lines[index] += snippet
        elif action == "indent" and lines:
            lines[index] = "  " + lines[index]
        elif action == "dedent" and lines:
            lines[index] = lines[index][2:]
        elif lines:
            lines[index] = re.sub(r":.*", lambda _, value=snippet: ": " + value, lines[index], count=1)
    return "\n".join(lines)


def _deck_text() -> str:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "ws")
        document = Path(folder) / "prep.md"
        document.write_text(DOC, encoding="utf-8")
        return import_document(workspace, document, FIXED_NOW).path.read_text(encoding="utf-8")


DECK_TEXT = _deck_text()
PLAN_TEXT = plan_to_yaml(StudyPlan(deck="acme-sre"))


def _loads_or_located_error(path: Path, text: str, loader) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = path.read_bytes()
    try:
        loader(path)
    except StudyprepError as error:
        assert error.path == str(path)
        assert error.line is None or 1 <= error.line <= text.count("\n") + 1
        assert "\n" not in error.render()
    assert path.read_bytes() == before


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hand_edits(DECK_TEXT))
def test_any_hand_edit_of_a_deck_loads_or_gives_one_located_error(tmp_path: Path, text: str) -> None:
    _loads_or_located_error(tmp_path / "acme-sre.yaml", text, load_deck_file)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hand_edits(PLAN_TEXT))
def test_any_hand_edit_of_a_plan_loads_or_gives_one_located_error(tmp_path: Path, text: str) -> None:
    _loads_or_located_error(tmp_path / "acme-sre.yaml", text, read_plan_file)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_a_deck_or_plan_give_our_error(tmp_path: Path, raw: bytes) -> None:
    for loader in (load_deck_file, read_plan_file):
        path = tmp_path / "acme-sre.yaml"
        path.write_bytes(raw)
        try:
            loader(path)
        except StudyprepError as error:
            assert error.path == str(path)
        assert path.read_bytes() == raw


def test_yaml_bombs_and_deep_nesting_are_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "acme-sre.yaml"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(20)
    )
    for text in (bomb, "[" * 100_000, "- " * 100_000 + "x"):
        path.write_text(text, encoding="utf-8")
        try:
            load_deck_file(path)
        except StudyprepError as error:
            assert error.path == str(path)


# -- the round trip ---------------------------------------------------------------------------------------------

HOSTILE = [
    "- a", "&a", "*a", "!!python/object:os.system", "---", "key: value", "{{Front}}", "{{c1::x}}",
    "[sound:x.mp3]", "[red]", "[/red]", "[bold red]x[/]", "<script>alert(1)</script>", "<T, K extends keyof T>",
    "&amp;", "&#91;", "%s", "{0}", "$(rm -rf /)", "`rm`", "\\n", "\\", "'", '"', "#not a comment", "@x", "|", ">",
    "null", "~", "yes", "0x1F", "1e3", "2026-01-01", "\u202eRTL", "e\u0301", "ﬁ", "日本語", "🎧", "👩‍💻", "\u200b",
]  # fmt: skip
# Text with no inline Markdown marks (`*`, `_`, backtick) is shown in Anki exactly as written.
plain_words = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"], exclude_characters="*_`~\\#|"),
    min_size=1,
    max_size=12,
).filter(lambda word: word.strip() == word)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(HOSTILE), plain_words), min_size=1, max_size=6))
def test_document_text_survives_yaml_and_anki_export_exactly(words: list[str]) -> None:
    text = "Why " + " ".join(words) + "?"
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "ws")
        document = Path(folder) / "prep.md"
        document.write_text(f"# Interview Prep: Acme – SRE\n\n## Predicted Interview Questions\n\n- {text}\n", "utf-8")
        try:
            result = import_document(workspace, document, FIXED_NOW)
        except StudyprepError:
            return  # e.g. the words formed a heading or list marker of their own: not a round-trip case
        deck = load_deck_file(result.path)
        prompts = [card.prompt for card in deck.cards]
        if prompts != [text]:
            return  # the parser legitimately read structure into it (a label, a list); covered elsewhere
        fields = card_fields(deck, deck.cards[0])
        shown = fields[0]
        assert not re.search(r"<(?!/?(?:strong|em|code|br|ul|ol|li)>)", shown)  # only our own tags
        if not re.search(r"[*_`]", text):
            import unicodedata

            assert html.unescape(shown) == unicodedata.normalize("NFC", text)


def test_a_control_character_in_a_deck_is_one_line_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "acme-sre.yaml"
    path.write_text(DECK_TEXT.replace("notes: ''", "notes: 'a\x1fb'", 1), encoding="utf-8")
    try:
        load_deck_file(path)
    except StudyprepError as error:
        assert error.message == "invalid YAML: character U+001F is not allowed in YAML; remove it"
        assert error.line == DECK_TEXT.split("\n").index("  notes: ''") + 1
    else:
        raise AssertionError("a control character was accepted")


def test_an_impossible_date_is_a_located_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "acme-sre.yaml"
    path.write_text(DECK_TEXT.replace("added: '2026-01-01T09:00:00Z'", "added: 2026-13-45", 1), encoding="utf-8")
    try:
        load_deck_file(path)
    except StudyprepError as error:
        assert "'2026-13-45' is not a valid timestamp" in error.message and error.line is not None
    else:
        raise AssertionError("an impossible date was accepted")
