"""Export speed: 10,000 cards to one .apkg, beside genanki alone writing the same notes (ratio).

`export_decks` is timed end to end (deck YAML loaded and validated, fields rendered to safe HTML, package
written). The reference builds the very same genanki notes from precomputed fields and only writes them,
so the ratio is what studyprep adds on top of genanki. Target: under 3 s for 10,000 cards.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyprep.cards.models import Deck

CARDS = 10_000
RUNS = 3
NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
KINDS = ("question", "concept", "fact", "ask")


def big_deck(cards: int = CARDS) -> Deck:
    """A deck of `cards` cards over 50 categories, with backs, inline Markdown and text that needs escaping."""
    from studyprep.cards.models import Card, Deck

    items = []
    for n in range(cards):
        kind = KINDS[n % len(KINDS)]
        items.append(
            Card(
                id=f"{n:012x}",
                kind=kind,
                category=[f"Area {n % 50}", f"Topic {n % 7}"],
                prompt=f"How would you scale `service-{n}` to *ten times* the load <fast & safe>?",
                back=f"- Hint: sharding {n}\n- caching with **TTL** and `Map<K, V>`",
                notes="" if n % 3 else f"My answer {n}: measure first.",
                tags=[kind, f"area-{n % 50}"],
                source=n + 1,
                added=NOW,
                changed=NOW + timedelta(seconds=n % 600),
                suspended=n % 97 == 0,
            )
        )
    return Deck(slug="bench-corp-staff-engineer", title="Interview Prep: Bench Corp – Staff Engineer", cards=items,
                source="bench.md")  # fmt: skip


def _median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def genanki_alone(deck: Deck, target: Path) -> float:
    """Seconds for genanki to write the same notes, fields and tags precomputed (no studyprep work)."""
    import genanki

    from studyprep.anki import model as anki_model
    from studyprep.commands.export import card_fields

    decks: dict[int, genanki.Deck] = {}
    notes = []
    for card in deck.cards:
        deck_id = anki_model.deck_id(deck.slug, card.category)
        if deck_id not in decks:
            decks[deck_id] = genanki.Deck(deck_id, anki_model.deck_name(deck.title, card.category))
        fields = card_fields(deck, card)
        tags = anki_model.anki_tags(card.kind, card.category, card.tags, card.suspended)
        notes.append((deck_id, anki_model.note_type(card.kind), fields, tags, anki_model.note_guid(deck.slug, card.id)))

    def write() -> None:
        for anki_deck in decks.values():
            anki_deck.notes = []
        for deck_id, model, fields, tags, guid in notes:
            decks[deck_id].add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
        genanki.Package(list(decks.values())).write_to_file(str(target), timestamp=NOW.timestamp())

    return _median_seconds(write)


def run() -> list[tuple[str, str]]:
    """Measure and return (name, figure) pairs."""
    from studyprep.commands.export import export_decks
    from studyprep.store.deckstore import save_deck
    from studyprep.store.workspace import Workspace

    deck = big_deck()
    with tempfile.TemporaryDirectory(prefix="studyprep-bench-export-") as folder:
        root = Path(folder)
        workspace = Workspace(root / "ws")
        save_deck(workspace, deck)
        ours = _median_seconds(lambda: export_decks(workspace, [deck.slug], root / "ours.apkg", NOW))
        reference = genanki_alone(deck, root / "genanki.apkg")
        size_mb = (root / "ours.apkg").stat().st_size / 1e6
    return [
        (
            f"export {CARDS:,} cards (load YAML + render + write, {size_mb:.1f} MB)",
            f"{ours * 1000:.0f} ms vs genanki alone writing the same notes {reference * 1000:.0f} ms "
            f"(x{ours / reference:.2f}); target < 3000 ms",
        )
    ]
