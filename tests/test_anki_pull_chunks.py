"""`anki-pull` writes a large history a chunk of whole cards at a time (`anki_pull.CHUNK_ANSWERS`), so the review
database's write lock is held only for a moment: the result is the one of a single write, every card's state
comes from its latest logged review after each chunk, and a card answered elsewhere between the replay and its
chunk is worked out again inside the lock."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import FIXED_NOW
from test_anki_pull import T0, handmade_collection, workspace_with_example

from studyprep.anki import model as anki_model
from studyprep.anki.collection import TerminatedError
from studyprep.commands import anki_pull
from studyprep.commands.anki_pull import pull_reviews
from studyprep.result import to_json
from studyprep.schedule.scheduling import replay, review, scheduler_for
from studyprep.store.db import database_path, open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace

NOW = FIXED_NOW + timedelta(days=200)


def collection_for(workspace: Workspace, slug: str, folder: Path) -> tuple[Path, list[str]]:
    """A collection where every card of the deck was answered 3-8 times over a month, interleaved."""
    card_ids = [card.id for card in load_deck(workspace, slug).cards]
    draw = random.Random(5)
    revlog, moment = [], T0
    for _ in range(6):
        for index in range(len(card_ids)):
            if draw.random() < 0.9:
                moment += draw.randint(60_000, 3_600_000)
                revlog.append((moment, index + 1, draw.choice((1, 2, 3, 3, 3, 4)), 5000, 1))
    guids = [anki_model.note_guid(slug, card_id) for card_id in card_ids]
    return handmade_collection(folder / "collection.anki2", guids, revlog), card_ids


def history(workspace: Workspace) -> tuple[list[tuple], list[tuple]]:
    """Every card state (all but the log id it came from) and every log row (all but its id), sorted."""
    with sqlite3.connect(database_path(workspace)) as db:
        states = db.execute(
            "SELECT deck, card_id, state, step, stability, difficulty, due, last_review FROM card_state ORDER BY 1, 2"
        ).fetchall()
        logs = db.execute(
            "SELECT deck, card_id, rating, reviewed_at, duration_ms, was_new, source, external_id FROM review_log"
            " ORDER BY 1, 2, 4"
        ).fetchall()
    db.close()
    return states, logs


def states_from_latest_review(workspace: Workspace) -> bool:
    """Whether every card's stored state names the card's newest logged review."""
    with sqlite3.connect(database_path(workspace)) as db:
        off = db.execute(
            "SELECT count(*) FROM card_state s WHERE s.last_log_id !="
            " (SELECT max(id) FROM review_log l WHERE l.deck = s.deck AND l.card_id = s.card_id)"
        ).fetchone()[0]
    db.close()
    return off == 0


def test_a_pull_in_many_chunks_writes_what_one_write_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    twin = Workspace(tmp_path / "twin")
    shutil.copytree(workspace.root, twin.root)
    collection, _ = collection_for(workspace, slug, tmp_path)
    whole = pull_reviews(workspace, collection, NOW)
    chunks: list[int] = []
    original = anki_pull._write_plan

    def counted(store: object, plan: anki_pull._Plan, result: anki_pull.PullResult) -> None:
        chunks.append(len(plan.cards))
        assert states_from_latest_review(workspace) and states_from_latest_review(twin)  # before each chunk
        original(store, plan, result)  # type: ignore[arg-type]

    monkeypatch.setattr(anki_pull, "CHUNK_ANSWERS", 7)
    monkeypatch.setattr(anki_pull, "_write_plan", counted)
    chunked = pull_reviews(twin, collection, NOW)
    assert len(chunks) > 3 and sum(chunks) == len(whole.cards)
    assert (chunked.added, chunked.already_known) == (whole.added, whole.already_known) and whole.added > 30
    assert [to_json(card) for card in chunked.cards] == [to_json(card) for card in whole.cards]
    assert history(twin) == history(workspace)
    assert states_from_latest_review(twin)


def test_a_card_answered_while_the_pull_replays_is_worked_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    collection, card_ids = collection_for(workspace, slug, tmp_path)
    card_id = card_ids[-1]  # in the last chunk
    answered_at = datetime.fromtimestamp(T0 / 1000, UTC) + timedelta(days=3, seconds=1)
    scheduler = scheduler_for(load_plan(workspace, slug))
    original = anki_pull._chunks

    def answered_meanwhile(cards: list[anki_pull._CardWrite]) -> Iterator[list[anki_pull._CardWrite]]:
        with open_store(workspace) as store:  # another command, after the replay, before the writes
            before = store.get_state(slug, card_id)
            after = review(scheduler, slug, card_id, None if before is None else before.card, 1, answered_at)
            store.record_answer(slug, card_id, 1, answered_at, 4000, before, after)
        yield from original(cards)

    monkeypatch.setattr(anki_pull, "CHUNK_ANSWERS", 10)
    monkeypatch.setattr(anki_pull, "_chunks", answered_meanwhile)
    pull_reviews(workspace, collection, NOW)
    with open_store(workspace) as store:
        logs = store.review_logs(slug, card_id)
        assert "studyprep" in {log.source for log in logs} and len(logs) > 2
        state = store.get_state(slug, card_id)
        assert state is not None and state.card == replay(scheduler, slug, card_id, logs)
        assert state.last_log_id == max(log.id for log in logs)
    assert states_from_latest_review(workspace)


def test_a_pull_stopped_half_way_keeps_whole_cards_and_pulling_again_brings_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, slug = workspace_with_example(tmp_path)
    twin = Workspace(tmp_path / "twin")
    shutil.copytree(workspace.root, twin.root)
    collection, _ = collection_for(workspace, slug, tmp_path)
    whole = pull_reviews(workspace, collection, NOW)
    original = anki_pull._write_plan
    chunks: list[int] = []

    def stopped_at_the_third(store: object, plan: anki_pull._Plan, result: anki_pull.PullResult) -> None:
        if len(chunks) == 2:  # as the SIGTERM handler raises, inside the third chunk's transaction
            raise TerminatedError("stopped by SIGTERM; nothing was written")
        chunks.append(sum(1 for card in plan.cards if card.new))
        original(store, plan, result)  # type: ignore[arg-type]

    monkeypatch.setattr(anki_pull, "CHUNK_ANSWERS", 7)
    monkeypatch.setattr(anki_pull, "_write_plan", stopped_at_the_third)
    with pytest.raises(TerminatedError) as stopped:
        pull_reviews(twin, collection, NOW)
    assert str(stopped.value).startswith(f"stopped by SIGTERM; {chunks[0] + chunks[1]} cards pulled whole before it")
    assert states_from_latest_review(twin)
    monkeypatch.setattr(anki_pull, "_write_plan", original)
    again = pull_reviews(twin, collection, NOW)
    assert again.added + again.already_known == whole.added and 0 < again.already_known < whole.added
    assert history(twin) == history(workspace)
