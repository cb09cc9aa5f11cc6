"""The repository's decks/ holds the deck generated from the bundled example; it must stay reproducible.

To regenerate after an intended parser change:
    STUDYPREP_NOW=2026-01-01T09:00:00Z .venv/bin/studyprep --home . import examples/doit-senior-backend-golang.md
"""

from __future__ import annotations

from pathlib import Path

from helpers import EXAMPLE, FIXED_NOW, REPO

from studyprep.commands.importing import import_document
from studyprep.workspace import Workspace

GOLDEN = REPO / "decks" / "doit-senior-backend-engineer-golang.yaml"


def test_bundled_example_regenerates_the_committed_deck(tmp_path: Path) -> None:
    result = import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW)
    assert result.deck == GOLDEN.stem
    generated = result.path.read_text(encoding="utf-8")
    assert generated == GOLDEN.read_text(encoding="utf-8"), "regenerate decks/ as the module docstring says"


def test_golden_deck_counts() -> None:
    from studyprep.deckstore import load_deck_file

    deck = load_deck_file(GOLDEN)
    assert deck.counts_by_kind() == {"question": 20, "concept": 57, "fact": 9, "ask": 20}
    assert {note.kind for note in deck.reference} >= {"role", "fit", "resume", "strategy"}
