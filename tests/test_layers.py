"""The package's folders are its architecture: every import runs down the flow, none back up or sideways.

document -> parse -> cards -> store -> schedule -> anki -> commands -> render -> cli, over a base of small
modules everything may use. Lazy (function-local) imports count too: a cycle deferred to call time is still a
cycle. `TYPE_CHECKING` imports count as well (a type is a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "studyprep"

# Each layer may import itself and the layers listed for it (and the base), nothing else.
BASE = {"clock", "errors", "progress", "result", "safetext", "wording"}
ALLOWED: dict[str, set[str]] = {
    "cards": set(),
    "parse": {"cards"},
    "store": {"cards"},
    "schedule": {"cards", "store"},
    "anki": {"cards", "store"},
    "commands": {"cards", "parse", "store", "schedule", "anki"},
    "render": {"cards", "store", "schedule", "anki", "commands"},
    "cli": {"cards", "parse", "store", "schedule", "anki", "commands", "render"},
    "__main__": {"cli"},
}


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported_layers(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "studyprep" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def test_every_import_runs_down_the_flow() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer(path)
        if layer == "__init__":
            continue
        allowed = {layer} | BASE | ALLOWED.get(layer, set())
        if layer in BASE:  # the base imports only the base
            allowed = set(BASE)
        wrong += [f"{path.relative_to(PACKAGE)}:{line} imports studyprep.{target}"
                  for target, line in sorted(_imported_layers(path)) if target not in allowed]  # fmt: skip
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_every_folder_and_top_level_module_has_a_layer() -> None:
    # A new folder must say where it stands in the flow, or the test above would wave its imports through.
    layers = {_layer(path) for path in PACKAGE.rglob("*.py")} - {"__init__"}
    assert layers <= set(ALLOWED) | BASE, f"no layer declared for: {sorted(layers - set(ALLOWED) - BASE)}"


def test_commands_never_import_each_other() -> None:
    wrong = []
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("studyprep.commands"):
                wrong.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert not wrong, "\n".join(wrong)
