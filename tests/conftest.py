"""Test-session set-up shared by every test module."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# pytest-xdist's workers inherit COLUMNS=80 and LINES=24 from execnet. Subprocesses started in a pty (the review
# screen, the mock) would take them over the pty's real size, and wrapped output would differ from a serial run.
for _variable in ("COLUMNS", "LINES"):
    os.environ.pop(_variable, None)

# Several hundred tests start `python -m studyprep` in a pipe or a pty. Where the environment forbids writing
# bytecode beside the sources (PYTHONDONTWRITEBYTECODE), each of them compiled the package again, about a third
# of its start-up. Those subprocesses share one bytecode folder instead, outside the tree, made by the first
# process of the run (the xdist controller, whose workers inherit its name) and removed by it at the end. The
# pytest processes themselves keep the installed bytecode of the libraries (a cache folder would compile them
# again in each worker).
SHARED_BYTECODE = "STUDYPREP_TEST_BYTECODE"
_BYTECODE_MADE_HERE = pytest.StashKey[str]()


def _is_xdist_controller(config: pytest.Config) -> bool:
    return (
        not hasattr(config, "workerinput")
        and config.getoption("dist", "no") != "no"
        and bool(config.getoption("tx", None))
    )


def pytest_configure(config: pytest.Config) -> None:
    """Give the subprocesses of this run one shared bytecode folder when none may be written in the tree."""
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
        if SHARED_BYTECODE not in os.environ:
            folder = config.stash[_BYTECODE_MADE_HERE] = tempfile.mkdtemp(prefix="studyprep-test-bytecode-")
            os.environ[SHARED_BYTECODE] = folder
        if not _is_xdist_controller(config):  # its workers inherit the environment: not the folder, only its name
            os.environ["PYTHONPYCACHEPREFIX"] = os.environ[SHARED_BYTECODE]
            del os.environ["PYTHONDONTWRITEBYTECODE"]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the run's bytecode folder, in the process that made it."""
    if _BYTECODE_MADE_HERE in config.stash:
        shutil.rmtree(config.stash[_BYTECODE_MADE_HERE], ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long runs (`slow`) first: with the tests spread over several workers, a long test started last would
    leave the other workers idle at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the CPUs. Many tests spend their time waiting on a subprocess or a pty,
    and the extra worker fills that wait (measured on 2 cores: 164 s with 2 workers, 143 s with 3, 167 s with 4)."""
    return (os.cpu_count() or 1) + 1
