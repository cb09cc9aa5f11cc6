"""The corpus: prep documents of each common family, each beside what a person expects from it.

`tests/corpus/<family>/<name>.md` is a document; `<name>.expected.yaml` says, written by reading the
document (never generated from the importer's output), which cards it gives and where its other text goes:

    company: Acme                 # optional: the company and the role the deck names
    role: Site Reliability Engineer
    cards:                        # every card, in document order
      - kind: question            # question | concept | fact | ask
        category: [Behavioral]    # the category path, then the context label if any; [] for none
        prompt: Tell me about a time you failed.
        back: [What they're looking for, Ownership]   # fragments found in the back, in this order
        tags: [hard]              # optional: tags the card must carry
    reference: [Good luck]        # optional: fragments found in the reference notes, never on a card

Text is compared without Markdown emphasis or code marks and with whitespace collapsed. Documents the
importer does not read right yet are listed, with why, in `corpus/KNOWN_GAPS.txt` (strict xfail: a gap
closed without updating the list fails the run).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from studyprep.parse import parse_document

CORPUS = Path(__file__).parent / "corpus"
DOCUMENTS = sorted(CORPUS.glob("*/*.md"))
_MARKS = re.compile(r"[*_`]+")


def _known_gaps() -> dict[str, str]:
    path = CORPUS / "KNOWN_GAPS.txt"
    if not path.exists():
        return {}
    gaps: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, why = line.partition(":")
        if name.strip() and not name.startswith("#"):
            gaps[name.strip()] = why.strip()
    return gaps


def _flat(text: str) -> str:
    return " ".join(_MARKS.sub("", text).split())


def _in_order(fragments: list[str], text: str) -> bool:
    position = 0
    flat = _flat(text)
    for fragment in fragments:
        found = flat.find(_flat(fragment), position)
        if found < 0:
            return False
        position = found + len(_flat(fragment))
    return True


def _params() -> list[object]:
    gaps = _known_gaps()
    return [
        pytest.param(
            path,
            id=f"{path.parent.name}/{path.stem}",
            marks=[pytest.mark.xfail(strict=True, reason=gaps[key])]
            if (key := f"{path.parent.name}/{path.stem}") in gaps
            else [],
        )
        for path in DOCUMENTS
    ]


def test_the_corpus_is_there() -> None:
    assert len(DOCUMENTS) >= 60
    assert len({path.parent.name for path in DOCUMENTS}) >= 8
    missing = [path.name for path in DOCUMENTS if not path.with_suffix(".expected.yaml").exists()]
    assert not missing, f"documents without expectations: {missing}"


@pytest.mark.parametrize("path", _params())
def test_document_gives_the_expected_cards(path: Path) -> None:
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    document = parse_document(path.read_text(encoding="utf-8"), path)
    problems: list[str] = []
    for field in ("company", "role"):
        if field in expected and _flat(getattr(document, field)) != _flat(str(expected[field])):
            problems.append(f"{field}: {getattr(document, field)!r} != {expected[field]!r}")
    got = [
        (card.kind, [_flat(c) for c in [*card.category, *([card.context] if card.context else [])]], _flat(card.prompt))
        for card in document.cards
    ]
    want = [
        (card["kind"], [_flat(c) for c in card.get("category") or []], _flat(card["prompt"]))
        for card in expected["cards"]
    ]
    if got != want:
        extra = [entry for entry in got if entry not in want]
        lost = [entry for entry in want if entry not in got]
        problems.append(f"cards differ:\n  unexpected: {extra}\n  missing: {lost}")
    by_prompt = {_flat(card.prompt): card for card in document.cards}
    for card in expected["cards"]:
        found = by_prompt.get(_flat(card["prompt"]))
        if found is None:
            continue
        back = card.get("back")
        if back == [] and found.back.strip():
            problems.append(f"{card['prompt']!r}: back should be empty, is {found.back[:80]!r}")
        elif back and not _in_order(back, found.back):
            problems.append(f"{card['prompt']!r}: back lacks {back} in order; is {found.back[:300]!r}")
        for tag in card.get("tags") or []:
            if tag not in getattr(found, "tags", []):
                problems.append(f"{card['prompt']!r}: no tag {tag!r}")
    reference = "\n".join(note.text for note in document.reference)
    for fragment in expected.get("reference") or []:
        if _flat(fragment) not in _flat(reference):
            problems.append(f"reference lacks {fragment!r}")
    assert not problems, "\n".join(problems)
