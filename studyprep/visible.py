"""Document text made safe to print: control characters never reach the terminal."""

from __future__ import annotations

import re

__all__ = ["CONTROL_CHARACTERS", "visible"]

# C0 controls but tab and newline, DEL, and C1 (U+0080-U+009F: 0x9B is a one-character CSI).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` without the control characters that would move the cursor, clear or retitle the terminal."""
    return CONTROL_CHARACTERS.sub("", text) if CONTROL_CHARACTERS.search(text) else text
