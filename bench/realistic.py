"""Realistic size: a heavy user's workspace (20 decks of 100-300 cards, 4,000-5,000 cards, a few weeks of review
history, interview dates on some decks), every command timed as its own whole process against a 300 ms goal.

The workspace is built the way a user builds it: each deck imported from its own Markdown document, then answers
recorded with fsrs through the review database (the states replayed from the log, as `anki-pull` does). Each
command runs once unmeasured (it fills the caches a user's earlier commands would have filled, and writes any
missing bytecode), then RUNS times; its median wall time and median CPU time (user + system of that process alone:
the machine may be shared, and then wall time also counts other processes' turns) are printed beside the goal and
beside the floor of a bare `python -c pass` process, with MISS saying which of the two misses the goal.
The import re-run imports an unchanged document again (nothing written). BENCH_REALISTIC_RUNS sets RUNS (5).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import ChildRun, median_child

DECKS = 20
GOAL_MS = 300
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HISTORY_DAYS = 28
STUDYPREP = [sys.executable, "-m", "studyprep"]
TOPICS = ("Databases", "Networking", "Concurrency", "Caching", "Queues", "Observability", "Security", "Testing")


def document(number: int, questions: int) -> str:
    """A prep document of `questions` questions (with hints) and a few concepts, for company `number`."""
    lines = [f"# Company {number} – Senior Engineer interview prep", "", "## Predicted Interview Questions", ""]
    for topic_index, topic in enumerate(TOPICS):
        lines += [f"### {topic}", ""]
        for index in range(topic_index, questions, len(TOPICS)):
            lines.append(f"- How would you handle case {index} of {topic.lower()} at company {number}?")
            if index % 3 == 0:
                lines.append(f"  - Hint: think about `limit-{index}` and **back-pressure** first.")
        lines.append("")
    lines += ["## Concepts to Review", ""]
    lines += [f"- Concept {index} of company {number}: idempotency, retries" for index in range(questions // 10)]
    return "\n".join(lines) + "\n"


def build(root: Path, seed: int = 5) -> tuple[list[Path], int]:
    """Import DECKS documents into the workspace at `root`, set interview dates on half the decks, and record a
    few weeks of answers for about half of each deck's cards; return the documents and the card count."""
    from studyprep.commands.importing import import_document
    from studyprep.schedule.replays import open_store
    from studyprep.schedule.scheduling import replay_deck
    from studyprep.store.plan import load_plan, save_plan
    from studyprep.store.workspace import Workspace

    chooser = random.Random(seed)
    workspace = Workspace(root)
    documents, cards = [], 0
    for number in range(DECKS):
        path = root.parent / f"company-{number:02d}.md"
        path.write_text(document(number, chooser.randint(180, 270)), encoding="utf-8")
        result = import_document(workspace, path, NOW - timedelta(days=HISTORY_DAYS + 1))
        documents.append(path)
        plan = load_plan(workspace, result.deck)
        if number % 2 == 0:
            interview = NOW + timedelta(days=7 + number)
            save_plan(workspace, plan.model_copy(update={"interview_at": interview, "time_zone": "UTC"}))
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        rows = []
        for slug in store.deck_slugs():
            ids = [card_id for card_id, _, _ in store.questions_answered(slug)]
            cards += store.present_card_count([slug])
            for card_id in ids[: len(ids) // 2]:
                moment = NOW - timedelta(days=HISTORY_DAYS, hours=chooser.random() * 5)
                for _ in range(chooser.randint(1, 6)):
                    rating = chooser.choices((1, 2, 3, 4), (1, 2, 12, 3))[0]
                    rows.append((slug, card_id, rating, moment, chooser.randint(4000, 20000), False, None))
                    moment += timedelta(days=chooser.randint(1, 6), minutes=chooser.randint(0, 90))
                    if moment > NOW - timedelta(hours=1):
                        break
        store.append_reviews(rows, "studyprep")
        for slug in store.deck_slugs():
            replay_deck(workspace, store, slug)
    return documents, cards


def commands(root: Path, documents: list[Path], folder: Path) -> list[tuple[str, list[str]]]:
    """Each command as a user runs it on this workspace (the deck ones on a deck of about 200 cards)."""
    deck = "company-3-senior-engineer"
    home = ["--home", str(root)]
    return [
        ("import (re-run, unchanged)", [*home, "import", str(documents[3])]),
        ("due", [*home, "due"]),
        ("decks", [*home, "decks"]),
        ("readiness", [*home, "readiness"]),
        ("show DECK", [*home, "show", deck]),
        ("cards (every deck)", [*home, "cards"]),
        ("cards --search", [*home, "cards", "--search", "back-pressure"]),
        ("stats", [*home, "stats"]),
        ("check", [*home, "check"]),
        ("export DECK", [*home, "export", deck, "-o", str(folder / "deck.apkg"), "--force"]),
        ("export --all", [*home, "export", "--all", "-o", str(folder / "all.apkg"), "--force"]),
        ("plan DECK", [*home, "plan", "company-2-senior-engineer"]),
    ]


def _line(run: ChildRun, floor: ChildRun) -> str:
    missed = [name for name, ms in (("wall", run.wall_ms), ("CPU", run.cpu_ms)) if ms > GOAL_MS]
    verdict = f" MISS ({' and '.join(missed)} over {GOAL_MS} ms)" if missed else ""
    return (f"{run.wall_ms:.0f} ms wall, {run.cpu_ms:.0f} ms CPU (goal {GOAL_MS} ms; bare python"
            f" {floor.wall_ms:.0f} ms wall, {floor.cpu_ms:.0f} ms CPU){verdict}")  # fmt: skip


def run() -> list[tuple[str, str]]:
    """Measure and return (name, figure) pairs."""
    runs = int(os.environ.get("BENCH_REALISTIC_RUNS", "5"))
    env = {"STUDYPREP_NOW": NOW.isoformat(), "COLUMNS": "100"}
    with tempfile.TemporaryDirectory(prefix="studyprep-bench-realistic-") as folder:
        root = Path(folder) / "ws"
        documents, cards = build(root)
        floor = median_child([sys.executable, "-c", "pass"], runs, cwd=folder)
        figures = [(f"workspace: {DECKS} decks, {cards:,} cards", "built (imported, then answers replayed)")]
        for name, arguments in commands(root, documents, Path(folder)):
            command = [*STUDYPREP, *arguments]
            median_child(command, 1, env, cwd=folder)  # warm-up: caches a user's earlier commands filled
            figures.append((name, _line(median_child(command, runs, env, cwd=folder), floor)))
    return figures
