"""Study days as Anki counts them, checked against the real anki library: ten days of answers given in Anki (FSRS
on, a rollover hour that is not the default, sessions late in the evening and early in the morning), pulled into
studyprep, give the same memory states (within 2%) and due days (at least 95% of cards on the same day; Anki's
order of passing intervals, which studyprep keeps too, decides some of them).

Anki takes the time from the system clock, so its part runs in a child process (`anki_days.py`) under libfaketime
(the `libfaketime` package ships the library for Linux x86_64; elsewhere the test is skipped), with ANKI_TEST_MODE
set so that Anki, like this studyprep plan, schedules without interval fuzz.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import EXAMPLE
from review_helpers import set_plan

from studyprep.anki import model as anki_model
from studyprep.commands.anki_pull import pull_reviews
from studyprep.commands.export import export_decks
from studyprep.commands.importing import import_document
from studyprep.schedule.replays import open_store
from studyprep.schedule.studydays import study_date
from studyprep.store.workspace import Workspace

pytest.importorskip("anki", reason="the `anki` package (PyPI) has no wheel for this platform")

ZONE = "Europe/Berlin"
ROLLOVER = 6
# Local session moments on ten days: the 09:21 then 09:10, late evenings, and mornings either side of the
# 06:00 rollover (05:30 still belongs to the study day before). None between 02:00 and 04:00, where ANKI_TEST_MODE
# moves Anki's clock.
SESSIONS = ["2026-01-05 09:21:00", "2026-01-07 09:10:00", "2026-01-07 22:40:00", "2026-01-09 05:30:00",
            "2026-01-09 06:30:00", "2026-01-10 23:15:00", "2026-01-12 12:00:00", "2026-01-13 21:50:00",
            "2026-01-14 08:45:00", "2026-01-15 19:30:00"]  # fmt: skip
STATE_TOLERANCE = 0.02
SAME_DAY_SHARE = 0.95


def _faketime_library() -> Path | None:
    spec = importlib.util.find_spec("libfaketime")
    if spec is None or not spec.submodule_search_locations or sys.platform != "linux":
        return None
    library = Path(spec.submodule_search_locations[0]) / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
    return library if library.is_file() else None


FAKETIME = _faketime_library()
pytestmark = pytest.mark.skipif(FAKETIME is None, reason="libfaketime (PyPI `libfaketime`, Linux x86_64) is missing")


def _local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(ZONE))


def study_in_anki(tmp_path: Path, package: Path) -> tuple[Path, dict]:
    """Run `anki_days.py` under libfaketime; return the exported collection and the cards' states in Anki."""
    plan = {
        "collection": str(tmp_path / "anki" / "collection.anki2"),
        "package": str(package),
        "colpkg": str(tmp_path / "studied.colpkg"),
        "result": str(tmp_path / "anki-states.json"),
        "rollover": ROLLOVER,
        "sessions": SESSIONS,
        "clock": str(tmp_path / "faketime"),
    }
    (tmp_path / "anki").mkdir()
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    env = {
        **os.environ,
        "LD_PRELOAD": str(FAKETIME),
        "FAKETIME_TIMESTAMP_FILE": plan["clock"],
        "FAKETIME_NO_CACHE": "1",
        "DONT_FAKE_MONOTONIC": "1",
        "ANKI_TEST_MODE": "1",
        "TZ": ZONE,
    }
    script = Path(__file__).with_name("anki_days.py")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "plan.json")], env=env, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(plan["colpkg"]), json.loads(Path(plan["result"]).read_text(encoding="utf-8"))


def test_ten_days_of_anki_answers_give_anki_s_memory_states_and_due_days_after_a_pull(tmp_path: Path) -> None:
    start = _local(SESSIONS[0])
    workspace = Workspace(tmp_path / "ws")
    slug = import_document(workspace, EXAMPLE, start).deck
    set_plan(workspace, slug, time_zone=ZONE, day_starts_at_hour=ROLLOVER, fuzz=False)
    package = export_decks(workspace, [slug], tmp_path / "deck.apkg", start).path

    colpkg, anki = study_in_anki(tmp_path, package)
    assert len(anki["answers"]) == len(SESSIONS) and sum(anki["answers"]) > 0, anki["answers"]
    end = _local(SESSIONS[-1]).astimezone(UTC)
    pulled = pull_reviews(workspace, colpkg, end)
    assert pulled.added == sum(anki["answers"])

    with open_store(workspace) as store:
        states = store.deck_states(slug)
    guid_of = {anki_model.note_guid(slug, card_id): card_id for card_id in states}
    assert set(anki["cards"]) == set(guid_of)  # every card studied in Anki has a state here, and no other
    same_day = 0
    widest = 0.0  # the largest relative difference of a memory state, reported
    for guid, in_anki in anki["cards"].items():
        ours = states[guid_of[guid]]
        assert ours.stability == pytest.approx(in_anki["stability"], rel=STATE_TOLERANCE), guid
        assert ours.difficulty == pytest.approx(in_anki["difficulty"], rel=STATE_TOLERANCE), guid
        for name in ("stability", "difficulty"):
            widest = max(widest, abs(getattr(ours, name) / in_anki[name] - 1))
        same_day += study_date(ours.due, ROLLOVER, ZONE).isoformat() == in_anki["due"]
    cards = len(anki["cards"])
    print(
        f"answers per session {anki['answers']}; memory states of {cards} cards within {widest:.3%};"
        f" due on the same study day: {same_day}/{cards} ({same_day / cards:.1%})"
    )
    assert cards >= 50
    assert same_day / cards >= SAME_DAY_SHARE, f"{same_day}/{cards} due on the same study day"
