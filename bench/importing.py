"""Import speed: the DoiT sample end to end, a 3 MB / 30,000-question document, and `--help` start-up."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from bench.common import median_wall_ms

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "doit-senior-backend-golang.md"
STUDYPREP = [sys.executable, "-m", "studyprep"]


def big_document(questions: int = 30_000) -> str:
    """A prep document of about 3 MB: 300 categories of questions with hints, plus concepts."""
    lines = ["# Interview Prep: Bench Corp – Staff Engineer", "", "## Predicted Interview Questions", ""]
    per_category = 100
    for category in range(questions // per_category):
        lines.append(f"- Category {category}: systems and scale")
        for n in range(per_category):
            lines.append(f"  - How would you design service {category}-{n} for ten times the load?")
            lines.append(f"    - Hint: sharding, caching for {category}-{n}")
    lines += ["", "## Concepts to Review", ""]
    lines += [f"- Area {n}: consensus {n}, replication {n}, (quorum {n}, leases)" for n in range(300)]
    return "\n".join(lines) + "\n"


def run() -> list[tuple[str, str]]:
    """Measure and return (name, figure) pairs."""
    figures = []
    env = {**os.environ, "STUDYPREP_NOW": "2026-01-01T09:00:00Z"}
    baseline = median_wall_ms([sys.executable, "-c", "pass"])
    help_ms = median_wall_ms([*STUDYPREP, "--help"])
    figures.append(
        ("studyprep --help", f"{help_ms:.0f} ms vs python -c pass {baseline:.0f} ms: +{help_ms - baseline:.0f} ms")
    )
    with tempfile.TemporaryDirectory() as home:
        import_ms = median_wall_ms([*STUDYPREP, "--home", home, "import", str(EXAMPLE)], env=env)
        figures.append(
            (
                "import DoiT sample (whole process)",
                f"{import_ms:.0f} ms vs python -c pass {baseline:.0f} ms (x{import_ms / baseline:.1f}); "
                "target < 250 ms",
            )
        )
    figures.extend(_big_document_figures(env))
    return figures


def _big_document_figures(env: dict[str, str]) -> list[tuple[str, str]]:
    text = big_document()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "big.md"
        source.write_text(text, encoding="utf-8")
        parse_code = f"from markdown_it import MarkdownIt; MarkdownIt('commonmark').parse(open({str(source)!r}).read())"
        parse_only = median_wall_ms([sys.executable, "-c", parse_code], runs=3)
        first = median_wall_ms([*STUDYPREP, "--home", folder, "import", str(source), "--deck", "big"], runs=1, env=env)
        again = median_wall_ms([*STUDYPREP, "--home", folder, "import", str(source), "--deck", "big"], runs=3, env=env)
    size = len(text.encode()) / 1e6
    return [
        (
            f"import {size:.1f} MB / 30,000 questions (new deck)",
            f"{first:.0f} ms vs markdown-it-py parse alone {parse_only:.0f} ms (x{first / parse_only:.1f}); "
            "target < 4000 ms",
        ),
        (
            "re-import the same 30,000 questions (merge, no change)",
            f"{again:.0f} ms vs markdown-it-py parse alone {parse_only:.0f} ms (x{again / parse_only:.1f})",
        ),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name}: {figure}")
