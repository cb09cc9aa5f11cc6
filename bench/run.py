"""Run every benchmark and print its figures beside a reference measured in the same run.

Usage: .venv/bin/python -m bench.run [name ...]
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "bench.importing",
    "bench.lazy_imports",
    "bench.deadline",
    "bench.budget",
    "bench.optimize",
    "bench.export",
    "bench.realistic",
    "bench.projection",
    "bench.json_output",
    "bench.review",
    "bench.scale",
    "bench.anki_pull",
]


def main(selected: list[str]) -> None:
    """Run the named benchmarks (all by default) and print `name: figure` lines."""
    print(f"bytecode: {_compile_package()}", flush=True)
    for module_name in BENCHMARKS:
        short = module_name.rsplit(".", 1)[-1]
        if selected and short not in selected:
            continue
        print(f"== {short}", flush=True)
        for name, figure in importlib.import_module(module_name).run():
            print(f"{name}: {figure}", flush=True)


def _compile_package() -> str:
    """Write studyprep's bytecode, as installing any package does (pip compiles every wheel it installs).

    An editable install writes it on first import, unless PYTHONDONTWRITEBYTECODE is set (as on some CI and
    sandbox machines): then every measured process would compile the whole package again, a cost no installed
    copy pays. Said on the first line of the figures.
    """
    import compileall
    import os
    from pathlib import Path

    import studyprep

    compileall.compile_dir(Path(studyprep.__file__).parent, quiet=1)
    flag = " (PYTHONDONTWRITEBYTECODE is set here)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return f"studyprep compiled before measuring, as an installed copy is{flag}"


if __name__ == "__main__":
    main(sys.argv[1:])
