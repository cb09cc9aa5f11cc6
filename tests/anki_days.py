"""Study an imported deck in a real Anki collection over several days: run as a child process under libfaketime.

The anki library takes the time from the system clock (its Rust core has no clock to inject), so the test that
checks studyprep counts study days as Anki does (`test_studydays_anki.py`) runs this script with libfaketime
preloaded, reading the fake time from a file this script rewrites before each answer. Usage:

    python anki_days.py PLAN.json

PLAN.json: `collection` (a path), `package` (the .apkg to import), `colpkg` (where to export the collection
afterwards), `result` (where to write the cards' states), `rollover` (the hour a study day starts), `sessions`
(local "YYYY-MM-DD HH:MM:SS" moments, one a session) and `clock` (the libfaketime timestamp file). In each session
every card Anki serves is answered, 20 seconds apart, with a rating drawn from the card and its reps (seeded), until
Anki serves none. Anki's FSRS is on, with its default parameters; ANKI_TEST_MODE in the environment turns its
interval fuzz off.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

# Ratings drawn for each answer: again, hard, good, easy.
RATING_WEIGHTS = (0.15, 0.1, 0.6, 0.15)
ANSWER_GAP = timedelta(seconds=20)
SESSION_CAP = 2000


def _set_clock(clock: Path, moment: datetime) -> None:
    clock.write_text(moment.strftime("%Y-%m-%d %H:%M:%S"), encoding="utf-8")


def _rating(card_id: int, reps: int) -> int:
    return random.Random(f"{card_id}:{reps}").choices((1, 2, 3, 4), RATING_WEIGHTS)[0]


def _session(col, clock: Path, start: datetime) -> int:
    """Answer every card Anki serves from `start`; return how many answers were given."""
    from anki.scheduler_pb2 import CardAnswer

    moment, answers = start, 0
    while answers < SESSION_CAP:
        _set_clock(clock, moment)
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            return answers
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        rating = _rating(card.id, card.reps)
        answer = col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.Rating.ValueType(rating - 1))
        col.sched.answer_card(answer)
        answers += 1
        moment += ANSWER_GAP
    raise RuntimeError("a session never ended")


def _card_states(col, end: datetime, rollover: int) -> dict[str, dict[str, object]]:
    """Each studied card by note guid: FSRS memory state, queue, and the study date it is due on."""
    today = col.sched.today
    today_date = (end - timedelta(hours=rollover)).date()
    found: dict[str, dict[str, object]] = {}
    for card_id in col.find_cards("-is:new"):
        card = col.get_card(card_id)
        memory = card.memory_state
        if card.queue in (1, 4):  # (re)learning within a day: due is a moment (epoch seconds)
            local = datetime.fromtimestamp(card.due)
            due = (local - timedelta(hours=rollover)).date()
        else:  # review, or learning across days: due is a day number
            due = today_date + timedelta(days=card.due - today)
        found[card.note().guid] = {
            "stability": memory.stability if memory else None,
            "difficulty": memory.difficulty if memory else None,
            "queue": card.queue,
            "due": due.isoformat(),
            "reps": card.reps,
        }
    return found


def main(plan_file: str) -> None:
    """Import the package, study each session, export the collection and write the cards' states."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    clock = Path(plan["clock"])
    sessions = [datetime.fromisoformat(moment) for moment in plan["sessions"]]
    _set_clock(clock, sessions[0] - timedelta(minutes=5))
    col = Collection(plan["collection"])
    try:
        col.set_config("rollover", plan["rollover"])
        col.set_config("fsrs", True)
        request = ImportAnkiPackageRequest(package_path=plan["package"], options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        # Study the imported deck (its categories are subdecks): Anki serves the current deck and its children.
        first = col.get_card(col.find_cards("")[0])
        col.decks.select(col.decks.id_for_name(col.decks.name(first.did).split("::")[0]))
        answers = [_session(col, clock, start) for start in sessions]
        end = sessions[-1] + timedelta(hours=1)
        _set_clock(clock, end)
        states = _card_states(col, end, plan["rollover"])
        col.export_collection_package(plan["colpkg"], include_media=False, legacy=False)
    finally:
        col.close()
    Path(plan["result"]).write_text(json.dumps({"answers": answers, "cards": states}), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
