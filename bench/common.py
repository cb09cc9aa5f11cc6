"""Measuring helpers shared by the benchmarks."""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Timing:
    """Median wall and CPU (user + system) time of one command's runs, in milliseconds."""

    wall_ms: float
    cpu_ms: float


def interleaved_ms(
    commands: dict[str, list[str] | Callable[[], list[str]]], runs: int = 9, env: dict[str, str] | None = None
) -> dict[str, Timing]:
    """Each command's median wall and CPU time, the commands run in turn in every round (after one unmeasured
    warm-up round): on a shared machine the load changes from second to second, and a ratio of figures measured
    side by side is not moved by it the way one of figures measured a minute apart is."""
    env = installed_env(env)
    nexts = {name: _command_maker(command) for name, command in commands.items()}
    for next_command in nexts.values():
        subprocess.run(next_command(), check=True, capture_output=True, env=env)
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, next_command in nexts.items():
            run = functools.partial(subprocess.run, next_command(), check=True, capture_output=True, env=env)
            measured[name].append(_wall_and_cpu_ms(run))
    return {
        name: Timing(statistics.median(wall for wall, _ in found), statistics.median(cpu for _, cpu in found))
        for name, found in measured.items()
    }


def _command_maker(command: list[str] | Callable[[], list[str]]) -> Callable[[], list[str]]:
    return command if callable(command) else functools.partial(list, command)


def _wall_and_cpu_ms(run: Callable[[], object]) -> tuple[float, float]:
    wall: list[float] = []
    cpu = _cpu_ms(lambda: wall.append(_wall_ms(run)))
    return wall[0], cpu


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


# Appended to a measured child's code: its peak memory as VmHWM (this process image only; ru_maxrss would carry the
# high-water mark of the forking bench process over the exec).
PEAK_REPORT = """
import atexit as _atexit, sys as _sys
def _report_peak():
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    _sys.stderr.write(f"PEAK_KB {kb}\\n")
_atexit.register(_report_peak)
"""


@dataclass(frozen=True)
class ChildRun:
    """One measured process: wall time, CPU time (user + system, from the kernel's accounting of that child
    alone: on a loaded machine the wall time also counts other processes' turns), peak memory and its output."""

    wall_ms: float
    cpu_ms: float
    peak_mb: float
    stdout: str


def run_child(command: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> ChildRun:
    """Run `command` to its end and measure it (`ChildRun`); a child given `PEAK_REPORT` reports its peak memory,
    others 0. A failing command raises with its error output."""
    before = _children_cpu_ms()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=installed_env(env),
                               cwd=cwd, text=True)  # fmt: skip
    stdout, stderr = process.communicate()
    wall_ms = (time.perf_counter() - started) * 1000
    cpu_ms = _children_cpu_ms() - before  # the children reaped meanwhile: this one (commands run one at a time)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {stderr.strip()[-2000:]}")
    peak = [int(line.split()[1]) for line in stderr.splitlines() if line.startswith("PEAK_KB ")]
    return ChildRun(wall_ms, cpu_ms, peak[-1] / 1024 if peak else 0.0, stdout)


def median_child(command: list[str], runs: int, env: dict[str, str] | None = None,
                 cwd: str | None = None) -> ChildRun:  # fmt: skip
    """`run_child` `runs` times; the median of each figure (the output of the last run)."""
    measured = [run_child(command, env, cwd) for _ in range(runs)]
    return ChildRun(
        statistics.median(run.wall_ms for run in measured),
        statistics.median(run.cpu_ms for run in measured),
        statistics.median(run.peak_mb for run in measured),
        measured[-1].stdout,
    )


def _children_cpu_ms() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000
