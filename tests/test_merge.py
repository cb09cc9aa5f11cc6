"""Re-import merges: ids survive reordering and light edits, notes are never lost, removed cards retire."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from helpers import FIXED_NOW

from studyprep.commands.importing import import_document
from studyprep.store.deckstore import load_deck, save_deck
from studyprep.store.workspace import Workspace

DOC = """# Interview Prep: Acme – SRE

## Interview Questions

### Networking
- What happens when you type a URL into a browser?
- How does TCP slow start work?

### Linux
- How do you find what is using a port?

## Concepts to Review
- Networking: DNS, BGP, anycast
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prep.md"
    path.write_text(text, encoding="utf-8")
    return path


def ids_by_prompt(workspace: Workspace) -> dict[str, str]:
    return {card.prompt: card.id for card in load_deck(workspace, "acme-sre").cards}


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    first = import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    before = first.path.read_bytes()
    second = import_document(workspace, write(tmp_path, DOC), FIXED_NOW + timedelta(days=1))
    assert first.written and not second.written
    assert second.path.read_bytes() == before
    assert sum(second.counts()["unchanged"].values()) == 6
    assert sum(second.counts()["added"].values()) == 0


def test_reimport_without_changes_keeps_the_users_own_layout(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    first = import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    edited = "# my own comment\n" + first.path.read_text(encoding="utf-8").replace("notes: ''", "notes:   ''", 1)
    first.path.write_text(edited, encoding="utf-8")
    second = import_document(workspace, write(tmp_path, DOC), FIXED_NOW + timedelta(days=1))
    assert not second.written
    assert first.path.read_text(encoding="utf-8") == edited


def test_ids_survive_reordering(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    before = ids_by_prompt(workspace)
    reordered = DOC.replace(
        "- What happens when you type a URL into a browser?\n- How does TCP slow start work?",
        "- How does TCP slow start work?\n- What happens when you type a URL into a browser?",
    ).replace("DNS, BGP, anycast", "anycast, DNS, BGP")
    result = import_document(workspace, write(tmp_path, reordered), FIXED_NOW)
    assert ids_by_prompt(workspace) == before
    assert sum(result.counts()["added"].values()) == 0


def test_light_edit_keeps_id_notes_and_is_reported(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    deck = load_deck(workspace, "acme-sre")
    card = next(c for c in deck.cards if c.prompt.startswith("How does TCP")).but(
        notes="cwnd doubles each RTT until ssthresh"
    )
    save_deck(workspace, deck.but(cards=[card if c.id == card.id else c for c in deck.cards]))
    edited = DOC.replace("How does TCP slow start work?", "How does TCP slow-start work in practice?")
    later = FIXED_NOW + timedelta(days=2)
    result = import_document(workspace, write(tmp_path, edited), later)
    after = next(c for c in load_deck(workspace, "acme-sre").cards if c.id == card.id)
    assert after.prompt == "How does TCP slow-start work in practice?"
    assert after.notes == "cwnd doubles each RTT until ssthresh"
    assert after.changed == later and after.added == FIXED_NOW
    assert [entry[0] for entry in result.report.edited] == [card.id]
    assert result.counts()["updated"]["question"] == 1
    # Importing the edited document again is a no-op: the edited card is matched by its prompt.
    assert not import_document(workspace, write(tmp_path, edited), later).written


def test_removed_cards_retire_and_come_back_with_notes(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    deck = load_deck(workspace, "acme-sre")
    port = next(c for c in deck.cards if "port" in c.prompt).but(notes="ss -ltnp")
    save_deck(workspace, deck.but(cards=[port if c.id == port.id else c for c in deck.cards]))
    without = DOC.replace("### Linux\n- How do you find what is using a port?\n", "")
    result = import_document(workspace, write(tmp_path, without), FIXED_NOW + timedelta(days=1))
    assert result.counts()["retired"]["question"] == 1
    retired = next(c for c in load_deck(workspace, "acme-sre").cards if c.id == port.id)
    assert retired.retired is not None and retired.notes == "ss -ltnp"
    back = import_document(workspace, write(tmp_path, DOC), FIXED_NOW + timedelta(days=2))
    assert back.counts()["revived"]["question"] == 1
    revived = next(c for c in load_deck(workspace, "acme-sre").cards if c.id == port.id)
    assert revived.retired is None and revived.notes == "ss -ltnp"


def test_notes_survive_changes_to_back_and_category(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    deck = load_deck(workspace, "acme-sre")
    deck = deck.but(cards=[card.but(notes=f"mine: {card.prompt}") for card in deck.cards])
    save_deck(workspace, deck)
    changed = DOC.replace("### Linux", "### Operating systems").replace(
        "- How do you find what is using a port?", "- How do you find what is using a port?\n  - Hint: lsof"
    )
    import_document(workspace, write(tmp_path, changed), FIXED_NOW)
    for card in load_deck(workspace, "acme-sre").cards:
        assert card.notes == f"mine: {card.prompt}"


def test_user_tags_are_kept_and_derived_tags_follow_the_category(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    import_document(workspace, write(tmp_path, DOC), FIXED_NOW)
    deck = load_deck(workspace, "acme-sre")
    port = next(c for c in deck.cards if "port" in c.prompt)
    port.tags.append("hard-one")
    save_deck(workspace, deck)
    import_document(workspace, write(tmp_path, DOC.replace("### Linux", "### Unix")), FIXED_NOW)
    port = next(c for c in load_deck(workspace, "acme-sre").cards if c.id == port.id)
    assert port.tags == ["question", "unix", "hard-one"]
