"""Test-session set-up shared by every test module."""

from __future__ import annotations

import os

# pytest-xdist's workers inherit COLUMNS=80 and LINES=24 from execnet. Subprocesses started in a pty (the review
# screen, the mock) would take them over the pty's real size, and wrapped output would differ from a serial run.
for _variable in ("COLUMNS", "LINES"):
    os.environ.pop(_variable, None)
