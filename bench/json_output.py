"""The one serializer of results (`studyprep.result.to_json`) against a hand-written dict, on `cards --json` rows.

`cards --json` is the largest JSON a command writes (a row per card). Before the generic serializer each result
class built its dict by hand; the reference here is that code for `CardRow`, timed in the same run on the same
rows, and the two outputs are checked equal first. CPU time (process_time), median of RUNS.
Run: .venv/bin/python -m bench.run json_output
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from studyprep.clock import isoformat
from studyprep.commands.cards_cmd import CardRow
from studyprep.result import to_json

ROWS = 100_000
RUNS = 5
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _hand_written(row: CardRow) -> dict[str, Any]:
    """`CardRow.to_json` as it was written before `studyprep.result`."""
    return {
        "deck": row.deck,
        "id": row.card_id,
        "kind": row.kind,
        "category": list(row.category),
        "prompt": row.prompt,
        "state": row.state,
        "due": isoformat(row.due) if row.due else None,
        "stability": None if row.stability is None else round(row.stability, 4),
        "lapses": row.lapses,
        "flagged": row.flagged,
    }


def _rows(count: int) -> list[CardRow]:
    return [_row(index) for index in range(count)]


def _row(index: int) -> CardRow:
    seen = index % 3 != 0
    due = NOW + timedelta(hours=index) if seen else None
    return CardRow(f"deck-{index % 20:02d}", f"{index:012x}", "question", ("Technical", "Networking"),
                   f"Question number {index}?", "review" if seen else "new", due, 12.345678 if seen else None,
                   index % 4, index % 17 == 0, index)  # fmt: skip


def _cpu_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def run() -> list[tuple[str, str]]:
    """`to_json` on ROWS card rows beside the hand-written dict on the same rows."""
    rows = _rows(ROWS)
    if to_json(rows) != [_hand_written(row) for row in rows]:
        raise SystemExit("the serializer's rows differ from the reference")
    generic = _cpu_ms(lambda: to_json(rows))
    reference = _cpu_ms(lambda: [_hand_written(row) for row in rows])
    return [
        (
            f"to_json of {ROWS:,} cards --json rows",
            f"{generic:.0f} ms CPU (hand-written dict: {reference:.0f} ms, {generic / reference:.2f}x)",
        ),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name}: {figure}")
