"""Run every benchmark and print its figures beside a reference measured in the same run.

Usage: .venv/bin/python -m bench.run [name ...]
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "bench.importing",
    "bench.deadline",
    "bench.export",
    "bench.review",
    "bench.scale",
]


def main(selected: list[str]) -> None:
    """Run the named benchmarks (all by default) and print `name: figure` lines."""
    for module_name in BENCHMARKS:
        short = module_name.rsplit(".", 1)[-1]
        if selected and short not in selected:
            continue
        print(f"== {short}", flush=True)
        for name, figure in importlib.import_module(module_name).run():
            print(f"{name}: {figure}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
