"""Measuring helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import subprocess
import time


def median_wall_ms(command: list[str], runs: int = 7, env: dict[str, str] | None = None) -> float:
    """Median wall time of a whole process, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
