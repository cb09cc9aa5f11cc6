"""Measuring helpers shared by the benchmarks."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable


def installed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a user's installed tool: bytecode is cached, as pip and pipx leave it (some sandboxes
    set PYTHONDONTWRITEBYTECODE, which would make every run compile studyprep from source while the libraries
    it is compared with run from their installed bytecode)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def median_wall_ms(
    command: list[str] | Callable[[], list[str]], runs: int = 7, env: dict[str, str] | None = None
) -> float:
    """Median wall time of a whole process, in milliseconds, after one unmeasured warm-up run (which also
    writes any missing bytecode); `command` may be a function giving each run its own command (a fresh
    workspace, say)."""
    env = installed_env(env)
    next_command = command if callable(command) else lambda: command
    subprocess.run(next_command(), check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        command_now = next_command()
        start = time.perf_counter()
        subprocess.run(command_now, check=True, capture_output=True, env=env)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
