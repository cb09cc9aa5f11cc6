"""Measuring helpers shared by the benchmarks."""

from __future__ import annotations

import functools
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
    return _median_of_runs(command, runs, env, _wall_ms)


def child_cpu_ms(
    command: list[str] | Callable[[], list[str]], runs: int = 5, env: dict[str, str] | None = None
) -> float:
    """Median CPU time (user + system) of a whole process, in milliseconds, after one unmeasured warm-up run;
    `command` may be a function giving each run its command (and preparing it, unmeasured).

    CPU time, not wall time: on a machine shared with other work, waiting for a core is not the program's cost,
    and CPU figures repeat where wall times do not."""
    return _median_of_runs(command, runs, env, _cpu_ms)


def _median_of_runs(
    command: list[str] | Callable[[], list[str]],
    runs: int,
    env: dict[str, str] | None,
    measure: Callable[[Callable[[], object]], float],
) -> float:
    env = installed_env(env)
    next_command = command if callable(command) else lambda: command
    subprocess.run(next_command(), check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        run = functools.partial(subprocess.run, next_command(), check=True, capture_output=True, env=env)
        times.append(measure(run))
    return statistics.median(times)


def _wall_ms(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def _cpu_ms(run: Callable[[], object]) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
