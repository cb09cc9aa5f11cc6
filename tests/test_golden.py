"""The repository's decks/ holds the deck generated from the bundled example; it must stay reproducible.

To regenerate after an intended parser change:
    STUDYPREP_NOW=2026-01-01T09:00:00Z .venv/bin/studyprep --home . import examples/doit-senior-backend-golang.md
"""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLE, FIXED_NOW, REPO

from studyprep.commands.importing import import_document
from studyprep.store.workspace import Workspace

GOLDEN = REPO / "decks" / "doit-senior-backend-engineer-golang.yaml"


def test_bundled_example_regenerates_the_committed_deck(tmp_path: Path) -> None:
    result = import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW)
    assert result.deck == GOLDEN.stem
    generated = result.path.read_text(encoding="utf-8")
    assert generated == GOLDEN.read_text(encoding="utf-8"), "regenerate decks/ as the module docstring says"


def test_golden_deck_counts() -> None:
    from studyprep.store.deckstore import load_deck_file

    deck = load_deck_file(GOLDEN)
    assert deck.counts_by_kind() == {"question": 20, "concept": 57, "fact": 9, "ask": 20}
    assert {note.kind for note in deck.reference} >= {"role", "fit", "resume", "strategy"}


def test_a_deck_made_by_the_earlier_importer_keeps_every_id_and_note_on_reimport(tmp_path: Path) -> None:
    # The committed deck was written by the importer before the parse/ rewrite; the user wrote notes in it.
    from studyprep.store.deckstore import deck_to_yaml, load_deck_file

    workspace = Workspace(tmp_path)
    workspace.decks_dir.mkdir(parents=True)
    earlier = load_deck_file(GOLDEN)
    noted = earlier.but(cards=[card.but(notes=f"my note {card.id}") for card in earlier.cards])
    (workspace.decks_dir / GOLDEN.name).write_text(deck_to_yaml(noted), encoding="utf-8")
    result = import_document(workspace, EXAMPLE, FIXED_NOW)
    merged = load_deck_file(result.path)
    assert result.deck == GOLDEN.stem
    assert sum(result.report.added.values()) == sum(result.report.retired.values()) == 0
    assert [card.id for card in merged.cards] == [card.id for card in earlier.cards]
    assert all(card.notes == f"my note {card.id}" for card in merged.cards)
