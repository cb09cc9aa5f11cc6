"""Notes written without Markdown: section lines in capitals or ending in a colon, one item per line."""

from __future__ import annotations

from helpers import no_hang

from studyprep.parse import parse_document
from studyprep.parse.plaintext import plain_notes_as_markdown

NOTES = (
    "Interview prep - Team Leader, Kestrel\n\nTuesday 2pm.\n\nQUESTIONS THEY MIGHT ASK\nWhy this job?\n"
    "How would you handle lateness?\n- talk privately first\n\nQUESTIONS FOR THEM\nHow big is the team?\n"
)


def test_capital_section_lines_and_one_item_per_line() -> None:
    document = parse_document(NOTES)
    assert (document.company, document.role) == ("Kestrel", "Team Leader")
    assert [(card.kind, card.prompt) for card in document.cards] == [
        ("question", "Why this job?"),
        ("question", "How would you handle lateness?"),
        ("ask", "How big is the team?"),
    ]
    assert "talk privately first" in document.cards[1].back


def test_the_line_count_is_kept() -> None:
    assert plain_notes_as_markdown(NOTES).count("\n") == NOTES.count("\n")


def test_colon_section_lines_and_bullet_characters() -> None:
    text = "Barista – Little Fox\n\nQuestions they might ask:\n• Why us?\n   – taste first\n\nTo ask:\nTraining?\n"
    document = parse_document(text)
    assert [(card.kind, card.prompt) for card in document.cards] == [("question", "Why us?"), ("ask", "Training?")]
    assert "taste first" in document.cards[0].back


def test_markdown_documents_are_left_as_they_are() -> None:
    for text in (f"# Prep\n\n{NOTES}", NOTES.replace("QUESTIONS FOR THEM", "**QUESTIONS FOR THEM**")):
        assert plain_notes_as_markdown(text) == text


def test_one_section_line_or_none_naming_cards_changes_nothing() -> None:
    one = "Prep\n\nQUESTIONS THEY MIGHT ASK\nWhy this job?\n"
    no_cards = "Prep\n\nLOGISTICS\nBus 12\n\nDRESS CODE\nSmart\n"
    assert plain_notes_as_markdown(one) == one
    assert plain_notes_as_markdown(no_cards) == no_cards


def test_a_capital_sentence_is_no_section_line() -> None:
    text = "Prep\n\nDO NOT BE LATE.\nBus 12\n\nQUESTIONS\nWhy?\n\nTO ASK\nPay?\n"
    assert "## DO NOT BE LATE." not in plain_notes_as_markdown(text)


def test_a_long_line_is_read_once() -> None:
    # Looking for a setext underline from every character of a line made a 160 KB line take 25 s.
    long_line = "x" * 200_000
    with no_hang(5):
        converted = plain_notes_as_markdown(f"{long_line}\n\nQUESTIONS\nWhy?\n\nTO ASK\nPay?\n")
    assert converted.startswith(f"# {long_line}\n")


def test_a_setext_heading_is_markdown_structure() -> None:
    text = "Prep\n====\n\nQUESTIONS\nWhy?\n\nTO ASK\nPay?\n"
    assert plain_notes_as_markdown(text) == text
