"""Merge a freshly parsed document into a deck's history without losing the user's notes or ids.

Matching, in order: same id (same kind + normalized prompt); then, inside the same kind and category,
a lightly edited prompt (similarity) keeps the old card's id, notes and history.
"""

from __future__ import annotations

__all__ = ["MergeReport", "derived_tags", "merge_deck"]

import difflib
import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from studyprep.cards.ids import normalize_prompt, slugify
from studyprep.cards.models import Card, Deck, ReferenceNote
from studyprep.cards.parsed import ParsedCard, ParsedDocument

SIMILARITY_THRESHOLD = 0.75
# Fuzzy matching compares every leftover new card with every leftover old card in a category; past this
# many pairs a bulk rewrite is more likely than light edits, so cards are added/retired instead.
MAX_FUZZY_PAIRS = 250_000
_CONTENT_FIELDS = ("kind", "category", "prompt", "context", "back")


@dataclass
class MergeReport:
    """What a merge did, counted by card kind."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    retired: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    revived: Counter[str] = field(default_factory=Counter)
    edited: list[tuple[str, str, str]] = field(default_factory=list)  # (id, old prompt, new prompt)


def derived_tags(kind: str, category: list[str]) -> list[str]:
    """Tags the document implies: the kind and each category, as space-free slugs."""
    return list(_derived_tags(kind, tuple(category)))


@functools.lru_cache(maxsize=4096)
def _derived_tags(kind: str, category: tuple[str, ...]) -> tuple[str, ...]:
    # Many cards share a kind and category: their tags are worked out once.
    tags = [kind, *(slugify(name) for name in category)]
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def merge_deck(
    existing: Deck | None, document: ParsedDocument, slug: str, source_name: str, now: datetime
) -> tuple[Deck, MergeReport]:
    """Return the merged deck and a report; `existing` and its cards are never modified."""
    report = MergeReport()
    old_cards = list(existing.cards) if existing else []
    matches = _match(old_cards, document.cards, report)
    merged: list[Card] = []
    used: set[str] = set()
    for parsed in document.cards:
        old = matches.get(id(parsed))
        card = _update(old, parsed, now, report) if old else _new_card(parsed, now, report)
        if card.id in used:
            continue  # an edited prompt matched onto an id the document also uses as written
        used.add(card.id)
        merged.append(card)
    for card in old_cards:
        if card.id in used:
            continue
        if card.retired is None and not card.by_hand:  # a card added by hand is not the document's to retire
            report.retired[card.kind] += 1
            merged.append(card.but(retired=now))
        else:
            merged.append(card)
    deck = Deck(
        slug=slug,
        title=document.title,
        company=document.company,
        role=document.role,
        source=source_name,
        cards=merged,
        reference=[ReferenceNote(**vars(note)) for note in document.reference],
    )
    return deck, report


def _match(old_cards: list[Card], parsed_cards: list[ParsedCard], report: MergeReport) -> dict[int, Card]:
    if not old_cards:
        return {}  # a new deck: nothing to match (and no prompt to normalize again for it)
    by_id = {card.id: card for card in old_cards}
    by_prompt = {(card.kind, normalize_prompt(card.prompt)): card for card in old_cards}
    matches: dict[int, Card] = {}
    taken: set[str] = set()
    leftovers: list[ParsedCard] = []
    for parsed in parsed_cards:
        old = by_id.get(parsed.id) or by_prompt.get((parsed.kind, normalize_prompt(parsed.prompt)))
        if old is not None and old.id not in taken:
            matches[id(parsed)] = old
            taken.add(old.id)
        else:
            leftovers.append(parsed)
    # A card added by hand keeps its own prompt: only the same prompt in the document matches it.
    candidates = [card for card in old_cards if card.id not in taken and not card.by_hand]
    _match_similar(leftovers, candidates, matches, report)
    return matches


def _match_similar(
    leftovers: list[ParsedCard], candidates: list[Card], matches: dict[int, Card], report: MergeReport
) -> None:
    groups: dict[tuple[str, tuple[str, ...]], list[Card]] = {}
    for card in candidates:
        groups.setdefault((card.kind, tuple(card.category)), []).append(card)
    new_per_group = Counter((parsed.kind, tuple(parsed.category)) for parsed in leftovers)
    for parsed in leftovers:
        key = (parsed.kind, tuple(parsed.category))
        group = groups.get(key, [])
        if not group or len(group) * new_per_group[key] > MAX_FUZZY_PAIRS:
            continue
        best = _most_similar(normalize_prompt(parsed.prompt), group)
        if best is not None:
            group.remove(best)
            matches[id(parsed)] = best
            report.edited.append((best.id, best.prompt, parsed.prompt))


def _most_similar(target: str, group: list[Card]) -> Card | None:
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    best, best_ratio = None, SIMILARITY_THRESHOLD
    for card in group:
        matcher.set_seq1(normalize_prompt(card.prompt))
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= best_ratio:
            best, best_ratio = card, ratio
    return best


def _document_tags(parsed: ParsedCard) -> list[str]:
    """The tags a card takes from its document: kind and categories, then its markers and `#tags`."""
    derived = _derived_tags(parsed.kind, tuple(parsed.category))
    return list(dict.fromkeys([*derived, *parsed.tags]) if parsed.tags else derived)


def _update(old: Card, parsed: ParsedCard, now: datetime, report: MergeReport) -> Card:
    user_tags = [tag for tag in old.tags if tag not in derived_tags(old.kind, old.category)]
    content_changed = any(getattr(old, name) != getattr(parsed, name) for name in _CONTENT_FIELDS)
    update: dict[str, object] = {name: getattr(parsed, name) for name in _CONTENT_FIELDS}
    update["category"] = list(parsed.category)
    update["source"] = parsed.source
    update["tags"] = list(dict.fromkeys([*_document_tags(parsed), *user_tags]))
    update["retired"] = None
    if content_changed:
        update["changed"] = now
    card = old.but(**update)
    if old.retired is not None:
        report.revived[card.kind] += 1
    if content_changed:
        report.updated[card.kind] += 1
    elif old.retired is None:
        report.unchanged[card.kind] += 1
    return card


def _new_card(parsed: ParsedCard, now: datetime, report: MergeReport) -> Card:
    report.added[parsed.kind] += 1
    return Card(
        id=parsed.id,
        kind=parsed.kind,
        category=parsed.category,
        prompt=parsed.prompt,
        context=parsed.context,
        back=parsed.back,
        tags=_document_tags(parsed),
        source=parsed.source,
        added=now,
        changed=now,
    )
