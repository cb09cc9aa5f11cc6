"""Compiled patterns kept beside the bytecode: the next run is served the same Patterns, the output does not
change, a damaged or foreign file is ignored, nothing is written without bytecode, and no pattern built from a
user's text is ever kept. Every run is a real process with its own bytecode folder (PYTHONPYCACHEPREFIX)."""

from __future__ import annotations

import _sre
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

from studyprep.parse import vocabulary
from tests.helpers import EXAMPLE

NOW = "2026-03-01T09:00:00Z"


def _env(prefix: Path, write_bytecode: bool = True) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(prefix), STUDYPREP_NOW=NOW)
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studyprep", *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def _import(prefix: Path, home: Path, write_bytecode: bool = True) -> tuple[str, bytes]:
    done = _run(_env(prefix, write_bytecode), "--home", str(home), "import", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    (deck,) = (home / "decks").glob("*.yaml")
    return done.stdout.replace(str(home), "HOME"), deck.read_bytes()


def _kept_file(prefix: Path) -> list[Path]:
    return sorted(prefix.rglob("regexcache.*.patterns"))


def _entries(path: Path) -> list[tuple[int, tuple]]:
    return marshal.loads(path.read_bytes())[1]  # noqa: S302 - the file the test's own runs wrote


def test_the_next_run_is_served_the_same_patterns(tmp_path: Path) -> None:
    first = _import(tmp_path / "pyc", tmp_path / "one")
    (kept,) = _kept_file(tmp_path / "pyc")
    entries = _entries(kept)
    texts = {arguments[0] for _, arguments in entries}
    assert vocabulary._ANSWER_PART.pattern in texts  # the parser's largest pattern
    for flags, arguments in entries:  # each rebuilt Pattern is the one `re` compiles
        assert _sre.compile(*arguments) == re.compile(arguments[0], flags)
    written = kept.stat().st_mtime_ns
    assert _import(tmp_path / "pyc", tmp_path / "two") == first  # same output, same deck bytes
    assert kept.stat().st_mtime_ns == written  # nothing new to keep: not rewritten


def test_preloaded_patterns_are_in_re_before_the_parser_loads(tmp_path: Path) -> None:
    _import(tmp_path / "pyc", tmp_path / "home")
    probe = (
        "import re, sys\n"
        "from studyprep.store import regexcache\n"
        "regexcache.preload()\n"
        "assert 'studyprep.parse' not in sys.modules\n"
        "served = next(pattern for (_, text, _), pattern in re._cache.items() if text == sys.argv[1])\n"
        "from studyprep.parse import vocabulary\n"
        "print(vocabulary._ANSWER_PART is served)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, vocabulary._ANSWER_PART.pattern],
        env=_env(tmp_path / "pyc"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "True"


def test_a_damaged_or_foreign_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    expected = _import(tmp_path / "clean", tmp_path / "clean-home")
    (clean,) = _kept_file(tmp_path / "clean")
    damaged = tmp_path / "pyc" / clean.relative_to(tmp_path / "clean")
    damaged.parent.mkdir(parents=True)
    foreign = marshal.dumps((("another Python", 0, 4), [(0, ("x", 32, [0, 1, 2], 0, {}, (None,)))]))
    for content in (b"\x00not marshal", clean.read_bytes()[:1000], foreign):
        damaged.write_bytes(content)
        assert _import(tmp_path / "pyc", tmp_path / f"home-{len(content)}") == expected
        assert _entries(damaged)  # written anew, readable
        assert damaged.read_bytes() != foreign


def test_nothing_is_written_without_bytecode(tmp_path: Path) -> None:
    _import(tmp_path / "pyc", tmp_path / "home", write_bytecode=False)
    assert _kept_file(tmp_path / "pyc") == []


def test_a_pattern_built_from_a_users_text_is_never_kept(tmp_path: Path) -> None:
    # A pattern compiled at run time (a search, a name found in a card) is not a module's constant: however long,
    # it stays out of the file, while the module-level patterns loaded beside it are kept.
    probe = (
        "import re\n"
        "from studyprep.store import regexcache\n"
        "regexcache.preload()\n"
        "from studyprep.parse import vocabulary\n"
        "re.compile('(?:private-card-text)' * 200)\n"
        "regexcache.keep_new()\n"
    )
    subprocess.run([sys.executable, "-c", probe], env=_env(tmp_path / "pyc"), check=True, timeout=60)
    (kept,) = _kept_file(tmp_path / "pyc")
    assert b"private-card-text" not in kept.read_bytes()
    assert vocabulary._ANSWER_PART.pattern in {arguments[0] for _, arguments in _entries(kept)}
