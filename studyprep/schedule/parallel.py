"""Per-deck work on several CPU cores: a deck's readiness or day plan is independent of every other deck's.

`map_decks(job, items, store, reopen)` returns `[job(store, item) for item in items]`. With two items or more
and more than one core it runs them in a fork-based process pool, each worker with its own review store (from
`reopen`, a picklable callable: a connection is never shared across a fork); else, and wherever a pool cannot
start or breaks, in turn on `store`. Jobs only read; the caller writes what they return. A job's
`StudyprepError` reaches the caller as raised. `STUDYPREP_JOBS=1` runs everything in turn (N caps the workers).
`map_decks_later` begins the same work and hands back a `Later` to collect it from, so the caller can go on.
Workers ignore Ctrl-C (the parent handles it) and leave on their own once the parent is gone, even killed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import concurrent.futures

Item = TypeVar("Item")
Result = TypeVar("Result")

_worker_store: Any = None  # in a pool worker: its own review store, opened once by `_open_worker`


def map_decks(
    job: Callable[[Any, Item], Result], items: Sequence[Item], store: Any, reopen: Callable[[], Any]
) -> list[Result]:
    """`job(store, item)` for every item, in order; in parallel when that can help (see the module doc)."""
    workers = min(len(items), _cores())
    if workers < 2 or not _can_fork(store):
        return _in_turn(job, items, store)
    return _later_in_pool(job, items, store, reopen, workers).result()


def _in_turn(job: Callable[[Any, Item], Result], items: Sequence[Item], store: Any) -> list[Result]:
    return [job(store, item) for item in items]


def _pool(workers: int, reopen: Callable[[], Any]) -> concurrent.futures.ProcessPoolExecutor:
    """Forked workers, each with its own store from `reopen`, leaving if this process dies (`_open_worker`)."""
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("fork")
    return concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_open_worker, initargs=(reopen, os.getpid())
    )


def _cores() -> int:
    """The cores to use: all this process may run on, or fewer with `STUDYPREP_JOBS` (unset or empty: all)."""
    from studyprep.errors import StudyprepError

    limit = os.environ.get("STUDYPREP_JOBS", "").strip()
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if not limit:
        return available
    if not (limit.isascii() and limit.isdigit()) or int(limit) < 1:
        raise StudyprepError(
            f"STUDYPREP_JOBS must be a whole number of 1 or more (1: no worker processes), got {limit!r}"
        )
    return min(available, int(limit))


def _can_fork(store: Any) -> bool:
    """Fork only a single-threaded process (forking threads can deadlock) whose store is a file a worker can open
    and holds no open transaction (a worker would not see its uncommitted rows)."""
    import multiprocessing
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return False
    return not store.ephemeral and not store.conn.in_transaction


def _open_worker(reopen: Callable[[], Any], parent: int) -> None:
    import signal

    global _worker_store  # noqa: PLW0603 - one store per worker process, for all its jobs
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback per worker
    _leave_with(parent)
    _worker_store = reopen()


def _leave_with(parent: int) -> None:
    """End this worker once `parent` is gone. A parent killed outright (SIGKILL) tells its pool nothing, and a
    worker waiting for jobs would wait forever, holding the parent's pipes and the session lock."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="studyprep-parent-watch", daemon=True).start()


def _run_in_worker(job: Callable[[Any, Item], Result], item: Item) -> Result:
    return job(_worker_store, item)


class Later(Generic[Result]):
    """Work begun by `map_decks_later`: ask `done()`, collect with `result()` (waits), or `cancel()` it."""

    def __init__(self, collect: Callable[[], list[Result]], done: Callable[[], bool], cancel: Callable[[], None]):
        self._collect, self._done, self._cancel = collect, done, cancel
        self._results: list[Result] | None = None

    def done(self) -> bool:
        """Whether `result()` would return without waiting for the workers."""
        return self._results is not None or self._done()

    def result(self) -> list[Result]:
        """`[job(store, item) for item in items]`, waiting for it if need be; a job's error is raised here."""
        if self._results is None:
            self._results = self._collect()
        return self._results

    def cancel(self) -> None:
        """Give up the work not yet done (for a caller that is leaving); jobs already running finish alone."""
        if self._results is None:
            self._cancel()


def map_decks_later(
    job: Callable[[Any, Item], Result], items: Sequence[Item], store: Any, reopen: Callable[[], Any]
) -> Later[Result]:
    """`map_decks(job, items, store, reopen)` begun now and collected later, so the caller can go on meanwhile
    (a review session shows its first card while the other decks' plans are decided).

    In a process pool where `map_decks` would use one; else in one thread with its own store (the caller is
    expected to wait for keys meanwhile, not to compute); else (an open transaction, a store with no file) in
    turn on `store` when collected.
    """
    workers = min(len(items), _cores())
    if workers >= 2 and _can_fork(store):
        return _later_in_pool(job, items, store, reopen, workers)
    if items and not store.ephemeral and not store.conn.in_transaction:
        return _later_in_thread(job, items, reopen)
    return _later_in_turn(job, items, store)


def _later_in_turn(job: Callable[[Any, Item], Result], items: Sequence[Item], store: Any) -> Later[Result]:
    return Later(lambda: _in_turn(job, items, store), lambda: True, lambda: None)


def _later_in_pool(
    job: Callable[[Any, Item], Result], items: Sequence[Item], store: Any, reopen: Callable[[], Any], workers: int
) -> Later[Result]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = _pool(workers, reopen)
        futures = [pool.submit(_run_in_worker, job, item) for item in items]
    except (BrokenProcessPool, OSError):
        return _later_in_turn(job, items, store)  # no pool (fork refused)

    def collect() -> list[Result]:
        try:
            return [future.result() for future in futures]
        except (BrokenProcessPool, OSError):
            # A worker killed: the same work in turn, which raises any real error again.
            return _in_turn(job, items, store)
        finally:
            pool.shutdown()

    return Later(collect, lambda: all(future.done() for future in futures),
                 lambda: pool.shutdown(wait=False, cancel_futures=True))  # fmt: skip


def _later_in_thread(
    job: Callable[[Any, Item], Result], items: Sequence[Item], reopen: Callable[[], Any]
) -> Later[Result]:
    import threading

    results: list[Result] = []
    failure: list[BaseException] = []
    stop = threading.Event()

    def work() -> None:
        try:
            store = reopen()  # a connection belongs to the thread that opened it
            try:
                for item in items:
                    if stop.is_set():
                        return
                    results.append(job(store, item))
            finally:
                store.close()
        except BaseException as error:  # handed to the caller by `collect`, raised there
            failure.append(error)

    thread = threading.Thread(target=work, name="studyprep-later", daemon=True)
    thread.start()

    def collect() -> list[Result]:
        thread.join()
        if failure:
            raise failure[0]
        return results

    return Later(collect, lambda: not thread.is_alive(), stop.set)
