"""The progress bar of long work: on stderr, only in a terminal, and only once the work has run a moment.

A short command (most are) stays silent: the bar appears when the work has run `delay` seconds (half a second,
or `$STUDYPREP_PROGRESS_DELAY`), drawn by rich on stderr and wiped when the work ends, so nothing of it is left
in the output, in a pipe or in `--json`. Where stderr is not a terminal, or with `--quiet`, there is no bar.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from studyprep.progress import ProgressCallback, no_progress

__all__ = ["DELAY_VARIABLE", "configured_delay", "progress_bar"]

DELAY_VARIABLE = "STUDYPREP_PROGRESS_DELAY"
DEFAULT_DELAY = 0.5  # seconds of work before a bar appears: shorter work would only flicker


def configured_delay() -> float:
    """Seconds before a bar appears: `$STUDYPREP_PROGRESS_DELAY` (0 shows it at once: for tests and demos), else
    half a second."""
    try:
        return max(float(os.environ.get(DELAY_VARIABLE, DEFAULT_DELAY)), 0.0)
    except ValueError:
        return DEFAULT_DELAY


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[ProgressCallback]:
    """A progress callback for the work inside the block: a bar on stderr when it is a terminal and not `quiet`,
    else one that does nothing. The bar is gone when the block ends (before the command prints its result)."""
    if quiet or not sys.stderr.isatty():
        yield no_progress
        return
    from studyprep.render.progress_bar import ProgressBar
    from studyprep.render.terminal import literal_console

    bar = ProgressBar(literal_console(stderr=True), configured_delay())
    try:
        yield bar
    finally:
        bar.stop()
