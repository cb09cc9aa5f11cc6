"""Per-deck work on several CPU cores: a deck's readiness or day plan is independent of every other deck's.

`map_decks(job, items, store, reopen)` returns `[job(store, item) for item in items]`. With two items or more
and more than one core it runs them in a fork-based process pool, each worker with its own review store (from
`reopen`, a picklable callable: a connection is never shared across a fork); else, and wherever a pool cannot
start or breaks, in turn on `store`. Jobs only read; the caller writes what they return. A job's
`StudyprepError` reaches the caller as raised. `STUDYPREP_JOBS=1` runs everything in turn (N caps the workers).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_worker_store: Any = None  # in a pool worker: its own review store, opened once by `_open_worker`


def map_decks(
    job: Callable[[Any, Item], Result], items: Sequence[Item], store: Any, reopen: Callable[[], Any]
) -> list[Result]:
    """`job(store, item)` for every item, in order; in parallel when that can help (see the module doc)."""
    workers = min(len(items), _cores())
    if workers < 2 or not _can_fork(store):
        return [job(store, item) for item in items]
    import concurrent.futures
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_open_worker, initargs=(reopen,)
        ) as pool:
            return list(pool.map(_run_in_worker, [job] * len(items), items))
    except (BrokenProcessPool, OSError):
        # No pool (fork refused, a worker killed): the same work in turn, which raises any real error again.
        return [job(store, item) for item in items]


def _cores() -> int:
    limit = os.environ.get("STUDYPREP_JOBS", "")
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(available, int(limit)) if limit.isdigit() and int(limit) > 0 else available


def _can_fork(store: Any) -> bool:
    """Fork only a single-threaded process (forking threads can deadlock) whose store is a file a worker can open
    and holds no open transaction (a worker would not see its uncommitted rows)."""
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return False
    return not store.ephemeral and not store.conn.in_transaction


def _open_worker(reopen: Callable[[], Any]) -> None:
    import signal

    global _worker_store  # noqa: PLW0603 - one store per worker process, for all its jobs
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback per worker
    _worker_store = reopen()


def _run_in_worker(job: Callable[[Any, Item], Result], item: Item) -> Result:
    return job(_worker_store, item)
