"""Import is linear in the document: twice the questions cost twice the work, in every shape a bank is written.

Work is counted, not timed: the Python function calls the whole import makes (cProfile's count is the same on
every run and machine). A quadratic spot, such as list membership that compares sections field by field,
makes the count grow four-fold when the document doubles.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import FIXED_NOW

from studyprep.commands.importing import import_document
from studyprep.store.workspace import Workspace

HEAD = ["# Acme – SRE Interview Prep", "", "## Interview Questions", ""]
SHAPES: dict[str, Callable[[int], list[str]]] = {
    "setext questions with answers": lambda i: [f"Why does step {i} matter?", "-" * 20, "", f"Reason {i}.", ""],
    "bare setext questions": lambda i: [f"Why {i}?", "---", ""],
    "ATX questions with answers": lambda i: [f"### Why does step {i} matter?", "", f"Because of {i}.", ""],
    "bullets with hints": lambda i: [f"- Why does step {i} matter?", f"  - hint {i}"],
    "bold lines with answers": lambda i: [f"**Why does step {i} matter?**", "", f"Because of {i}.", ""],
    "numbered": lambda i: [f"{i + 1}. Why does step {i} matter?"],
    "table rows": lambda i: (
        (["| # | Question | Notes |", "|---|---|---|"] if i == 0 else [])
        + [f"| {i} | Why does step {i} matter? | note {i} |"]
    ),
    "Q and A": lambda i: [f"Q: Why does step {i} matter?", f"A: Because of {i}.", ""],
    "categories": lambda i: ([f"### Category {i // 10}", ""] if i % 10 == 0 else []) + [f"- Why does {i} matter?"],
    "repeated prompts": lambda i: [f"- Why does step {i % 50} matter?"],
    "quotes": lambda i: [f"> Why {i}?", ""],
    "toggles": lambda i: [f"<details><summary>Why {i}?</summary>", "", f"Because {i}.", "</details>", ""],
}


def calls_to_import(tmp_path: Path, shape: Callable[[int], list[str]], count: int) -> int:
    lines = list(HEAD)
    for number in range(count):
        lines += shape(number)
    document = tmp_path / f"prep-{count}.md"
    document.write_text("\n".join(lines), encoding="utf-8")
    profile = cProfile.Profile()
    profile.enable()
    import_document(Workspace(tmp_path / f"ws-{count}"), document, FIXED_NOW, dry_run=True)
    profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SHAPES))
def test_twice_the_questions_cost_about_twice_the_work(tmp_path: Path, name: str) -> None:
    small = calls_to_import(tmp_path, SHAPES[name], 1500)
    large = calls_to_import(tmp_path, SHAPES[name], 3000)
    # Linear work doubles (plus a constant part); the quadratic extractor made it 3.4 times here.
    assert large / small < 2.2, f"{name}: {small} calls for 1500 questions, {large} for 3000"
