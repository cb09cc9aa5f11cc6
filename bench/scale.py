"""Scale: 100,000 cards over 20 decks with 1,000,000 logged reviews, and how each command grows with size.

For 1k, 10k and 100k cards (ten logged reviews per card, so 10k, 100k and 1M reviews), each of `decks`, `due`,
`readiness`, `check` and `check --full` runs as its own process: wall time (target < 1 s; the median of 3 runs,
the first run, with the caches still empty, and for `decks` and `due` the first run of a study day, which
decides the day plans) and peak memory (VmHWM, target < 300 MB, plus the
largest pool worker's times the workers it could run) at 100k, beside the reference of a bare
`python -c "import sqlite3"` process and, for `check`, SQLite's own `PRAGMA integrity_check` on the same file.
Then the time from starting `studyprep review` in a real pty to its first card on screen (target < 500 ms),
also for the first session of a study day. Growth is each size's figure over the one before (linear = 10x).
A fifth of the cards are never seen; the first `decks` of a study day is also measured with every card seen.
Beside Anki, in CPU time (a whole process's user + system time, which repeats on a loaded machine where wall
time does not), with an Anki collection built by the `anki` library to the same cards, seen cards, cards due
today and log rows (`bench.anki_reference`): `readiness` beside Anki open + counts + deck tree (goal <= 1x),
`decks` as the first command of a study day beside Anki open + deck tree (goal <= 1.5x), `due` beside Anki
open + counts (goal <= 1x). A figure that misses its goal says so.
Sizes: BENCH_SCALE_CARDS (comma-separated; default 1000,10000,100000).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.anki_reference import AnkiSize, build_collection, open_counts_ms, open_counts_tree_ms, open_tree_ms
from bench.review import DECKS, NOW, PEAK, _card, _env

REVIEWS_PER_CARD = 10
# A command this slow at a smaller size is not run at the next one (it would take minutes; growth says enough).
SKIP_AFTER_MS = 10_000
COMMANDS = ("decks", "due", "readiness", "check", "check --full")
DAILY = ("decks", "due")  # the first of these in a study day decides the day plans
RUN_COMMAND = PEAK + "\nsys.argv = ['studyprep', *sys.argv[1:]]\nfrom studyprep.cli import main\nmain()\n"


def generate(root: Path, total_cards: int, seen_share: float = 0.8) -> int:
    """Write deck YAML files, plans with an interview date, and REVIEWS_PER_CARD reviews for `seen_share` of cards.

    The reviewed cards' FSRS states are drawn from a seeded generator: the same workspace every run.
    """
    from studyprep.store.db import open_store, to_us
    from studyprep.store.plan import StudyPlan, save_plan
    from studyprep.store.workspace import Workspace
    from studyprep.store.yamlio import dump_yaml

    workspace = Workspace(root)
    store = open_store(workspace)
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    per_deck = total_cards // DECKS
    seen_per_deck = int(per_deck * seen_share)
    # Reviews per seen card, so the whole log holds REVIEWS_PER_CARD x cards rows.
    per_seen = REVIEWS_PER_CARD * per_deck // max(seen_per_deck, 1)
    state = json.dumps([2, None, 20.0, 5.0, 0, 0])
    logged = 0
    rng = random.Random(20260601)
    for number in range(DECKS):
        slug = f"bench-deck-{number:02d}"
        cards = [_card(slug, index, "2025-06-01T09:00:00Z") for index in range(per_deck)]
        path = workspace.deck_path(slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": 1, "slug": slug, "title": f"Bench deck {number}", "company": "Bench", "role": "Engineer",
                "source": "bench.md", "cards": cards, "reference": []}  # fmt: skip
        path.write_text(dump_yaml(data), encoding="utf-8")
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        conn.execute("INSERT INTO decks (deck, path, size, mtime_ns, sha256, title, company, role, present)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                     (slug, str(path), stat.st_size, stat.st_mtime_ns, digest, data["title"], data["company"],
                      data["role"]))  # fmt: skip
        conn.executemany(
            "INSERT INTO cards (deck, card_id, position, kind, category, prompt, active, seen)"
            " VALUES (?, ?, ?, ?, '[\"Bench\"]', ?, 1, ?)",
            [(slug, c["id"], i, c["kind"], c["prompt"], int(i < seen_per_deck)) for i, c in enumerate(cards)],
        )
        save_plan(workspace, StudyPlan(deck=slug, time_zone="UTC", interview_at=NOW + timedelta(days=21)))
        for index, card in enumerate(cards[:seen_per_deck]):
            start = NOW - timedelta(days=365) + timedelta(minutes=index)
            rows = [
                (slug, card["id"], 3, to_us(start + timedelta(days=30 * step)), 8000, state, state, int(step == 0))
                for step in range(per_seen)
            ]
            conn.executemany(
                "INSERT INTO review_log (deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
                " was_new) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            last = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
            # Memories differ, as real ones do (identical states would let every memo hit): stability 1-150
            # days log-uniform, difficulty 1-10, due one stability after the last review (an interval at 90%).
            stability = round(math.exp(rng.uniform(0.0, math.log(150.0))), 4)
            difficulty = round(rng.uniform(1.0, 10.0), 4)
            due = rows[-1][3] + round(stability * 86_400_000_000)
            conn.execute("INSERT INTO card_state VALUES (?, ?, 2, NULL, ?, ?, ?, ?, ?)",
                         (slug, card["id"], stability, difficulty, due, rows[-1][3], last))  # fmt: skip
            logged += len(rows)
    conn.execute("COMMIT")
    store.close()
    return logged


def run_measured(root: Path, args: list[str], runs: int = 3) -> tuple[float, float, float]:
    """Median wall ms, max peak MB and first run's wall ms of `studyprep ARGS` as a process.

    The first run of the day decides each interview deck's plan (later runs read it back): both are printed.
    """
    walls, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", RUN_COMMAND, *args], capture_output=True, text=True,
                              env=_env(root), check=False)  # fmt: skip
        walls.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            raise RuntimeError(f"studyprep {' '.join(args)} failed: {done.stderr[-500:]}")
        peaks.append(_peak_mb(done.stderr))
        if walls[0] > 5000:
            break  # far over target already: one run says enough
    return statistics.median(walls), max(peaks), walls[0]


def _peak_mb(stderr: str) -> float:
    """The process's peak plus, when it used pool workers, the largest worker's times the workers it could run:
    an upper bound of the memory the command held at once (the workers' shared pages are counted again)."""
    figures = dict(line.split() for line in stderr.splitlines() if line.startswith("PEAK_"))
    child = int(figures.get("PEAK_CHILD_KB", 0))
    workers = min(len(os.sched_getaffinity(0)), DECKS) if child else 0
    return (int(figures["PEAK_KB"]) + workers * child) / 1024


def reference_ms(root: Path, code: str, runs: int = 3) -> float:
    """Median wall ms of a bare Python process running `code` (argv[1] = the review database)."""
    from studyprep.store.db import database_path
    from studyprep.store.workspace import Workspace

    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(database_path(Workspace(root)))], check=True,
                       capture_output=True)  # fmt: skip
        walls.append((time.perf_counter() - started) * 1000)
    return statistics.median(walls)


def first_card_ms(root: Path, new_study_day: bool = False) -> float | None:
    """Milliseconds from spawning `studyprep review` in a pty to its first card fully drawn (median of 3).

    With `new_study_day`, each run first forgets the kept day plans, as the first session of a day finds them:
    it decides every interview deck's plan before the first card.
    """
    try:
        import pexpect
    except ImportError:
        return None
    from studyprep.store.db import database_path
    from studyprep.store.workspace import Workspace

    walls = []
    for _ in range(3):
        if new_study_day:
            with contextlib.closing(sqlite3.connect(database_path(Workspace(root)))) as conn, conn:
                conn.execute("DELETE FROM day_plan")
        started = time.perf_counter()
        child = pexpect.spawn(sys.executable, ["-m", "studyprep", "review"], env=_env(root), encoding="utf-8",
                              timeout=60, dimensions=(50, 200))  # fmt: skip
        child.expect_exact("space: show answer")
        walls.append((time.perf_counter() - started) * 1000)
        child.send("q")
        child.expect(pexpect.EOF)
        child.close()
    return statistics.median(walls)


def first_of_day_ms(root: Path, args: list[str], runs: int = 3) -> float:
    """Median wall ms of `studyprep ARGS` as the first command of a study day: each run first forgets the kept
    day plans (as a new day finds them), after a first run has filled the caches a workspace in use has
    (the deck mirror, the plan cache), so that what is measured is deciding the day's plans."""
    from studyprep.store.db import database_path
    from studyprep.store.workspace import Workspace

    run_measured(root, args, runs=1)
    walls = []
    for _ in range(runs):
        with contextlib.closing(sqlite3.connect(database_path(Workspace(root)))) as conn, conn:
            conn.execute("DELETE FROM day_plan")
        walls.append(run_measured(root, args, runs=1)[0])
    return statistics.median(walls)


def _first_of_day_all_seen(size: int) -> list[tuple[str, str]]:
    """The first `decks` of a study day when every card has been seen: no day is filled by new cards, so each
    deck's plan assesses its reviews (with a fifth of the cards unseen, the new cards fill the first days).
    Beside Anki's on a collection of the same size."""
    with tempfile.TemporaryDirectory(prefix="studyprep-bench-scale-") as folder:
        root = Path(folder) / "ws"
        logged = generate(root, size, seen_share=1.0)
        first_of_day = first_of_day_ms(root, ["decks"])
        figures = [(f"decks first of a study day @ {size}, every card seen", f"{first_of_day:.0f} ms (target <"
                    f" 1000): it decides the {DECKS} day plans, each assessing its weakest reviews")]  # fmt: skip
        return figures + beside_anki(root, anki_size(root, size, logged), f"{size}, every card seen")


# (command, first of a study day, the Anki reference, goal as a ratio to it)
BESIDE_ANKI = (
    ("readiness", False, "open + counts + deck tree", 1.0),
    ("decks", True, "open + deck tree", 1.5),
    ("due", False, "open + counts", 1.0),
)


def cpu_ms(root: Path, args: list[str], new_day: bool = False, runs: int = 3) -> float:
    """Median CPU ms (user + system) of `studyprep ARGS` as a process, after a warm-up run; with `new_day`, each
    run first forgets the kept day plans, as the first command of a study day finds them."""
    from bench.common import child_cpu_ms
    from studyprep.store.db import database_path
    from studyprep.store.workspace import Workspace

    if not new_day:
        return child_cpu_ms([sys.executable, "-m", "studyprep", *args], runs=runs, env=_env(root))

    def forget_day_plans() -> list[str]:
        with contextlib.closing(sqlite3.connect(database_path(Workspace(root)))) as conn, conn:
            conn.execute("DELETE FROM day_plan")
        return [sys.executable, "-m", "studyprep", *args]

    return child_cpu_ms(forget_day_plans, runs=runs, env=_env(root))


def anki_size(root: Path, size: int, logged: int) -> AnkiSize:
    """The Anki collection matching the workspace: its cards, seen cards, cards due today and log rows."""
    from studyprep.store.db import database_path, to_us
    from studyprep.store.workspace import Workspace

    day_end = to_us(NOW.replace(hour=4) + timedelta(days=1))
    with contextlib.closing(sqlite3.connect(database_path(Workspace(root)))) as conn:
        seen, due = conn.execute("SELECT count(*), sum(due < ?) FROM card_state", (day_end,)).fetchone()
    return AnkiSize(cards=size, seen=seen, due=due or 0, reviews=logged)


def beside_anki(root: Path, size: AnkiSize, label: str) -> list[tuple[str, str]]:
    """studyprep's CPU figures beside Anki's on a collection of the same size, each with its goal met or missed."""
    started = time.perf_counter()
    collection = build_collection(size)
    built = time.perf_counter() - started
    references = {"open + counts + deck tree": open_counts_tree_ms(collection), "open + deck tree":
                  open_tree_ms(collection), "open + counts": open_counts_ms(collection)}  # fmt: skip
    figures = [(f"Anki collection @ {label}", f"{size.describe()} (built in {built:.0f} s)")]
    for command, new_day, reference, goal in BESIDE_ANKI:
        ours = cpu_ms(root, [command], new_day=new_day)
        ratio = ours / references[reference]
        verdict = "meets" if ratio <= goal else "MISSES"
        name = f"{command}{' first of a study day' if new_day else ''} CPU @ {label}"
        figures.append((name, f"{ours:.0f} ms vs Anki {reference} {references[reference]:.0f} ms: {ratio:.2f}x,"
                        f" {verdict} the goal <= {goal:g}x"))  # fmt: skip
    return figures


def run() -> list[tuple[str, str]]:
    """Generate each size, measure every command, print figures, references and growth."""
    sizes = [int(size) for size in os.environ.get("BENCH_SCALE_CARDS", "1000,10000,100000").split(",")]
    figures: list[tuple[str, str]] = []
    measured: dict[str, dict[int, float]] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="studyprep-bench-scale-") as folder:
            root = Path(folder) / "ws"
            started = time.perf_counter()
            logged = generate(root, size)
            figures.append((f"{size} cards", f"{DECKS} decks, {logged} logged reviews, made in"
                                             f" {time.perf_counter() - started:.1f} s"))  # fmt: skip
            bare = reference_ms(root, "import sqlite3, sys")
            integrity = reference_ms(root, "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("
                                           "'PRAGMA integrity_check').fetchall()")  # fmt: skip
            for command in COMMANDS:
                smaller = measured.get(command, {})
                if smaller and max(smaller.values()) > SKIP_AFTER_MS:
                    figures.append((f"{command} @ {size}", f"skipped: {max(smaller.values()) / 1000:.0f} s already"
                                    f" at {max(smaller)} cards (far over target; see growth)"))  # fmt: skip
                    continue
                wall, peak, first_run = run_measured(root, command.split())
                measured.setdefault(command, {})[size] = wall
                reference = integrity if command.startswith("check") else bare
                label = "sqlite3 integrity_check alone" if command.startswith("check") else "bare python + sqlite3"
                new_day = ""
                if command in DAILY:
                    new_day = f", first of a study day {first_of_day_ms(root, [command]):.0f} ms"
                figures.append((f"{command} @ {size}", f"{wall:.0f} ms (target < 1000; first run {first_run:.0f} ms"
                                f"{new_day}), peak {peak:.0f} MB (target < 300); {label} {reference:.0f} ms,"
                                f" ratio {wall / reference:.1f}x"))  # fmt: skip
            figures += beside_anki(root, anki_size(root, size, logged), str(size))
            first = first_card_ms(root)
            if first is not None:
                measured.setdefault("review first card", {})[size] = first
                new_day = first_card_ms(root, new_study_day=True)
                figures.append((f"review first card @ {size}", f"{first:.0f} ms from start to the card on screen"
                                f" (target < 500; first session of a study day {new_day:.0f} ms, deciding the"
                                f" {DECKS} day plans); bare python + sqlite3 {bare:.0f} ms"))  # fmt: skip
    figures += _first_of_day_all_seen(sizes[-1])
    for command, by_size in measured.items():
        steps = sorted(by_size)
        growth = ", ".join(f"{by_size[b] / by_size[a]:.1f}x for {b // a}x cards" for a, b in itertools.pairwise(steps))
        figures.append((f"growth {command}", growth or "one size only"))
    return figures
