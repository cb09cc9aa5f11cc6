"""Queue order and limits across simulated days, undo, bury, retire and return, on a real database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fsrs import Card, State
from helpers import FIXED_NOW
from review_helpers import DOC, PROMPTS, SLUG, Clock, answer_all, make_workspace, session_at, set_plan, shown_prompt

from studyprep.commands.importing import import_document
from studyprep.schedule.session import ConceptIndex
from studyprep.store.db import MirrorCard, fsrs_card_id, open_store
from studyprep.store.workspace import Workspace


def ids_by_prompt(workspace: Workspace) -> dict[str, str]:
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)
        rows = store.conn.execute("SELECT prompt, card_id FROM cards WHERE deck = ?", (SLUG,)).fetchall()
    return dict(rows)


def test_learning_first_then_most_overdue_reviews_then_new_in_document_order(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    ids = ids_by_prompt(workspace)
    now = FIXED_NOW
    with open_store(workspace) as store:
        store.refresh_mirror(workspace)

        def put(prompt: str, state: State, due_ago: timedelta, interval: timedelta) -> None:
            card = Card(fsrs_card_id(SLUG, ids[prompt]), state, 0 if state != State.Review else None, 3.0, 5.0,
                        now - due_ago, now - due_ago - interval)  # fmt: skip
            store.replace_state(SLUG, ids[prompt], card, 0)

        # Overdue 1 day on a 10-day interval (10%) vs 1 day on 2 days (50%): the latter comes first.
        put(PROMPTS[1], State.Review, timedelta(days=1), timedelta(days=10))
        put(PROMPTS[2], State.Review, timedelta(days=1), timedelta(days=2))
        put(PROMPTS[3], State.Relearning, timedelta(minutes=1), timedelta(minutes=10))
    clock = Clock(now)
    with session_at(workspace, clock) as session:
        order = answer_all(session, 4)
    assert order == [PROMPTS[3], PROMPTS[2], PROMPTS[1], PROMPTS[0], PROMPTS[4], *PROMPTS[5:]]


def test_daily_new_limit_counts_across_sessions_and_resets_the_next_day(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=3)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        session.reveal()
        session.answer(4)
        session.reveal()
        session.answer(4)
    clock.advance(hours=2)
    with session_at(workspace, clock) as session:
        assert answer_all(session, 4) == [PROMPTS[2]]
    clock.advance(hours=1)
    with session_at(workspace, clock) as session:
        assert session.current is None
    clock.advance(days=1)
    with session_at(workspace, clock) as session:
        assert answer_all(session, 4) == PROMPTS[3:6]


def test_limit_and_new_options(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, new_cards_per_day=2)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, new=5) as session:
        assert len(session.queue) == 5
        assert answer_all(session, 4) == PROMPTS[:5]
    with session_at(workspace, clock, limit=1, new=10) as session:
        assert answer_all(session, 4) == [PROMPTS[5]]
    with session_at(workspace, clock, new=0) as session:
        assert session.current is None


def test_again_brings_the_card_back_in_the_same_session(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, new=2) as session:
        first = shown_prompt(session)
        session.reveal()
        session.answer(1)
        assert shown_prompt(session) == PROMPTS[1]
        clock.advance(seconds=30)
        session.reveal()
        session.answer(4)
        # Nothing else left: the learning card (due in a minute) is shown ahead of time.
        assert shown_prompt(session) == first
        session.reveal()
        session.answer(4)
        assert session.current is None
        assert session.finish().again == 1


def test_undo_restores_state_log_and_card(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        session.reveal()
        session.answer(4)
        card_id = session._history[-1].entry.card_id
        assert session.store.get_state(SLUG, card_id) is not None
        assert session.undo()
        assert shown_prompt(session) == PROMPTS[0]
        assert session.store.get_state(SLUG, card_id) is None
        assert session.store.review_logs(SLUG, card_id) == []
        assert session.answered == 0
        session.reveal()
        session.answer(3)
    clock.advance(minutes=11)
    with session_at(workspace, clock) as session:
        # Undoing a second answer restores the first answer's state, not "new".
        assert shown_prompt(session) == PROMPTS[0]
        before = session.store.get_state(SLUG, card_id)
        assert before is not None
        session.reveal()
        session.answer(3)
        assert session.undo()
        assert session.store.get_state(SLUG, card_id) == before
        assert len(session.store.review_logs(SLUG, card_id)) == 1
        assert not session.undo()  # the first answer belongs to an earlier session


def test_bury_hides_the_card_until_the_next_study_day(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        session.bury()
        assert shown_prompt(session) == PROMPTS[1]
    with session_at(workspace, clock) as session:
        assert PROMPTS[0] not in answer_all(session, 4)
    clock.advance(days=1)
    with session_at(workspace, clock) as session:
        assert shown_prompt(session) == PROMPTS[0]


def test_undo_of_a_bury_brings_the_card_back(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock) as session:
        session.bury()
        assert session.undo()
        assert shown_prompt(session) == PROMPTS[0]
    with session_at(workspace, clock) as session:
        assert shown_prompt(session) == PROMPTS[0]


def test_retired_card_keeps_history_leaves_the_queue_and_resumes_when_back(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, new=1) as session:
        session.reveal()
        session.answer(4)
    card_id = ids_by_prompt(workspace)[PROMPTS[0]]
    with open_store(workspace) as store:
        state = store.get_state(SLUG, card_id)
    assert state is not None

    without = DOC.replace(f"- {PROMPTS[0]}\n", "")
    (tmp_path / "prep.md").write_text(without, encoding="utf-8")
    import_document(workspace, tmp_path / "prep.md", clock.advance(days=30))
    with session_at(workspace, clock) as session:
        assert PROMPTS[0] not in answer_all(session, 4)
        assert session.store.get_state(SLUG, card_id) == state
        assert len(session.store.review_logs(SLUG, card_id)) == 1
        assert card_id not in session.store.card_states(SLUG)

    (tmp_path / "prep.md").write_text(DOC, encoding="utf-8")
    import_document(workspace, tmp_path / "prep.md", clock.advance(hours=1))
    with session_at(workspace, clock) as session:
        # Due since day 9 and back: shown as a review (not as new), with its history.
        assert shown_prompt(session) == PROMPTS[0]
        assert session.current is not None and session.current.entry.kind == "review"


def test_multiple_decks_take_turns_for_new_cards(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    other = DOC.replace("Acme – SRE", "Beta – SRE")
    (tmp_path / "beta.md").write_text(other, encoding="utf-8")
    import_document(workspace, tmp_path / "beta.md", FIXED_NOW)
    set_plan(workspace, "beta-sre")
    clock = Clock(FIXED_NOW)
    with session_at(workspace, clock, new=4) as session:
        decks = []
        while session.current is not None:
            decks.append(session.current.entry.deck)
            session.reveal()
            session.answer(4)
    assert decks == [SLUG, "beta-sre", SLUG, "beta-sre"]
    with session_at(workspace, clock, ["beta"]) as session:
        assert {entry.deck for entry in session.queue.new} == {"beta-sre"}


def test_related_concepts_match_names_parts_and_plurals() -> None:
    def concept(position: int, prompt: str) -> MirrorCard:
        return MirrorCard(SLUG, f"c{position}", position, "concept", [], prompt, "", "", "", True)

    concepts = [concept(0, "Idempotency keys"), concept(1, "Two-phase commit vs sagas"), concept(2, "DNS"),
                concept(3, "anycast"), concept(4, "CAP")]  # fmt: skip
    index = ConceptIndex(concepts)
    found = index.mentioned_in("Where does the idempotency key live, and when is a saga better? (not CAPTCHA)")
    assert [card.prompt for card in found] == ["Idempotency keys", "Two-phase commit vs sagas"]
    assert index.mentioned_in("dns and Anycast routing") == [concepts[2], concepts[3]]


def test_a_related_concept_is_one_the_question_names_distinctively_and_at_most_three_show() -> None:
    def concept(position: int, prompt: str) -> MirrorCard:
        return MirrorCard(SLUG, f"c{position}", position, "concept", [], prompt, "", "", "", True)

    concepts = [concept(0, "Services"), concept(1, "Documentation"), concept(2, "DNS"), concept(3, "anycast"),
                concept(4, "Idempotency keys"), concept(5, "gRPC"), concept(6, "Rate limiting"),
                concept(7, "Caching")]  # fmt: skip
    questions = [
        "How do our services document their APIs? Where does the documentation live?",
        "Which services own the DNS records, and how is the documentation kept?",
        "How would you add rate limiting and caching to services behind anycast, with gRPC and idempotency keys?",
        "How do services retry safely?",
        "Walk me through the documentation you wrote for two services.",
        *[f"Tell me about project {n}." for n in range(15)],
    ]
    index = ConceptIndex(concepts, questions)
    # "services" and "documentation" come up in most questions here: they say nothing about any one of them.
    assert index.mentioned_in(questions[0]) == []
    assert index.mentioned_in(questions[1]) == [concepts[2]]
    # Six concepts named; the three most distinctive show, in document order.
    shown = [card.prompt for card in index.mentioned_in(questions[2])]
    assert len(shown) == 3 and "Services" not in shown
    assert set(shown) <= {"anycast", "Idempotency keys", "gRPC", "Rate limiting", "Caching"}
    assert "Idempotency keys" in shown and "Rate limiting" in shown
    # A part of a word is not the word: "cachingly" and "DNSSEC" name nothing.
    assert index.mentioned_in("Is DNSSEC worth it? What about cachingly stored keys") == []


def test_a_card_retired_by_an_import_during_the_session_is_not_shown(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock()
    with session_at(workspace, clock) as session:
        first = shown_prompt(session)
        assert first == PROMPTS[0]
        edited = tmp_path / "prep.md"
        edited.write_text(DOC.replace(f"- {PROMPTS[1]}\n", ""), encoding="utf-8")  # the next card leaves the doc
        import_document(workspace, edited, clock.now)
        session.reveal()
        session.answer(3)
        rest = answer_all(session, 3)
    assert PROMPTS[1] not in rest and rest[0] == PROMPTS[2]


def test_a_deck_file_broken_during_the_session_keeps_the_session_going(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    with session_at(workspace, Clock()) as session:
        workspace.deck_path(SLUG).write_text("cards: [unclosed\n", encoding="utf-8")
        session.reveal()
        session.answer(3)
        assert shown_prompt(session) == PROMPTS[1]
        assert session.notice.startswith("kept the deck as it was:") and f"{SLUG}.yaml" in session.notice


def test_a_broken_file_of_another_deck_does_not_keep_the_sessions_deck_from_being_mirrored(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    zeta_text = DOC.replace("Acme", "Zeta")
    zeta = tmp_path / "zeta.md"
    zeta.write_text(zeta_text, encoding="utf-8")
    clock = Clock()
    slug = import_document(workspace, zeta, clock.now).deck
    assert slug > SLUG  # the broken file is mirrored first
    with session_at(workspace, clock, [slug]) as session:
        assert shown_prompt(session) == PROMPTS[0]
        workspace.deck_path(SLUG).write_text("cards: [unclosed\n", encoding="utf-8")  # outside the session
        zeta.write_text(zeta_text.replace(f"- {PROMPTS[1]}\n", ""), encoding="utf-8")
        import_document(workspace, zeta, clock.now)  # the next card leaves the session's deck
        session.reveal()
        session.answer(3)
        assert shown_prompt(session) == PROMPTS[2]
        assert SLUG not in session.notice  # a deck outside the session goes unsaid
        rest = answer_all(session, 3)
    assert PROMPTS[1] not in rest


def test_a_deck_file_removed_during_the_session_takes_its_cards_out_and_the_others_go_on(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    zeta = tmp_path / "zeta.md"
    zeta.write_text(DOC.replace("Acme", "Zeta"), encoding="utf-8")
    clock = Clock()
    other = import_document(workspace, zeta, clock.now).deck
    with session_at(workspace, clock) as session:
        assert session.current is not None
        gone = session.current.entry.deck
        workspace.deck_path(gone).unlink()  # the deck of the card on screen leaves the workspace
        session.reveal()
        session.answer(3)
        decks = set()
        while session.current is not None:
            decks.add(session.current.entry.deck)
            session.reveal()
            session.answer(3)
    assert decks == {SLUG, other} - {gone}
