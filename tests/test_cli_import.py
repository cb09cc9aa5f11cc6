"""The import, decks and show commands through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, sample_paths

from studyprep import __version__
from studyprep.cli import cli

NOW = {"STUDYPREP_NOW": "2026-01-01T09:00:00Z"}


def run(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], env=NOW)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [[], ["import"], ["decks"], ["show"]])
def test_help_on_every_command(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_every_command_has_help_text() -> None:
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help"


@pytest.mark.parametrize("sample", sample_paths(), ids=lambda p: p.name)
def test_import_every_sample_with_json(tmp_path: Path, sample: Path) -> None:
    code, out, _ = run(tmp_path, "import", str(sample), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["written"] is True
    assert sum(summary["added"].values()) > 5
    assert (tmp_path / "decks" / f"{summary['deck']}.yaml").is_file()


def test_import_prints_summary_then_decks_and_show(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "import", str(EXAMPLE))
    assert code == 0
    assert "doit-senior-backend-engineer-golang" in out and "added" in out and "57" in out
    code, out, _ = run(tmp_path, "decks", "--json")
    decks = json.loads(out)
    assert decks[0]["company"] == "DoiT" and decks[0]["cards"]["question"] == 20
    code, out, _ = run(tmp_path, "show", "doit", "--json")
    cards = json.loads(out)
    assert len(cards) == 106
    assert {"id", "kind", "category", "prompt"} <= set(cards[0])
    code, out, _ = run(tmp_path, "show", "doit")
    assert code == 0 and "Go and Backend Architecture" in out and "Goroutines" in out


def test_show_prints_markup_like_text_literally(tmp_path: Path) -> None:
    doc = tmp_path / "prep.md"
    doc.write_text("# Interview Prep: A – B\n\n## Interview Questions\n- Is [bold red]this[/] <b>safe</b>?\n", "utf-8")
    run(tmp_path, "import", str(doc))
    code, out, _ = run(tmp_path, "show", "a-b")
    assert code == 0 and "Is [bold red]this[/] <b>safe</b>?" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "missing.md"], "missing.md: prep document not found"),
        (["show", "nope"], "no deck named 'nope'"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = run(tmp_path, *args)
    assert code != 0
    assert message in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_document_without_sections_is_refused_and_nothing_written(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Groceries\n\n- milk\n", "utf-8")
    code, _, err = run(tmp_path / "ws", "import", str(doc))
    assert code == 1 and f"{doc}: no interview-prep sections found" in err
    assert not (tmp_path / "ws").exists()


def test_empty_workspace_lists_no_decks(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "decks")
    assert code == 0 and f"No decks in {tmp_path / 'decks'} yet. Import one: studyprep import PREP.md" in out
    assert json.loads(run(tmp_path, "decks", "--json")[1]) == []


def test_home_from_environment(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", str(EXAMPLE), "--json"], env={**NOW, "STUDYPREP_HOME": str(tmp_path)})
    assert result.exit_code == 0
    assert (tmp_path / "decks" / "doit-senior-backend-engineer-golang.yaml").is_file()


def test_decks_counts_follow_hand_edits_through_the_mirror(tmp_path: Path) -> None:
    run(tmp_path, "import", str(EXAMPLE))
    path = tmp_path / "decks" / "doit-senior-backend-engineer-golang.yaml"
    before = json.loads(run(tmp_path, "decks", "--json")[1])[0]
    assert (before["company"], before["role"], before["suspended"]) == ("DoiT", "Senior Backend Engineer (Golang)", 0)
    path.write_text(path.read_text(encoding="utf-8").replace("suspended: false", "suspended: true", 2), "utf-8")
    after = json.loads(run(tmp_path, "decks", "--json")[1])[0]
    assert after["suspended"] == 2 and after["total"] == before["total"] - 2


def test_another_document_naming_the_same_deck_is_refused_not_merged_over_it(tmp_path: Path) -> None:
    first, second = tmp_path / "round-1.md", tmp_path / "round-2.md"
    first.write_text("# Acme - SRE\n\n## Interview Questions\n" + "".join(f"- First {n}?\n" for n in range(6)), "utf-8")
    second.write_text("# Acme - SRE\n\n## Interview Questions\n- Second?\n- First 0?\n", "utf-8")
    assert run(tmp_path / "ws", "import", str(first))[0] == 0
    deck_file = next((tmp_path / "ws" / "decks").glob("*.yaml"))
    before = deck_file.read_bytes()
    code, _, err = run(tmp_path / "ws", "import", str(second))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"{second}: this would retire 5 of the 6 cards of deck '{deck_file.stem}', made from 'round-1.md'" in err
    assert deck_file.read_bytes() == before  # nothing written
    assert run(tmp_path / "ws", "import", str(second), "--deck", "acme-sre-round-2")[0] == 0  # its own deck
    assert run(tmp_path / "ws", "import", str(second), "--deck", deck_file.stem)[0] == 0  # or merged, on purpose
    # The same file edited, or a renamed file that keeps most cards, merges as before.
    first.write_text(first.read_text("utf-8") + "- First 6?\n", "utf-8")
    assert run(tmp_path / "ws", "import", str(first), "--deck", deck_file.stem)[0] == 0
    renamed = tmp_path / "acme.md"
    renamed.write_text(first.read_text("utf-8"), "utf-8")
    assert run(tmp_path / "ws", "import", str(renamed))[0] == 0


def test_explain_prints_what_each_part_became_with_its_line(tmp_path: Path) -> None:
    document = tmp_path / "prep.md"
    document.write_text(
        "# Acme – SRE\n\nIntro.\n\n## Behavioral\n\n### 1. Tell me about a failure.\n\n"
        "**What they're looking for:** ownership\n\n**Sample answer:** I broke prod.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    human = runner.invoke(cli, ["--home", str(tmp_path / "ws"), "import", str(document), "--dry-run", "--explain"])
    assert human.exit_code == 0, human.output
    lines = [line.split() for line in human.output.splitlines()]
    assert ["7", "question", "[Behavioral]", "Tell", "me", "about", "a", "failure."] in lines
    assert any(line[:2] == ["3", "reference"] for line in lines)
    as_json = runner.invoke(
        cli, ["--home", str(tmp_path / "ws"), "import", str(document), "--dry-run", "--explain", "--json"]
    )
    outline = json.loads(as_json.output)["outline"]
    assert [entry["line"] for entry in outline] == sorted(entry["line"] for entry in outline)
    assert {"line": 7, "role": "question", "text": "[Behavioral] Tell me about a failure."} in outline
    plain = runner.invoke(cli, ["--home", str(tmp_path / "ws"), "import", str(document), "--dry-run", "--json"])
    assert "outline" not in json.loads(plain.output)


def test_reimport_keeps_the_deck_when_the_importer_reads_company_or_role_anew(tmp_path: Path) -> None:
    # A deck made by an earlier version, whose reading of the title differed: the same file merges into it.
    home, document = tmp_path / "ws", tmp_path / "acme.md"
    document.write_text("# Interview Prep: Acme – SRE\n\n## Likely questions\n\n- What is DNS?\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", str(home), "import", str(document)]).exit_code == 0
    old = home / "decks" / "acme-sre.yaml"
    renamed = home / "decks" / "acme-site-reliability.yaml"
    renamed.write_text(old.read_text(encoding="utf-8").replace("slug: acme-sre", "slug: acme-site-reliability"))
    old.unlink()
    again = runner.invoke(cli, ["--home", str(home), "import", str(document), "--json"])
    assert json.loads(again.output)["deck"] == "acme-site-reliability"
    assert sorted(path.name for path in (home / "decks").glob("*.yaml")) == ["acme-site-reliability.yaml"]
    # The same file name holding another interview (most cards new) starts its own deck.
    document.write_text("# Interview Prep: Initech – PM\n\n## Likely questions\n\n- Why PM?\n", encoding="utf-8")
    other = runner.invoke(cli, ["--home", str(home), "import", str(document), "--json"])
    assert json.loads(other.output)["deck"] == "initech-pm"
