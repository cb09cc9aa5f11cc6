"""Compiled regular expressions kept between runs, as Python keeps bytecode, so a command starts without
recompiling them.

`re` parses and compiles a pattern in pure Python: the parser's vocabulary patterns, PyYAML's and markdown-it's
cost a short command (importing the bundled example) about 70 ms of CPU, a quarter of the whole process. The
compiled form is plain data (a list of integers) that `_sre.compile` turns back into the same Pattern in
microseconds. `preload` puts the patterns kept in a file beside this module's bytecode into `re`'s own cache
before the command's modules load, so their `re.compile` calls find them there; `keep_new` adds the module-level
patterns compiled since (constants of loaded modules: never a pattern built from a user's text) to the file.

Nothing else changes: a pattern is served only for the same text and flags, each entry is checked before it is
kept (rebuilt from its data, it must equal the Pattern `re` compiled), and anything unexpected (another Python,
a changed `re`, a missing, unreadable or unwritable file) leaves `re` compiling as usual. Like bytecode, the file
is not written under PYTHONDONTWRITEBYTECODE, and it follows PYTHONPYCACHEPREFIX.
"""

from __future__ import annotations

__all__ = ["cache_path", "keep_new", "preload"]

import _sre  # type: ignore[import-not-found]  # re's C engine: no stub, always built in
import contextlib
import importlib.util
import marshal
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

# One entry: the flags `re.compile` was given, and `_sre.compile`'s arguments (pattern, flags, code, groups,
# groupindex, indexgroup).
_Entry = tuple[int, tuple[Any, ...]]
_MAX_ENTRIES = 400  # below `re`'s own cache size (512), so the patterns served never push each other out
_WORTH_A_WALK = 1000  # characters of new pattern text (about 2 ms to compile)
_HEADER = (sys.version, _sre.MAGIC, _sre.CODESIZE)

_Key = tuple[type, Any, int]  # `re`'s cache key: the pattern's type, its text, the flags it was compiled with


class _State:
    """What `preload` found: `keep_new` adds to it, and does nothing unless `preload` ran and `re` took its
    patterns (else `--help`, which loads none, would look for new ones every time)."""

    preloaded = False
    refused = False  # `re` did not serve a preloaded pattern: then nothing is kept either
    kept: dict[_Key, _Entry] = {}  # noqa: RUF012 - one per process, filled by `preload`
    # Module-level patterns that could not be rebuilt (a `re` that builds them otherwise): not looked for again.
    unkept: set[_Key] = set()  # noqa: RUF012


def cache_path() -> Path | None:
    """The file beside this module's bytecode (None where Python keeps no bytecode)."""
    try:
        return Path(importlib.util.cache_from_source(__file__)).with_suffix(".patterns")
    except (NotImplementedError, ValueError):
        return None


def preload() -> None:
    """Put the kept patterns in `re`'s cache, unless the file is missing or from another Python or `re`; once."""
    path = cache_path()
    cache = getattr(re, "_cache", None)
    if _State.preloaded or path is None or not isinstance(cache, dict):
        return
    _State.preloaded = True
    with contextlib.suppress(Exception):  # a missing, damaged or foreign file: compile as usual
        header, entries, unkept = marshal.loads(path.read_bytes())  # noqa: S302 - written by `keep_new`, like bytecode
        if header != _HEADER:
            return
        _State.unkept = {(type(text), text, flags) for text, flags in unkept}
        for flags, arguments in entries:
            key = (type(arguments[0]), arguments[0], flags)
            _State.kept[key] = (flags, arguments)
            cache.setdefault(key, _sre.compile(*arguments))  # `re`'s own last step: it checks the code given
        _State.refused = bool(_State.kept) and not _served_by_re(cache)


def _served_by_re(cache: dict[Any, Any]) -> bool:
    """Whether `re.compile` returns a preloaded pattern (a `re` whose cache works otherwise would compile anew)."""
    (_, text, flags) = key = next(iter(_State.kept))
    return re.compile(text, flags) is cache.get(key)


def keep_new() -> None:
    """Add the module-level patterns compiled since `preload` to the file (quietly keeping the old one if the
    file cannot be written)."""
    path = cache_path()
    cache = getattr(re, "_cache", None)
    if not _State.preloaded or _State.refused or path is None or sys.dont_write_bytecode:
        return
    if not isinstance(cache, dict):
        return
    new = {key: pattern for key, pattern in cache.items() if key not in _State.kept and key not in _State.unkept}
    # Finding which new patterns are constants takes a walk through every loaded module (milliseconds): worth it
    # when they are long enough to take about as long to compile, not for the odd pattern a library builds anew
    # in each process (markdown-it's terminator characters, from a set) or a short one built from a user's text;
    # and only where the file can be written (a read-only install would pay for the walk on every run).
    if sum(len(text) for _, text, _ in new) >= _WORTH_A_WALK and _writable(path):
        with contextlib.suppress(Exception):  # the command's work is done: nothing here may fail it
            _write(path, new)


def _writable(path: Path) -> bool:
    """Whether the file could be written: its folder, or the nearest one that exists, takes new files."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def _write(path: Path, new: dict[_Key, re.Pattern[Any]]) -> None:
    constants = _module_level_patterns()
    found = {key: _entry(key, pattern) for key, pattern in new.items() if id(pattern) in constants}
    if not found:
        return
    # The new first: past the limit, the oldest entries are left out.
    kept = {**{key: entry for key, entry in found.items() if entry is not None}, **_State.kept}
    unkept = _State.unkept | {key for key, entry in found.items() if entry is None}
    content = (_HEADER, list(kept.values())[:_MAX_ENTRIES], [(text, flags) for _, text, flags in unkept])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(marshal.dumps(content))
        temporary.replace(path)  # whole or not at all: another process may be reading it
    finally:
        temporary.unlink(missing_ok=True)


def _module_level_patterns() -> set[int]:
    """The ids of the Patterns that loaded modules hold as constants: in their globals, their classes' attributes
    (PyYAML keeps some there), and the small lists, tuples, sets and dicts these hold, three levels down (PyYAML's
    resolvers: a class's dict of lists of tuples).

    Types are compared exactly, never through `isinstance` or a container's own methods: a lazy proxy or a
    tuple subclass can run code when asked (`platform.uname()`'s result starts a process when measured)."""
    found: set[int] = set()
    for module in list(sys.modules.values()):
        if not issubclass(type(module), ModuleType) or module is re:
            continue  # `re`'s own cache holds every pattern compiled, constant or not
        for key, value in list(module.__dict__.items()):
            if type(key) is str and key.startswith("__"):
                continue  # __builtins__, __spec__ and the like hold no pattern
            if type(value) is type and value.__module__ == module.__name__:
                for item in list(value.__dict__.values()):
                    _collect(item, found, depth=3)
            else:
                _collect(value, found, depth=3)
    return found


_CONTAINERS = (list, tuple, set, frozenset)
_LARGEST_CONTAINER = 256  # tables of data (html entities, opcodes) are not where patterns are kept


def _collect(value: object, found: set[int], depth: int) -> None:
    kind = type(value)
    if kind is re.Pattern:
        found.add(id(value))
    elif not depth:
        return
    elif kind is dict and len(value) <= _LARGEST_CONTAINER:  # type: ignore[arg-type]
        for item in list(value.values()):  # type: ignore[attr-defined]
            _collect(item, found, depth - 1)
    elif kind in _CONTAINERS and len(value) <= _LARGEST_CONTAINER:  # type: ignore[arg-type]
        for item in list(value):  # type: ignore[call-overload]
            _collect(item, found, depth - 1)


def _entry(key: _Key, pattern: re.Pattern[Any]) -> _Entry | None:
    """`_sre.compile`'s arguments for the pattern `re` keeps under `key`, as `re._compiler.compile` builds them;
    None unless they build a Pattern equal to it (same flags, text and code)."""
    kind, text, flags = key
    if kind not in (str, bytes) or not isinstance(flags, int):
        return None
    try:
        parsed = re._parser.parse(text, flags)  # type: ignore[attr-defined]
        code = [int(op) for op in re._compiler._code(parsed, flags)]  # type: ignore[attr-defined] # named ints
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        arguments = (text, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        rebuilt = _sre.compile(*arguments)
    except Exception:  # a `re` whose internals differ: this pattern is compiled as usual
        return None
    return (flags, arguments) if rebuilt == pattern else None
