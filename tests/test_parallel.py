"""Per-deck work on several cores: the same results as in turn, errors as raised, and a broken pool survived."""

from __future__ import annotations

import functools
import json
import os
import pickle
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, FIXED_NOW

from studyprep.cli import cli
from studyprep.clock import isoformat
from studyprep.commands.importing import import_document
from studyprep.errors import DeckNotFoundError, StudyprepError
from studyprep.schedule.parallel import map_decks, map_decks_later
from studyprep.store.db import open_store
from studyprep.store.workspace import Workspace

PARENT = os.getpid()


@pytest.fixture
def three_dated_decks(tmp_path: Path) -> Path:
    for number in range(3):
        import_document(Workspace(tmp_path), EXAMPLE, FIXED_NOW, deck=f"round-{number}")
    for slug in _slugs(tmp_path):
        interview = (FIXED_NOW + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
        assert _run(tmp_path, "plan", slug, "--interview", interview, "--tz", "UTC").exit_code == 0
    return tmp_path


def _slugs(home: Path) -> list[str]:
    return sorted(path.stem for path in (home / "decks").glob("*.yaml"))


def _run(home: Path, *args: str, jobs: str = "") -> object:
    env = {"STUDYPREP_HOME": str(home), "STUDYPREP_NOW": isoformat(FIXED_NOW), "STUDYPREP_JOBS": jobs}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_readiness_of_several_decks_is_the_same_on_several_cores_as_in_turn(three_dated_decks: Path) -> None:
    assert len(_slugs(three_dated_decks)) == 3
    in_turn = _run(three_dated_decks, "readiness", "--json", jobs="1")
    parallel = _run(three_dated_decks, "readiness", "--json", jobs="3")
    assert in_turn.exit_code == parallel.exit_code == 0
    assert json.loads(parallel.output) == json.loads(in_turn.output)
    assert [deck["deck"] for deck in json.loads(parallel.output)] == _slugs(three_dated_decks)


def test_day_plans_decided_on_several_cores_are_the_ones_decided_in_turn(three_dated_decks: Path) -> None:
    parallel = _run(three_dated_decks, "due", "--json", jobs="3")
    with open_store(Workspace(three_dated_decks)) as store:
        kept = store.conn.execute("SELECT deck, plan FROM day_plan ORDER BY deck").fetchall()
        store.conn.execute("DELETE FROM day_plan")
    in_turn = _run(three_dated_decks, "due", "--json", jobs="1")
    with open_store(Workspace(three_dated_decks)) as store:
        assert store.conn.execute("SELECT deck, plan FROM day_plan ORDER BY deck").fetchall() == kept
    assert len(kept) == 3
    assert json.loads(parallel.output) == json.loads(in_turn.output)


def _deck_size(store, slug: str) -> int:
    return len(store.card_states(slug))


def _refuse(store, slug: str) -> int:
    raise DeckNotFoundError(f"no deck named {slug!r}", path="/somewhere/decks", line=3)


def _die_in_a_worker(store, slug: str) -> int:
    if os.getpid() != PARENT:
        os._exit(9)  # a worker killed mid-job (out of memory, a signal)
    return len(store.card_states(slug))


def _collected_later(job, items, store, reopen):
    return map_decks_later(job, items, store, reopen).result()


# Both entry points: work done before returning, and work begun then collected.
ENTRY_POINTS = {"map_decks": map_decks, "map_decks_later": _collected_later}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("job", [_deck_size, _die_in_a_worker])
def test_jobs_give_every_deck_in_order_even_when_a_worker_dies(three_dated_decks: Path, job, entry: str) -> None:
    workspace = Workspace(three_dated_decks)
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        reopen = functools.partial(open_store, workspace, create=False)
        sizes = ENTRY_POINTS[entry](job, _slugs(three_dated_decks), store, reopen)
        assert sizes == [len(store.card_states(slug)) for slug in _slugs(three_dated_decks)]
        assert min(sizes) > 10


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("jobs", ["", "1"])
def test_a_jobs_error_reaches_the_caller_with_its_file_and_line(
    three_dated_decks: Path, monkeypatch: pytest.MonkeyPatch, jobs: str, entry: str
) -> None:
    workspace = Workspace(three_dated_decks)
    monkeypatch.setenv("STUDYPREP_JOBS", jobs)  # a pool, else (map_decks_later) a thread
    with open_store(workspace) as store, pytest.raises(DeckNotFoundError) as raised:
        ENTRY_POINTS[entry](_refuse, _slugs(three_dated_decks), store, functools.partial(open_store, workspace))
    assert str(raised.value).startswith("/somewhere/decks:3: no deck named")
    assert raised.value.exit_code == 2


def test_errors_pickle_with_their_file_and_line() -> None:
    error = pickle.loads(pickle.dumps(StudyprepError("bad key", path="plan.yaml", line=4)))  # noqa: S301 - our own bytes
    assert (error.message, error.path, error.line, str(error)) == ("bad key", "plan.yaml", 4, "plan.yaml:4: bad key")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_inside_a_transaction_jobs_run_in_turn_on_the_callers_store(three_dated_decks: Path, entry: str) -> None:
    workspace = Workspace(three_dated_decks)
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
    with open_store(workspace) as store, store.transaction():
        # A worker would not see this uncommitted change; in turn, the job does.
        store.conn.execute("UPDATE cards SET active = 0 WHERE deck = ?", (_slugs(three_dated_decks)[0],))
        results = ENTRY_POINTS[entry](
            _pid_and_thread, _slugs(three_dated_decks), store, functools.partial(open_store, workspace)
        )
        assert {(pid, thread) for pid, thread, _ in results} == {(PARENT, "MainThread")}
        assert results[0][2] == 0 and min(size for _, _, size in results[1:]) > 10
        store.conn.execute("ROLLBACK")
        store.conn.execute("BEGIN")


def _pid_and_thread(store, slug: str) -> tuple[int, str, int]:
    import threading

    return os.getpid(), threading.current_thread().name, len(store.card_states(slug))


def _pid(store, slug: str) -> int:
    return os.getpid()


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: everything runs in turn")
def test_with_several_cores_the_jobs_run_in_workers_unless_told_otherwise(
    three_dated_decks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(three_dated_decks)
    with open_store(workspace) as store:
        reopen = functools.partial(open_store, workspace, create=False)
        assert PARENT not in map_decks(_pid, _slugs(three_dated_decks), store, reopen)
        monkeypatch.setenv("STUDYPREP_JOBS", "1")
        assert set(map_decks(_pid, _slugs(three_dated_decks), store, reopen)) == {PARENT}


def test_output_written_before_the_pool_starts_is_not_printed_again_by_the_workers(three_dated_decks: Path) -> None:
    import subprocess
    import sys

    # Workers are forks: whatever sat in the parent's stdout buffer must not be flushed again by each of them.
    code = (
        "import functools, pathlib, sys\n"
        "from test_parallel import _pid\n"
        "from studyprep.schedule.parallel import map_decks\n"
        "from studyprep.store.db import open_store\n"
        "from studyprep.store.workspace import Workspace\n"
        "workspace = Workspace(pathlib.Path(sys.argv[1]))\n"
        "sys.stdout.write('before the pool ')\n"
        "with open_store(workspace) as store:\n"
        "    pids = map_decks(_pid, ['a', 'b', 'c'], store, functools.partial(open_store, workspace))\n"
        "sys.stderr.write(str(len(set(pids))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    done = subprocess.run([sys.executable, "-c", code, str(three_dated_decks)], capture_output=True, text=True,
                          env=env, check=True)  # fmt: skip
    assert done.stdout == "before the pool "


@pytest.mark.parametrize("jobs", ["", "1"])
def test_work_begun_now_and_collected_later_gives_what_map_decks_gives(
    three_dated_decks: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    workspace = Workspace(three_dated_decks)
    monkeypatch.setenv("STUDYPREP_JOBS", jobs)
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        reopen = functools.partial(open_store, workspace, create=False)
        later = map_decks_later(_pid_and_thread, _slugs(three_dated_decks), store, reopen)
        results = later.result()
        assert later.done() and later.result() is results
        assert [size for _, _, size in results] == map_decks(_deck_size, _slugs(three_dated_decks), store, reopen)
    pids = {pid for pid, _, _ in results}
    threads = {thread for _, thread, _ in results}
    if jobs == "1" or len(os.sched_getaffinity(0)) < 2:
        assert pids == {PARENT} and threads == {"studyprep-later"}  # one thread, the caller free meanwhile
    else:
        assert PARENT not in pids


def _sleep_in_a_worker(store, slug: str) -> int:
    import time

    Path(os.environ["PIDS_FOLDER"], str(os.getpid())).touch()
    time.sleep(120)
    return 0


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited, waiting only to be reaped by whoever adopted it


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2 or not Path("/proc/self/stat").exists(),
                    reason="needs two cores and /proc")  # fmt: skip
def test_workers_leave_when_their_parent_is_killed_outright(three_dated_decks: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    # SIGKILL tells a pool nothing: without a watch, its workers would wait for jobs forever, holding the
    # parent's pipes (a caller reading its output would hang) and the review lock.
    pids = tmp_path / "pids"
    pids.mkdir()
    code = (
        "import functools, pathlib, sys\n"
        "from test_parallel import _sleep_in_a_worker\n"
        "from studyprep.schedule.parallel import map_decks_later\n"
        "from studyprep.store.db import open_store\n"
        "from studyprep.store.workspace import Workspace\n"
        "workspace = Workspace(pathlib.Path(sys.argv[1]))\n"
        "store = open_store(workspace)\n"
        "reopen = functools.partial(open_store, workspace)\n"
        "map_decks_later(_sleep_in_a_worker, ['a', 'b', 'c'], store, reopen).result()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent), "PIDS_FOLDER": str(pids), "STUDYPREP_JOBS": "2"}
    parent = subprocess.Popen([sys.executable, "-c", code, str(three_dated_decks)], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(path.name) for path in pids.iterdir()]
    assert len(workers) == 2 and all(_running(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers)
    assert parent.stderr.read() == b""  # the pipe closes: no process is left holding it
    parent.stderr.close()


@pytest.mark.parametrize("jobs", ["abc", "0", "-1", "1.5", "٣"])
def test_a_jobs_setting_that_is_not_a_count_is_refused_in_one_line(three_dated_decks: Path, jobs: str) -> None:
    result = _run(three_dated_decks, "readiness", jobs=jobs)
    assert result.exit_code != 0
    assert "STUDYPREP_JOBS must be a whole number of 1 or more" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
