"""`import` warns about cards that look wrong (parse/review.py), on stderr and in `--json`, never failing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from studyprep.cli import cli
from studyprep.parse import parse_document
from studyprep.parse.review import CardWarning, card_warnings

NOW = {"STUDYPREP_NOW": "2026-01-01T09:00:00Z"}
PARAGRAPH = (
    "Caching keeps the data read most often in a faster layer in front of the database, so that repeated reads"
    " skip the slow path entirely; the hard part is deciding when an entry is stale and who invalidates it."
)


def warnings_of(tmp_path: Path, text: str) -> list[CardWarning]:
    document = tmp_path / "prep.md"
    document.write_text(text, encoding="utf-8")
    return card_warnings(parse_document(document.read_text(encoding="utf-8"), document))


def test_a_document_whose_cards_look_right_has_no_warnings(tmp_path: Path) -> None:
    text = (
        "# Acme - Backend Engineer\n\n"
        "## Likely questions\n\n"
        "- What is a B-tree?\n"
        "- Design a rate limiter\n"
        "- Tell me about a time you disagreed with your manager.\n"
        "- [Two Sum](https://leetcode.com/problems/two-sum)\n"
        "- [Min Stack](https://leetcode.com/problems/min-stack/) — push (value, current min) pairs\n"
        "- An outage hits checkout on Black Friday. Walk me through what you do.\n\n"
        "## Questions to ask them\n\n"
        "- What does on-call look like?\n\n"
        "## Concepts to review\n\n"
        "### Caching\n\n"
        "- Write-through versus write-back\n"
        "- Cache stampede\n\n"
        "### Queues\n\n"
        "- Backpressure. Bounded buffers.\n"
    )
    assert warnings_of(tmp_path, text) == []


@pytest.mark.parametrize("kind", ["question", "ask"])
def test_a_question_or_ask_card_that_is_not_a_question(tmp_path: Path, kind: str) -> None:
    heading = "Likely questions" if kind == "question" else "Questions to ask them"
    text = f"# Acme - SRE\n\n## {heading}\n\n- What is an SLO?\n- Bring two copies of your CV\n"
    assert warnings_of(tmp_path, text) == [
        CardWarning(
            line=6,
            kind="not-a-question",
            prompt="Bring two copies of your CV",
            message=f'{kind} card is not a question: "Bring two copies of your CV"',
        )
    ]


@pytest.mark.parametrize(
    ("heading", "hurried"),
    [
        ("À demander", ["combien en brigade", "qui fait les commandes"]),
        ("Preguntas para ellos", ["cuántas personas hay en el equipo", "quién decide los turnos"]),
        ("Perguntas para eles", ["quantas pessoas na equipe", "quem faz os pedidos"]),
        ("Fragen an das Team", ["wer entscheidet über Urlaub", "wo sitzt das Team"]),
    ],
)
def test_hurried_asks_opening_with_a_question_word_are_questions_in_any_language(
    tmp_path: Path, heading: str, hurried: list[str]
) -> None:
    text = f"# Acme - SRE\n\n## {heading}\n\n" + "".join(f"- {line}\n" for line in hurried)
    document = parse_document(text)
    assert [(card.kind, card.prompt) for card in document.cards] == [("ask", line) for line in hurried]
    assert warnings_of(tmp_path, text) == []


def test_a_prompt_over_300_characters(tmp_path: Path) -> None:
    prompt = "How would you " + "shard, replicate and cache " * 12 + "a ledger for payments across three regions?"
    assert len(prompt) > 300
    text = f"# Acme - SRE\n\n## Likely questions\n\n- What is an SLO?\n- {prompt}\n"
    [warning] = warnings_of(tmp_path, text)
    assert (warning.line, warning.kind, warning.prompt) == (6, "long-prompt", prompt)
    assert warning.message.startswith(f'prompt is too long ({len(prompt)} characters, over 300): "How would you shard')
    assert warning.message.endswith('…"') and len(warning.message) < 150  # the prompt quoted, cut short


def test_a_category_holding_one_paragraph(tmp_path: Path) -> None:
    text = (
        "# Acme - SRE\n\n## Concepts to review\n\n"
        f"### Caching\n\n- {PARAGRAPH}\n\n"
        "### Queues\n\n- Backpressure\n- Idempotency\n"
    )
    [warning] = warnings_of(tmp_path, text)
    assert (warning.line, warning.kind, warning.prompt) == (7, "paragraph-category", PARAGRAPH)
    assert warning.message.startswith(
        f'category "Caching" holds a single concept card that is a whole paragraph ({len(PARAGRAPH)} characters): '
        '"Caching keeps'
    )


def test_a_category_holding_one_card_of_several_short_sentences(tmp_path: Path) -> None:
    prose = "Caching keeps hot data close. It cuts latency. It also spares the database."
    text = f"# Acme - SRE\n\n## Concepts to review\n\n### Caching\n\n- {prose}\n"
    assert warnings_of(tmp_path, text) == [
        CardWarning(
            line=7,
            kind="paragraph-category",
            prompt=prose,
            message=f'category "Caching" holds a single concept card that is a whole paragraph (3 sentences): "{prose}"'
            "",
        )
    ]


def test_a_paragraph_among_other_cards_of_its_category_is_not_a_paragraph_category(tmp_path: Path) -> None:
    text = f"# Acme - SRE\n\n## Concepts to review\n\n### Caching\n\n- {PARAGRAPH}\n- Cache stampede\n"
    assert warnings_of(tmp_path, text) == []


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args], env=NOW)


def test_import_prints_each_warning_with_file_and_line_and_lists_them_in_json(tmp_path: Path) -> None:
    document = tmp_path / "prep.md"
    document.write_text(
        "# Acme - SRE\n\n"
        "## Likely questions\n\n"
        "- What is an SLO?\n"
        "- Bring two copies of your CV \x1b[2J\x9b31m\n\n"
        "## Concepts to review\n\n"
        f"### Caching\n\n- {PARAGRAPH}\n",
        encoding="utf-8",
    )
    home = tmp_path / "ws"
    dry = run(home, "import", str(document), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert not (home / "decks").exists() or not any((home / "decks").glob("*.yaml"))
    result = run(home, "import", str(document))
    assert result.exit_code == 0, result.output
    assert "added" in result.stdout and "warning" not in result.stdout  # the summary on stdout, warnings apart
    lines = result.stderr.splitlines()
    assert lines == dry.stderr.splitlines()  # --dry-run shows the same warnings
    assert lines == [
        f'warning: {document}:6: question card is not a question: "Bring two copies of your CV [2J31m"',
        f'warning: {document}:12: category "Caching" holds a single concept card that is a whole paragraph'
        f' ({len(PARAGRAPH)} characters): "{PARAGRAPH[:79].rstrip()}…"',
    ]  # one line each whatever the width, and the document's control characters never reach the terminal

    listed = run(home, "import", str(document), "--json")
    assert listed.exit_code == 0 and listed.stderr == ""
    summary = json.loads(listed.stdout)
    assert summary["written"] is False
    assert [(w["line"], w["kind"]) for w in summary["warnings"]] == [(6, "not-a-question"), (12, "paragraph-category")]
    assert summary["warnings"][0] == {
        "line": 6,
        "kind": "not-a-question",
        "prompt": "Bring two copies of your CV \x1b[2J\x9b31m",  # JSON keeps the text as written
        "message": 'question card is not a question: "Bring two copies of your CV \x1b[2J\x9b31m"',
    }


def test_import_without_warnings_prints_none_and_lists_an_empty_list(tmp_path: Path) -> None:
    document = tmp_path / "prep.md"
    document.write_text("# Acme - SRE\n\n## Likely questions\n\n- What is an SLO?\n- Design a rate limiter\n", "utf-8")
    result = run(tmp_path / "ws", "import", str(document))
    assert result.exit_code == 0 and result.stderr == ""
    again = run(tmp_path / "ws", "import", str(document), "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["warnings"] == []
