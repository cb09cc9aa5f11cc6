"""Bulk work (a 30,000-question document, a deck of as many cards) without the cyclic garbage collector.

Reading a big document allocates millions of small objects that all stay alive until the deck is written;
Python's collector, triggered by the allocation count, walks them again and again for nothing (a fifth of
the import's time on a 3 MB document). Reference counting still frees what is dropped; a collection runs
once the bulk work is over.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["without_cyclic_gc"]


@contextlib.contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (as it was before, afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
