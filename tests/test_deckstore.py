"""Deck files: readable YAML, safe loading, located errors, atomic writes that never clobber."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import FIXED_NOW

from studyprep.commands.importing import import_document
from studyprep.errors import StudyprepError
from studyprep.store.deckstore import load_deck, load_deck_file
from studyprep.store.workspace import Workspace

DOC = "# Interview Prep: Acme – SRE\n\n## Interview Questions\n- What is an SLO?\n- What is toil?\n"


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    source = tmp_path / "prep.md"
    source.write_text(DOC, encoding="utf-8")
    return import_document(Workspace(tmp_path / "ws"), source, FIXED_NOW).path


def test_deck_yaml_is_block_style_with_notes_on_every_card(deck_file: Path) -> None:
    text = deck_file.read_text(encoding="utf-8")
    assert text.startswith("# studyprep deck.")
    assert "{" not in text and text.count("  notes: ''") == 2
    assert "prompt: What is an SLO?" in text


def test_unicode_is_written_as_is(tmp_path: Path) -> None:
    source = tmp_path / "prep.md"
    source.write_text("# Interview Prep: Café – Ingénieur\n\n## Interview Questions\n- Qu'est-ce que Ω ? 🎧\n", "utf-8")
    path = import_document(Workspace(tmp_path / "ws"), source, FIXED_NOW).path
    assert "Qu'est-ce que Ω ? 🎧" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "message", "line"),
    [
        (lambda t: t.replace("kind: question", "kind: [question", 1), "invalid YAML", None),
        (lambda t: t.replace("  notes: ''", "  notez: ''", 1), "unknown key", 16),
        (lambda t: t.replace("  source: 4", "  source: three", 1), "cards.0.source", 19),
        (lambda t: t.replace("suspended: false", "suspended: !!python/object:os.system x", 1), "invalid YAML", 23),
        (lambda t: t.replace("kind: question", "kind: riddle", 1), "cards.0.kind", 11),
    ],
)
def test_broken_hand_edits_get_file_and_line_and_are_left_alone(deck_file: Path, edit, message: str, line) -> None:
    broken = edit(deck_file.read_text(encoding="utf-8"))
    deck_file.write_text(broken, encoding="utf-8")
    with pytest.raises(StudyprepError, match=message) as caught:
        load_deck_file(deck_file)
    assert caught.value.path == str(deck_file)
    if line is not None:
        assert caught.value.line == line
    with pytest.raises(StudyprepError):
        import_document(Workspace(deck_file.parent.parent), deck_file.parent.parent.parent / "prep.md", FIXED_NOW)
    assert deck_file.read_text(encoding="utf-8") == broken


def test_duplicate_ids_are_reported_at_the_second_card(deck_file: Path) -> None:
    text = deck_file.read_text(encoding="utf-8")
    first_id = text.split("- id: ")[1].split("\n")[0]
    second_id = text.split("- id: ")[2].split("\n")[0]
    deck_file.write_text(text.replace(f"- id: {second_id}", f"- id: {first_id}"), encoding="utf-8")
    with pytest.raises(StudyprepError, match="duplicate card id") as caught:
        load_deck_file(deck_file)
    assert caught.value.line == text.split("\n").index(f"- id: {second_id}") + 1


def test_failed_write_leaves_the_old_file_and_no_temp(deck_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = deck_file.read_bytes()

    def no_space(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    source = deck_file.parent.parent.parent / "prep.md"
    source.write_text(DOC + "- What is an error budget?\n", encoding="utf-8")
    with pytest.raises(StudyprepError, match=r"disk is full.*\(No space left on device\).*; the old file is unchanged"):
        import_document(Workspace(deck_file.parent.parent), source, FIXED_NOW)
    assert deck_file.read_bytes() == before
    # No temp file and no half backup; only the deck itself (and the import's lock file) remain.
    assert sorted(p.name for p in deck_file.parent.rglob("*") if p.is_file()) == [".lock", deck_file.name]


def test_slug_cannot_escape_the_decks_folder(tmp_path: Path) -> None:
    source = tmp_path / "prep.md"
    source.write_text("# Interview Prep: ../../etc – /passwd\n\n## Interview Questions\n- Why?\n", "utf-8")
    result = import_document(Workspace(tmp_path / "ws"), source, FIXED_NOW)
    assert result.deck == "etc-passwd"
    assert result.path.parent == tmp_path / "ws" / "decks"


def test_explicit_bad_deck_name_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "prep.md"
    source.write_text(DOC, "utf-8")
    with pytest.raises(StudyprepError, match="invalid deck name"):
        import_document(Workspace(tmp_path / "ws"), source, FIXED_NOW, deck="../x")
    assert not (tmp_path / "ws").exists()


def test_load_deck_by_unique_prefix_and_helpful_miss(deck_file: Path) -> None:
    workspace = Workspace(deck_file.parent.parent)
    assert load_deck(workspace, "acme").slug == "acme-sre"
    with pytest.raises(StudyprepError, match=r"no deck named 'nope' \(decks: acme-sre\)"):
        load_deck(workspace, "nope")
    with pytest.raises(StudyprepError, match="no deck named"):
        load_deck(workspace, "../decks/acme-sre")


@pytest.mark.parametrize(
    ("content", "message", "expected_line"),
    [
        (b"\xff\xfe# Interview Prep\n", "not UTF-8 text", 1),
        (b"# Interview Questions\n- a\x00b?\n", "binary file", 2),
    ],
)
def test_non_text_documents_are_refused_and_nothing_is_written(
    tmp_path: Path, content: bytes, message: str, expected_line: int
) -> None:
    source = tmp_path / "prep.md"
    source.write_bytes(content)
    with pytest.raises(StudyprepError, match=message) as caught:
        import_document(Workspace(tmp_path / "ws"), source, FIXED_NOW)
    assert caught.value.path == str(source) and caught.value.line == expected_line
    assert not (tmp_path / "ws").exists()
