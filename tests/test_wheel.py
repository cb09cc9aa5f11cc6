"""The package installs the way Python tools install (issue 19): a wheel built from the source tree, installed
into a fresh venv, and installed by `pipx install`, gives a working `studyprep` command: --version, import of the
example, a piped review, and an export.

To stay within seconds (and offline), the wheel is built once per run (both tests install it) by `python -m
build` with the test venv's setuptools (no build isolation), and the fresh venv (not pipx's, which installs the
dependencies as users get them) borrows the test venv's dependencies through a path file (so nothing is
downloaded). The path file only puts that folder on `sys.path`: its own path files, among them the editable
install's finder, are not read, so `studyprep` comes from the
wheel alone; the test checks that it does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock

from tests.helpers import EXAMPLE, REPO

pytestmark = pytest.mark.slow

SLUG = "doit-senior-backend-engineer-golang"


def run(*command: str | Path, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=env, check=False, timeout=300)  # fmt: skip
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(tmp_path: Path) -> Path:
    """A wheel of a copy of the source tree (the build leaves `build/` and egg-info where it runs)."""
    source = tmp_path / "source"
    shutil.copytree(REPO / "studyprep", source / "studyprep", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", wheels, source, cwd=tmp_path)
    (wheel,) = wheels.glob("studyprep-*.whl")
    return wheel


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """One wheel for both install tests of the run, built by whichever xdist worker needs it first.

    The workers of one run share the parent of their temporary folders (pytest-xdist's documented way to do
    something once per run); a run without workers builds in its own temporary folder.
    """
    if worker_id == "master":
        return build_wheel(tmp_path_factory.mktemp("wheel"))
    shared = tmp_path_factory.getbasetemp().parent / "studyprep-wheel"
    shared.mkdir(exist_ok=True)
    with FileLock(shared / "build.lock"):
        built = sorted((shared / "wheels").glob("studyprep-*.whl"))
        return built[0] if built else build_wheel(shared)


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new venv with the wheel installed (by the test venv's pip) and the dependencies borrowed; its bin folder."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel,
        cwd=tmp_path)  # fmt: skip
    return python.parent


def test_a_built_wheel_installs_into_a_fresh_venv_and_runs(tmp_path: Path, wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(name for name in names if name.endswith(".dist-info/METADATA"))).decode()
        entry_points = archive.read(next(name for name in names if name.endswith("entry_points.txt"))).decode()
    assert "studyprep/py.typed" in names and not any(name.startswith(("tests/", "bench/")) for name in names)
    for needed in ("Requires-Dist: click", "Requires-Dist: fsrs", "Requires-Dist: rich", "License-Expression: MIT",
                   "Operating System :: Microsoft :: Windows", "Requires-Python: >=3.11"):  # fmt: skip
        assert needed in metadata
    assert "studyprep = studyprep.cli:main" in entry_points
    assert "License-File: LICENSE" in metadata and any(name.endswith("licenses/LICENSE") for name in names)

    bin_dir = fresh_venv(tmp_path, wheel)
    work = tmp_path / "elsewhere"  # not the source tree: nothing importable from the working folder
    work.mkdir()
    env = smoke_env(work)
    where = run(bin_dir / "python", "-c", "import studyprep; print(studyprep.__file__)", cwd=work, env=env)
    assert Path(where.strip()).is_relative_to(bin_dir.parent), where  # the wheel's copy, not the source tree's
    smoke_run(bin_dir / command_name("studyprep"), work, env)


def test_pipx_installs_the_wheel_and_puts_studyprep_on_its_bin_folder(tmp_path: Path, wheel: Path) -> None:
    """`pipx install` (the README's way) gives a working `studyprep` in pipx's bin folder, in pipx's own venv.

    pipx and its venvs live under tmp_path. Dependencies come through pip's configured index, as for any pipx
    install (the README's test command needs it to install the test extras too); pipx's automatic upgrade of its
    shared pip is off, so nothing newer than the bundled pip is fetched.
    """
    pipx = {"PIPX_HOME": tmp_path / "pipx", "PIPX_BIN_DIR": tmp_path / "bin", "PIPX_MAN_DIR": tmp_path / "man"}
    env = {**os.environ, **{name: str(path) for name, path in pipx.items()}}
    env["PIPX_DISABLE_SHARED_LIBS_AUTO_UPGRADE"] = "1"
    env.pop("PYTHONPATH", None)
    run(sys.executable, "-m", "pipx", "install", wheel, cwd=tmp_path, env=env)
    studyprep = pipx["PIPX_BIN_DIR"] / command_name("studyprep")
    assert studyprep.exists(), sorted(path.name for path in pipx["PIPX_BIN_DIR"].iterdir())
    listed = run(sys.executable, "-m", "pipx", "list", "--short", cwd=tmp_path, env=env)
    assert listed.split() == ["studyprep", "0.1.0"], listed
    work = tmp_path / "elsewhere"
    work.mkdir()
    smoke_run(studyprep, work, smoke_env(work))


def command_name(name: str) -> str:
    """A console script's file name on this system."""
    return f"{name}.exe" if os.name == "nt" else name


def smoke_env(work: Path) -> dict[str, str]:
    """The environment of a smoke run: a fixed clock, a workspace in `work`, no source tree on the path."""
    env = {**os.environ, "STUDYPREP_NOW": "2026-03-01T09:00:00Z", "STUDYPREP_HOME": str(work / "ws")}
    env.pop("PYTHONPATH", None)
    return env


def smoke_run(studyprep: Path, work: Path, env: dict[str, str]) -> None:
    """The first minutes of a user, through an installed command: version, import, a piped review, export."""
    assert run(studyprep, "--version", cwd=work, env=env).strip() == "studyprep, version 0.1.0"
    assert f"wrote {work / 'ws' / 'decks' / SLUG}.yaml" in run(studyprep, "import", EXAMPLE, cwd=work, env=env)
    reviewed = run(studyprep, "review", cwd=work, env=env, stdin="\n3\n\n4\nq\n")
    assert "Session over: 2 cards, 2 answers" in reviewed, reviewed
    exported = run(studyprep, "export", "-o", work / "prep.apkg", cwd=work, env=env)
    assert "(106 notes)" in exported and (work / "prep.apkg").stat().st_size > 0
