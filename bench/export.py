"""Export speed and memory: 10,000 and 100,000 cards to one .apkg, beside genanki alone writing the same notes.

Each side runs as its own process, so its peak memory (VmHWM) is its own. `studyprep export` is timed end to end
inside its process (deck files loaded, fields rendered to safe HTML, package and exchange record written), twice:
the first export of the deck file (YAML parsed, then cached in the review database) and a later one (the parsed
deck read back from the cache). The reference process loads the very same notes' fields, tags and guids, computed
beforehand, then builds the genanki notes and writes the package (timed). Goals: time and peak memory at most
1.5x genanki's. The machine may be shared: CPU time (user + system of the measured section, and of the whole
process) is printed beside the wall time. Sizes: BENCH_EXPORT_CARDS (comma-separated; default 10000,100000).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import PEAK_REPORT, ChildRun, median_child, run_child

if TYPE_CHECKING:
    from studyprep.cards.models import Deck

SIZES = (10_000, 100_000)
RUNS = {10_000: 3, 100_000: 1}
GOAL_RATIO = 1.5
NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
KINDS = ("question", "concept", "fact", "ask")


def big_deck(cards: int = SIZES[0]) -> Deck:
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


# Both children print {"wall": s, "cpu": s} of their timed section on stdout.
TIMED = """
import json, sys, time
def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))
"""
OURS = """
from datetime import datetime
from pathlib import Path
from studyprep.commands.export import export_decks
from studyprep.store.workspace import Workspace
root, slug, target, now = sys.argv[1:5]
timed(lambda: export_decks(Workspace(Path(root)), [slug], Path(target), datetime.fromisoformat(now)))
"""
GENANKI = """
import genanki
from studyprep.anki import model as anki_model
with open(sys.argv[1], encoding="utf-8") as handle:
    notes = json.load(handle)
target, timestamp = sys.argv[2], float(sys.argv[3])
def write():
    decks = {}
    for deck_id, name, kind, fields, tags, guid in notes:
        if deck_id not in decks:
            decks[deck_id] = genanki.Deck(deck_id, name)
        decks[deck_id].add_note(genanki.Note(model=anki_model.note_type(kind), fields=fields, tags=tags, guid=guid))
    genanki.Package(list(decks.values())).write_to_file(target, timestamp=timestamp)
timed(write)
"""


def reference_notes(deck: Deck) -> list[tuple[int, str, str, list[str], list[str], str]]:
    """What genanki alone is given: each note's deck id and name, kind, fields, tags and guid, all computed."""
    from studyprep.anki import model as anki_model
    from studyprep.commands.export import card_fields

    return [
        (anki_model.deck_id(deck.slug, card.category), anki_model.deck_name(deck.title, card.category), card.kind,
         card_fields(deck, card), anki_model.anki_tags(card.kind, card.category, card.tags, card.suspended),
         anki_model.note_guid(deck.slug, card.id))
        for card in deck.cards
    ]  # fmt: skip


def _measure(code: str, arguments: list[str], runs: int, cwd: str) -> tuple[ChildRun, dict[str, float]]:
    command = [sys.executable, "-c", PEAK_REPORT + TIMED + code, *arguments]
    run = median_child(command, runs, cwd=cwd) if runs > 1 else run_child(command, cwd=cwd)
    return run, json.loads(run.stdout.strip().splitlines()[-1])


def _figure(section: dict[str, float], run: ChildRun) -> str:
    return (f"{section['wall'] * 1000:.0f} ms wall, {section['cpu'] * 1000:.0f} ms CPU"
            f" (process: {run.cpu_ms:.0f} ms CPU, peak {run.peak_mb:.0f} MB)")  # fmt: skip


def _verdict(ours: float, reference: float, what: str) -> str:
    ratio = ours / reference
    return f"x{ratio:.2f} {what}" + ("" if ratio <= GOAL_RATIO else f" MISS (goal <= x{GOAL_RATIO})")


def export_figures(cards: int, folder: Path) -> list[tuple[str, str]]:
    """Export `cards` cards (first with the YAML parsed, then from the cache) and write them with genanki alone."""
    from studyprep.store.deckstore import save_deck
    from studyprep.store.workspace import Workspace

    deck = big_deck(cards)
    root = folder / f"ws-{cards}"
    save_deck(Workspace(root), deck)
    notes = folder / f"notes-{cards}.json"
    notes.write_text(json.dumps(reference_notes(deck)), encoding="utf-8")
    del deck
    arguments = [str(root), "bench-corp-staff-engineer", str(folder / "ours.apkg"), NOW.isoformat()]
    first_run, first = _measure(OURS, arguments, 1, str(folder))
    later_run, later = _measure(OURS, arguments, RUNS.get(cards, 1), str(folder))
    reference_arguments = [str(notes), str(folder / "genanki.apkg"), str(NOW.timestamp())]
    genanki_run, genanki = _measure(GENANKI, reference_arguments, RUNS.get(cards, 1), str(folder))
    size_mb = (folder / "ours.apkg").stat().st_size / 1e6
    label = f"export {cards:,} cards ({size_mb:.1f} MB)"
    first_ratio = _verdict(first["cpu"], genanki["cpu"], "CPU")
    later_ratios = ", ".join([
        _verdict(later["cpu"], genanki["cpu"], "CPU"),
        _verdict(later["wall"], genanki["wall"], "wall"),
        _verdict(later_run.peak_mb, genanki_run.peak_mb, "peak memory"),
    ])  # fmt: skip
    return [
        (f"{label}, genanki alone", _figure(genanki, genanki_run)),
        (f"{label}, first (YAML parsed, then cached)", f"{_figure(first, first_run)}; {first_ratio}"),
        (f"{label}, later (deck from the cache)", f"{_figure(later, later_run)}; {later_ratios}"),
    ]


def run() -> list[tuple[str, str]]:
    """Measure and return (name, figure) pairs."""
    sizes = [int(size) for size in os.environ.get("BENCH_EXPORT_CARDS", "").split(",") if size] or list(SIZES)
    figures = []
    for cards in sizes:
        with tempfile.TemporaryDirectory(prefix="studyprep-bench-export-") as folder:
            figures += export_figures(cards, Path(folder))
    return figures
