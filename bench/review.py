"""Review speed on a big workspace: 100,000 cards over 20 decks with a year of review history.

Figures (each beside the same work done directly with `fsrs` + `sqlite3`, as a ratio):
- `studyprep due` wall time as a subprocess (target < 300 ms);
- rating a card -> next card ready and drawn, in process (target < 15 ms), and through a real pty;
- peak memory (max RSS) of a review session process (target < 200 MB).
And beside Anki (a collection built with the `anki` library to the same cards, seen cards, due cards and log
rows; `bench.anki_reference`), in CPU time, which repeats on a loaded machine where wall time does not:
- rating -> next card (`ReviewSession.answer`, which records the answer and reads the next card) beside Anki's
  `answer_card` + `get_queued_cards` (goal <= 3x), on the habit workspace (about 2% of seen cards due today) and
  on a backlog one (about 70% due: 56,000 at 100k cards).

The history is generated as database rows directly (fast); deck files are real YAML and the mirror is
recorded as up to date, as it would be after the first `due`. Sizes: BENCH_REVIEW_CARDS (default 100000).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import median_wall_ms

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DECKS = 20
STUDYPREP = [sys.executable, "-m", "studyprep"]

# The reference for `due`: the same counting queries, straight from sqlite3, in a bare Python process.
DIRECT_DUE = """
import sqlite3, sys, fsrs
conn = sqlite3.connect(sys.argv[1])
now, end, start = (int(x) for x in sys.argv[2:5])
for (deck,) in conn.execute("SELECT deck FROM decks WHERE present = 1 ORDER BY deck").fetchall():
    conn.execute("SELECT sum(s.state != 2), sum(s.state = 2) FROM card_state s JOIN cards c ON c.deck = s.deck"
                 " AND c.card_id = s.card_id WHERE s.deck = ? AND s.due < ? AND c.active = 1", (deck, end)).fetchone()
    conn.execute("SELECT count(*) FROM cards c WHERE c.deck = ? AND c.active = 1 AND NOT EXISTS (SELECT 1 FROM"
                 " card_state s WHERE s.deck = c.deck AND s.card_id = c.card_id)", (deck,)).fetchone()
    conn.execute("SELECT count(*) FROM review_log WHERE deck = ? AND reviewed_at >= ? AND was_new = 1",
                 (deck, start)).fetchone()
    conn.execute("SELECT min(due) FROM card_state WHERE deck = ? AND due > ?", (deck, now)).fetchone()
    print(deck)
"""

# Peak memory is read as VmHWM (this process image only): ru_maxrss would include the RSS inherited from
# the forking bench process, which is larger than what is measured.
PEAK = """
import atexit, sys
def _peak():
    import resource
    try:
        with open("/proc/self/status") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Child processes, if any: the largest one's peak (shared pages counted again).
    sys.stderr.write(f"PEAK_KB {kb}\\nPEAK_CHILD_KB {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
atexit.register(_peak)
"""
SESSION_MEMORY = (
    PEAK
    + """
sys.argv = ["studyprep", "review"]
from studyprep.cli import main
main()
"""
)

# The reference for memory: load every due card of every deck as fsrs Cards, plus the scheduler.
DIRECT_MEMORY = """
import sqlite3
from datetime import datetime, timezone, timedelta
import fsrs
conn = sqlite3.connect(sys.argv[1])
epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
rows = conn.execute("SELECT state, step, stability, difficulty, due, last_review FROM card_state WHERE due < ?",
                    (int(sys.argv[2]),)).fetchall()
cards = [fsrs.Card(card_id=i, state=fsrs.State(r[0]), step=r[1], stability=r[2], difficulty=r[3],
                   due=epoch + timedelta(microseconds=r[4]), last_review=epoch + timedelta(microseconds=r[5]))
         for i, r in enumerate(rows)]
scheduler = fsrs.Scheduler()
"""


HABIT = (-1.0, 49.0)  # due dates, in days from now, of the seen cards: about 2% due today
BACKLOG = (-35.0, 15.0)  # about 70% due today (a user back after weeks away)
ANSWER_GOAL = 3.0  # rating -> next card at most this many times Anki's


def generate(root: Path, total_cards: int, seed: int = 11, due_days: tuple[float, float] = HABIT) -> dict[str, float]:
    """Write deck YAML files, default plans and a year of review rows (the seen cards due `due_days` from now,
    spread evenly); return timings in seconds and the log rows written."""
    from studyprep.store.db import open_store, state_json, to_us
    from studyprep.store.plan import StudyPlan, save_plan
    from studyprep.store.workspace import Workspace
    from studyprep.store.yamlio import dump_yaml

    chooser = random.Random(seed)
    workspace = Workspace(root)
    started = time.perf_counter()
    per_deck = total_cards // DECKS
    stamp = "2025-06-01T09:00:00Z"
    store = open_store(workspace)
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    log_rows = 0
    for number in range(DECKS):
        slug = f"bench-deck-{number:02d}"
        cards = [_card(slug, index, stamp) for index in range(per_deck)]
        path = workspace.deck_path(slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": 1,
            "slug": slug,
            "title": f"Bench deck {number}",
            "company": "Bench",
            "role": "Engineer",
            "source": "bench.md",
            "cards": cards,
            "reference": [],
        }
        path.write_text(dump_yaml(data), encoding="utf-8")
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        conn.execute(
            "INSERT INTO decks (deck, path, size, mtime_ns, sha256, title, company, role, present)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (slug, str(path), stat.st_size, stat.st_mtime_ns, digest, data["title"], data["company"], data["role"]),
        )
        conn.executemany(
            "INSERT INTO cards (deck, card_id, position, kind, category, prompt, active)"
            " VALUES (?, ?, ?, ?, '[\"Bench\"]', ?, 1)",
            [(slug, card["id"], index, card["kind"], card["prompt"]) for index, card in enumerate(cards)],
        )
        save_plan(workspace, StudyPlan(deck=slug, time_zone="UTC"))
        for card in cards[: int(per_deck * 0.8)]:  # 80% of cards were seen during the year
            log_rows += _history(conn, chooser, slug, card["id"], state_json, to_us, due_days)
    conn.execute(
        "UPDATE cards SET seen = 1 WHERE EXISTS"
        " (SELECT 1 FROM card_state s WHERE s.deck = cards.deck AND s.card_id = cards.card_id)"
    )
    conn.execute("COMMIT")
    seen = conn.execute("SELECT count(*) FROM card_state").fetchone()[0]
    store.close()
    return {"generate_s": time.perf_counter() - started, "log_rows": log_rows, "seen": seen}


def _card(slug: str, index: int, stamp: str) -> dict[str, object]:
    card_id = hashlib.sha256(f"{slug}-{index}".encode()).hexdigest()[:12]
    kind = "question" if index % 3 else "concept"
    return {
        "id": card_id,
        "kind": kind,
        "category": ["Bench"],
        "prompt": f"How would you scale service {index}?",
        "context": "",
        "back": "",
        "notes": "",
        "tags": [kind],
        "source": index + 1,
        "added": stamp,
        "changed": stamp,
        "retired": None,
        "suspended": False,
    }


def _history(conn, chooser: random.Random, slug: str, card_id: str, state_json, to_us, due_days) -> int:
    """A handful of reviews over the past year, ending in a Review-state card due somewhere around now."""
    from fsrs import Card, State

    reviews = chooser.randint(2, 8)
    moment = NOW - timedelta(days=chooser.uniform(40, 365))
    last = None
    rows = []
    for _ in range(reviews):
        moment += timedelta(days=chooser.uniform(0.5, 30), seconds=chooser.randint(0, 3600))
        if moment >= NOW:
            break
        rating = chooser.choice((1, 3, 3, 3, 3, 4))
        after = Card(
            card_id=1,
            state=State.Review,
            step=None,
            stability=chooser.uniform(1, 120),
            difficulty=chooser.uniform(2, 9),
            due=moment + timedelta(days=chooser.uniform(1, 90)),
            last_review=moment,
        )
        rows.append(
            (
                slug,
                card_id,
                rating,
                to_us(moment),
                chooser.randint(2000, 40000),
                state_json(last),
                state_json(after),
                int(last is None),
            )
        )
        last = after
    if last is None:
        return 0
    # Spread due dates: with HABIT about 2% of seen cards are due today, as in a steady daily habit.
    last.due = NOW + timedelta(days=chooser.uniform(*due_days))
    conn.executemany(
        "INSERT INTO review_log (deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after, was_new)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    log_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
    conn.execute(
        "INSERT INTO card_state VALUES (?, ?, 2, NULL, ?, ?, ?, ?, ?)",
        (slug, card_id, last.stability, last.difficulty, to_us(last.due), to_us(last.last_review), log_id),
    )
    return len(rows)


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "STUDYPREP_NOW": NOW.isoformat(), "TZ": "UTC", "STUDYPREP_HOME": str(root)}


def measure_due(root: Path) -> tuple[float, float]:
    """Median wall ms of `studyprep due` and of the direct sqlite3 reference."""
    from studyprep.store.db import database_path, to_us
    from studyprep.store.workspace import Workspace

    env = _env(root)
    subprocess.run([*STUDYPREP, "due"], check=True, capture_output=True, env=env)  # warm the OS cache
    ours = median_wall_ms([*STUDYPREP, "due"], env=env)
    day_start = NOW.replace(hour=4)
    direct = [
        sys.executable,
        "-c",
        DIRECT_DUE,
        str(database_path(Workspace(root))),
        str(to_us(NOW)),
        str(to_us(day_start + timedelta(days=1))),
        str(to_us(day_start)),
    ]
    return ours, median_wall_ms(direct, env=env)


@dataclass(frozen=True)
class AnswerFigures:
    """Rating -> next card in one session: median wall ms (drawn), median CPU ms of the answer alone (recorded,
    next card chosen and read) and drawn, the session's setup ms, and the cards it had due."""

    wall_ms: float
    cpu_ms: float
    cpu_drawn_ms: float
    setup_ms: float
    due: int


def measure_answer(root: Path, answers: int = 200) -> AnswerFigures:
    """Rating -> next card figures of a session over every deck, answering Good (every fifth Again)."""
    from rich.console import Console

    from studyprep.commands.review import open_session
    from studyprep.render.review_screen import KeyReader, ReviewScreen
    from studyprep.store.workspace import Workspace

    workspace = Workspace(root)
    started = time.perf_counter()
    with open_session(workspace, [], NOW, new=0) as session:
        setup_ms = (time.perf_counter() - started) * 1000
        due = len(session.queue)
        screen = ReviewScreen(session, Console(file=io.StringIO(), width=100), KeyReader(io.StringIO()))
        walls, cpu, cpu_drawn = [], [], []
        for number in range(answers):
            if session.current is None:
                break
            session.reveal()
            screen.draw()  # the back with the four intervals, as on screen before the key
            start, start_cpu = time.perf_counter(), time.process_time()
            session.answer(1 if number % 5 == 4 else 3)
            answered_cpu = time.process_time()
            screen.draw()
            walls.append((time.perf_counter() - start) * 1000)
            cpu.append((answered_cpu - start_cpu) * 1000)
            cpu_drawn.append((time.process_time() - start_cpu) * 1000)
    median = statistics.median
    return AnswerFigures(median(walls), median(cpu), median(cpu_drawn), setup_ms, due)


def _direct_answer(root: Path, answers: int) -> float:
    """The same per-answer work by hand: fsrs review + one transaction + read the next card."""
    import sqlite3

    import fsrs

    from studyprep.store.db import card_from_json, database_path, state_json, to_us
    from studyprep.store.workspace import Workspace

    conn = sqlite3.connect(database_path(Workspace(root)), isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    scheduler = fsrs.Scheduler()
    due = conn.execute(
        "SELECT deck, card_id, state, step, stability, difficulty, due, last_review FROM card_state"
        " WHERE state = 2 AND due < ? ORDER BY due LIMIT ?",
        (to_us(NOW + timedelta(days=1)), answers),
    ).fetchall()
    times = []
    for deck, card_id, *state in due:
        start = time.perf_counter()
        card = card_from_json(json.dumps(state), 1)
        after, _ = scheduler.review_card(card, fsrs.Rating.Good, NOW)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO review_log (deck, card_id, rating, reviewed_at, state_after) VALUES (?, ?, 3, ?, ?)",
            (deck, card_id, to_us(NOW), state_json(after)),
        )
        conn.execute("UPDATE card_state SET due = ? WHERE deck = ? AND card_id = ?", (to_us(after.due), deck, card_id))
        conn.execute("COMMIT")
        conn.execute("SELECT prompt FROM cards WHERE deck = ? AND card_id = ?", (deck, card_id)).fetchone()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return statistics.median(times)


def measure_pty(root: Path, answers: int = 30) -> float | None:
    """Median ms from sending a rating key in a real pty to the next card's front being fully drawn."""
    try:
        import pexpect
    except ImportError:
        return None
    child = pexpect.spawn(
        STUDYPREP[0], [*STUDYPREP[1:], "review"], env=_env(root), encoding="utf-8", timeout=60, dimensions=(50, 200)
    )
    child.delaybeforesend = None
    times = []
    child.expect_exact("space: show answer")
    for _ in range(answers):
        child.send(" ")
        child.expect_exact("1-4 rate")
        start = time.perf_counter()
        child.send("3")
        child.expect_exact("space: show answer")
        times.append((time.perf_counter() - start) * 1000)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    return statistics.median(times)


def measure_memory(root: Path, answers: int = 100) -> tuple[float, float]:
    """Peak RSS (MB) of a scripted review session process, and of the direct fsrs + sqlite3 reference."""
    from studyprep.store.db import database_path, to_us
    from studyprep.store.workspace import Workspace

    keys = "".join("\n3\n" for _ in range(answers)) + "q\n"
    session = subprocess.run(
        [sys.executable, "-c", SESSION_MEMORY], input=keys, capture_output=True, text=True, env=_env(root), check=True
    )
    direct = subprocess.run(
        [
            sys.executable,
            "-c",
            "\n".join((PEAK, DIRECT_MEMORY)),
            str(database_path(Workspace(root))),
            str(to_us(NOW + timedelta(days=1))),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return _peak_mb(session.stderr), _peak_mb(direct.stderr)


def _peak_mb(stderr: str) -> float:
    line = next(line for line in stderr.splitlines() if line.startswith("PEAK_KB "))
    return int(line.split()[1]) / 1024


def _ratio(ours: float, reference: float) -> str:
    return f"{ours / reference:.2f}x" if reference else "n/a"


def run() -> list[tuple[str, str]]:
    """Generate the workspace, then measure; figures with their references and ratios."""
    total = int(os.environ.get("BENCH_REVIEW_CARDS", "100000"))
    with tempfile.TemporaryDirectory(prefix="studyprep-bench-review-") as folder:
        root = Path(folder) / "ws"
        made = generate(root, total)
        figures = [
            (
                "workspace",
                f"{total} cards, {DECKS} decks, {made['log_rows']:.0f} review rows,"
                f" generated in {made['generate_s']:.1f} s",
            )
        ]
        due_ms, due_ref = measure_due(root)
        figures.append(
            (
                "due wall",
                f"{due_ms:.0f} ms (target < 300) vs direct sqlite3 {due_ref:.0f} ms, ratio {_ratio(due_ms, due_ref)}",
            )
        )
        answer = measure_answer(root)
        answer_ref = _direct_answer(root, 200)
        figures.append(
            (
                "rating -> next card",
                f"{answer.wall_ms:.2f} ms (target < 15) vs direct fsrs+sqlite3"
                f" {answer_ref:.2f} ms, ratio {_ratio(answer.wall_ms, answer_ref)}",
            )
        )
        figures.append(("session start (queue over all decks)", f"{answer.setup_ms:.0f} ms"))
        figures.append(_beside_anki("habit", total, made, answer))
        pty_ms = measure_pty(root)
        if pty_ms is not None:
            figures.append(
                (
                    "rating -> next card through a pty",
                    f"{pty_ms:.1f} ms (key sent to next card fully drawn, terminal I/O included)",
                )
            )
        memory, memory_ref = measure_memory(root)
        figures.append(
            (
                "session peak memory",
                f"{memory:.0f} MB (target < 200) vs direct fsrs+sqlite3"
                f" {memory_ref:.0f} MB, ratio {_ratio(memory, memory_ref)}",
            )
        )
    figures += _backlog(total)
    return figures


def _backlog(total: int) -> list[tuple[str, str]]:
    """Rating -> next card beside Anki's on a workspace where most seen cards are due (a long lane of reviews)."""
    with tempfile.TemporaryDirectory(prefix="studyprep-bench-review-") as folder:
        root = Path(folder) / "ws"
        made = generate(root, total, due_days=BACKLOG)
        return [_beside_anki("backlog", total, made, measure_answer(root))]


def _beside_anki(name: str, total: int, made: dict[str, float], answer: AnswerFigures) -> tuple[str, str]:
    """studyprep's rating -> next card (CPU) beside Anki's answer_card + get_queued_cards on a collection of the
    same size, with whether it meets its goal."""
    from bench.anki_reference import AnkiSize, answer_ms, build_collection

    size = AnkiSize(cards=total, seen=int(made["seen"]), due=answer.due, reviews=int(made["log_rows"]))
    started = time.perf_counter()
    anki = answer_ms(build_collection(size))
    built = time.perf_counter() - started
    ratio = answer.cpu_ms / anki
    verdict = "meets" if ratio <= ANSWER_GOAL else "MISSES"
    return (
        f"rating -> next card, {answer.due} due ({name}), CPU",
        f"{answer.cpu_ms:.2f} ms ({answer.cpu_drawn_ms:.2f} ms drawn) vs Anki answer_card + get_queued_cards"
        f" {anki:.2f} ms: {ratio:.1f}x, {verdict} the goal <= {ANSWER_GOAL:.0f}x (Anki: {size.describe()},"
        f" built in {built:.0f} s)",
    )


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name}: {figure}")
