"""`cards`, `card`, `add`, `suspend`/`unsuspend`, `flag`, `forget`, review's `!` and `f`, and the answers count of
`readiness` and `brief`: each through the real command line on a real workspace."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from helpers import FIXED_NOW
from review_helpers import DOC, PROMPTS, SLUG, Clock, answer_all, make_workspace, session_at, set_plan, shown_prompt

from studyprep.cli import cli
from studyprep.commands.check import check_workspace
from studyprep.commands.importing import import_document
from studyprep.store.cardedit import set_card_fields
from studyprep.store.db import open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"


def run(workspace: Workspace, *args: str) -> Result:
    return CliRunner(env={"STUDYPREP_NOW": NOW, "TZ": "UTC"}).invoke(cli, ["--home", str(workspace.root), *args])


def card_id(workspace: Workspace, prompt: str) -> str:
    return next(card.id for card in load_deck(workspace, SLUG).cards if card.prompt == prompt)


def listed(workspace: Workspace, *args: str) -> list[dict]:
    result = run(workspace, "cards", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cards_searches_without_case_or_accents_and_filters_by_kind_category_tag_and_state(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, DOC.replace("What does the OOM killer do?", "Qué hace el OOM killer?"))
    assert [row["prompt"] for row in listed(workspace, "--search", "QUE HACE")] == ["Qué hace el OOM killer?"]
    assert {row["kind"] for row in listed(workspace, "--kind", "concept")} == {"concept"}
    assert len(listed(workspace, "--category", "linux")) == 2
    assert len(listed(workspace, SLUG[:4], "--tag", "NETWORKING")) == 3  # tags match whole, case ignored
    assert len(listed(workspace, "--state", "new")) == len(PROMPTS)
    assert listed(workspace, "--state", "suspended") == []
    table = run(workspace, "cards", "--search", "slow start")
    assert "How does TCP slow" in table.output and "1 card in acme-sre" in table.output


def test_card_shows_everything_with_the_whole_history_including_reviews_pulled_from_anki(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock()
    with session_at(workspace, clock, limit=1) as session:
        first = shown_prompt(session)
        answer_all(session, 3)
    target = card_id(workspace, first)
    with open_store(workspace) as store:
        store.append_review(SLUG, target, 4, FIXED_NOW + timedelta(days=2), 7000, source="anki", external_id="r1")
    result = run(workspace, "card", target[:5], "--json")
    assert result.exit_code == 0, result.output
    detail = json.loads(result.output)
    assert detail["prompt"] == first and detail["deck"] == SLUG
    history = [(entry["rating"], entry["source"]) for entry in detail["history"]]
    assert history[0] == (3, "studyprep") and history[-1] == (4, "anki")
    assert detail["history"][-1]["duration_ms"] == 7000 and detail["history"][-1]["interval_days"] > 1
    human = run(workspace, "card", target[:5])
    assert "review history" in human.output and "anki" in human.output and "predicted recall now" in human.output


def test_unknown_and_ambiguous_ids_are_refused_with_the_candidates(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    import_document(workspace, tmp_path / "prep.md", FIXED_NOW, deck="second")  # the same ids in a second deck
    full = card_id(workspace, PROMPTS[1])
    unknown = run(workspace, "suspend", "zzzz")
    assert unknown.exit_code == 1 and "no card with id 'zzzz'" in unknown.output
    twice = run(workspace, "card", full)
    assert twice.exit_code == 1 and "write DECK:ID" in twice.output and f"second:{full}" in twice.output
    assert "Traceback" not in twice.output
    short = run(workspace, "forget", "")
    assert short.exit_code != 0 and "Traceback" not in short.output
    chosen = run(workspace, "card", f"acme:{full[:6]}", "--json")
    assert chosen.exit_code == 0 and json.loads(chosen.output)["deck"] == SLUG


def test_a_card_added_by_hand_survives_every_re_import(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    added = run(workspace, "add", "acme", "How would you debug packet loss?", "--category", "Networking/Debugging",
                "--back", "mtr, tcpdump", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    new_id = json.loads(added.output)["id"]
    again = run(workspace, "add", "acme", "how would you debug packet loss", "--category", "X")
    assert again.exit_code == 1 and "has this card already" in again.output
    document = tmp_path / "prep.md"
    document.write_text(DOC.replace("- Explain BGP route flapping.\n", ""), encoding="utf-8")
    for _ in range(2):
        assert run(workspace, "import", str(document)).exit_code == 0
    cards = {card.id: card for card in load_deck(workspace, SLUG).cards}
    assert cards[new_id].retired is None and cards[new_id].by_hand
    assert cards[new_id].category == ["Networking", "Debugging"] and cards[new_id].back == "mtr, tcpdump"
    assert cards[card_id(workspace, PROMPTS[2])].retired is not None  # the document's own cards still retire
    text = workspace.deck_path(SLUG).read_text(encoding="utf-8")
    assert text.count("by_hand: true") == 1 and "by_hand: false" not in text


def test_suspend_unsuspend_flag_and_forget_by_id_prefix(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock()
    with session_at(workspace, clock, limit=2) as session:
        answered = answer_all(session, 4)  # easy: one answer each
    first, second = (card_id(workspace, prompt) for prompt in answered)
    assert run(workspace, "suspend", first[:6], second[:6]).exit_code == 0
    assert {row["id"] for row in listed(workspace, "--state", "suspended")} == {first, second}
    assert "suspended 2 cards" in run(workspace, "unsuspend", first, first[:7], second).output
    assert listed(workspace, "--state", "suspended") == []
    assert run(workspace, "flag", first).exit_code == 0
    assert [row["id"] for row in listed(workspace, "--state", "flagged")] == [first]
    forgot = run(workspace, "forget", first[:6], "--json")
    assert json.loads(forgot.output)["changed"] == 1
    assert first in {row["id"] for row in listed(workspace, "--state", "new")}
    detail = json.loads(run(workspace, "card", first, "--json").output)
    assert detail["state"] == "new" and len(detail["history"]) == 1 and detail["forgotten_at"] is not None
    assert check_workspace(workspace).problems == []  # history kept without a state is not a broken history


def test_review_keys_suspend_and_flag_the_card_on_screen_and_u_takes_them_back(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    clock = Clock()
    with session_at(workspace, clock) as session:
        first = shown_prompt(session)
        session.flag()
        assert session.notice == "flagged"
        session.suspend()
        assert shown_prompt(session) != first
        assert [row["prompt"] for row in listed(workspace, "--state", "suspended")] == [first]
        assert session.undo()
        assert shown_prompt(session) == first and listed(workspace, "--state", "suspended") == []
        assert [row["prompt"] for row in listed(workspace, "--state", "flagged")] == [first]
        assert session.undo()
        assert session.notice == "flag undone" and listed(workspace, "--state", "flagged") == []


def test_readiness_and_brief_count_questions_with_an_answer_and_list_the_weakest_without(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    set_plan(workspace, interview_at=FIXED_NOW + timedelta(days=7))
    set_card_fields(workspace, SLUG, [card_id(workspace, PROMPTS[1])], notes="cwnd doubles")
    readiness = run(workspace, "readiness", "acme", "--json")
    answers = json.loads(readiness.output)["answers"]
    assert (answers["answered"], answers["questions"]) == (1, 5)
    assert PROMPTS[1] not in [item["prompt"] for item in answers["weakest_unanswered"]]
    assert "questions with an answer: 1 / 5" in run(workspace, "readiness", "acme").output
    brief = run(workspace, "brief", "acme")
    assert "questions with an answer: 1 / 5" in brief.output and PROMPTS[0][:20] in brief.output
