"""Which function-local imports start-up needs, measured: every other import belongs at the top of its module.

Each command of a small scenario (the bundled example: import, due, decks, show, review, plan, readiness, brief,
stats, cards, export, anki-pull, check, answers, mock, restore, flag, suspend, card, add, forget) runs twice in a
process of its own, and the modules loaded by its second (steady) run are recorded. A local import of module T
in module M is needed lazy when some command that loads M does not load everything `import T` loads: hoisting it
would make that command start slower. The figures: how many local imports there are, how many start-up needs,
how many are lazy on purpose (platform modules, genanki, markdown-it, optional extras), and how many could move
to the top (the goal is none). `cli.py`'s command bodies are lazy by design and not counted.

Usage: .venv/bin/python -m bench.run lazy_imports
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "studyprep"
ON_PURPOSE = ("termios", "tty", "fcntl", "msvcrt", "select", "signal", "genanki", "markdown_it", "zstandard",
              "fsrs_rs_python", "anki", "platformdirs")  # fmt: skip
_RECORD = """
import atexit, json, os, runpy, sys
atexit.register(lambda: open(os.environ["LOADED_OUT"], "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["studyprep", *sys.argv[1:]]
runpy.run_module("studyprep", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class LocalImport:
    """One function-local import and what keeps it there."""

    where: str
    target: str
    reason: str  # "on purpose", "cycle: ...", "start-up: <command> would load <module>", or "" (could move up)


def run() -> list[tuple[str, str]]:
    """Measure and return (name, figure) pairs."""
    with tempfile.TemporaryDirectory() as folder:
        loaded = _scenario(Path(folder))
    found = [_judge(path, node, target, loaded) for path, node, target in _local_imports()]
    movable = [entry for entry in found if not entry.reason]
    figures = [
        ("local imports outside cli.py", str(len(found))),
        ("needed by start-up", str(sum(entry.reason.startswith("start-up") for entry in found))),
        ("lazy on purpose", str(sum(entry.reason == "on purpose" for entry in found))),
        ("lazy against an import cycle", str(sum(entry.reason.startswith("cycle") for entry in found))),
        ("could move to the top", f"{len(movable)} (goal 0)" + ("" if not movable else " MISSES")),
    ]
    figures += [(f"  movable {entry.where}", entry.target) for entry in movable]
    return figures


def _scenario(folder: Path) -> dict[str, set[str]]:
    home, example = folder / "home", REPO / "examples" / "doit-senior-backend-golang.md"
    steps: list[tuple[str, list[str], str]] = [
        ("help", ["--help"], ""),
        ("import", ["import", str(example)], ""),
        ("import-dry", ["import", str(example), "--dry-run"], ""),
        ("decks", ["decks"], ""),
        ("due", ["due"], ""),
        ("show", ["show"], ""),
        ("review", ["review"], "\n3\n\n3\nq\n"),
        ("plan", ["plan", "--interview", "+14"], ""),
        ("due-dated", ["due"], ""),
        ("decks-dated", ["decks"], ""),
        ("review-dated", ["review"], "\n3\nq\n"),
        ("readiness", ["readiness"], ""),
        ("brief", ["brief"], ""),
        ("stats", ["stats"], ""),
        ("cards", ["cards", "--search", "go"], ""),
        ("export", ["export", "--all", "-o", str(folder / "x.apkg")], ""),
        ("anki-pull", ["anki-pull", str(folder / "x.apkg")], ""),
        ("check", ["check"], ""),
        ("answers", ["answers", "--export", str(folder / "a.md")], ""),
        ("mock", ["mock", "--questions", "1"], "\n3\n"),
        ("restore", ["restore", "--list"], ""),
    ]
    loaded = {name: _steady(home, folder, args, stdin) for name, args, stdin in steps}
    first = json.loads(_studyprep(home, ["cards", "--json"]).stdout)[0]["id"]
    by_id = {"flag": ["flag", first], "suspend": ["suspend", first], "card": ["card", first],
             "add": ["add", "doit", "What is a goroutine leak?"], "forget": ["forget", first]}  # fmt: skip
    for name, args in by_id.items():
        loaded[name] = _steady(home, folder, args, "")
    return loaded


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "STUDYPREP_NOW": "2026-01-05T09:00:00Z", "TZ": "UTC", "EDITOR": "true",
            "STUDYPREP_CLOCK_STEP": "1", **(extra or {})}  # fmt: skip


def _studyprep(home: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "studyprep", "--home", str(home), *args]
    return subprocess.run(command, capture_output=True, text=True, env=_environment(), cwd=REPO, check=False)


def _steady(home: Path, folder: Path, args: list[str], stdin: str) -> set[str]:
    """The modules a command loads on both of two runs (the second is its steady state)."""
    runs = []
    for _ in range(2):
        out = folder / "loaded.json"
        out.write_text("[]", encoding="utf-8")
        command = [sys.executable, "-c", _RECORD, "--home", str(home), *args]
        recording = _environment({"LOADED_OUT": str(out)})
        subprocess.run(command, input=stdin, text=True, env=recording, capture_output=True, cwd=REPO, check=False)
        runs.append(set(json.loads(out.read_text(encoding="utf-8"))))
    return runs[0] & runs[1]


def _local_imports() -> list[tuple[Path, ast.stmt, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "__main__.py"):
            continue
        seen: set[int] = set()  # a nested function's imports are inside its outer function too: count them once
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if id(node) in seen:
                        continue
                    seen.add(id(node))
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                        found.append((path, node, node.module))
                    elif isinstance(node, ast.Import):
                        found.append((path, node, node.names[0].name))
    return found


_closures: dict[str, set[str]] = {}


def _closure(target: str) -> set[str]:
    """Every module `import target` loads in a fresh interpreter."""
    if target not in _closures:
        code = f"import json, sys; import {target}; print(json.dumps(sorted(sys.modules)))"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)
        _closures[target] = set(json.loads(done.stdout)) if done.returncode == 0 else set()
    return _closures[target]


def _judge(path: Path, node: ast.stmt, target: str, loaded: dict[str, set[str]]) -> LocalImport:
    where = f"{path.relative_to(REPO)}:{node.lineno}"
    if target.split(".", maxsplit=1)[0] in ON_PURPOSE:
        return LocalImport(where, target, "on purpose")
    module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
    if module in _closure(target):
        return LocalImport(where, target, f"cycle: {target} imports {module} back")
    for command, modules in loaded.items():
        if module in modules and not _closure(target) <= modules:
            extra = sorted(_closure(target) - modules)
            return LocalImport(where, target, f"start-up: {command} would load {', '.join(extra[:3])}")
    return LocalImport(where, target, "")
