"""Anki note types, deck names, ids, guids and tags for studyprep cards.

Everything here is frozen once released, because Anki matches what it imports against what it has:
- note types by id, and it ignores updates to notes whose note type changed its field or template names;
- notes by guid (a hash of deck slug and card id, so a re-export updates the same notes);
- decks by name (ids are still derived from stable names, never from the clock, so packages are
  reproducible).
Changing a template or the CSS is fine: bump `TEMPLATE_REVISION` so Anki takes the new note type.

Imported only by the export and anki-pull commands (genanki is a heavy import).
"""

from __future__ import annotations

__all__ = [
    "CARD_INSERT",
    "CSS",
    "FIELDS",
    "FIELD_SEPARATOR",
    "NOTE_INSERT",
    "NOTE_TYPES",
    "RETIRED_TAG",
    "SUSPENDED_TAG",
    "TEMPLATE_NAME",
    "TEMPLATE_REVISION",
    "ExportNote",
    "anki_tags",
    "deck_id",
    "deck_name",
    "note_guid",
    "note_type",
    "top_deck_title",
]

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import genanki

from studyprep.cards.ids import slugify

# Field names in order. Never rename, reorder or remove one: Anki would refuse updates to existing notes.
FIELDS: tuple[str, ...] = ("Prompt", "Context", "Back", "Notes", "Category", "Source")
TEMPLATE_NAME = "Card 1"
# Unix time of the last change to the templates or CSS; Anki replaces a note type only with a newer one.
TEMPLATE_REVISION = 1_796_670_000  # 2026-12-07T19:00:00Z
ID_FLOOR = 1 << 30
ID_SPAN = 1 << 30
TAG_PREFIX_ROOT = "studyprep"
SUSPENDED_TAG = "studyprep::suspended"
RETIRED_TAG = "studyprep::retired"
KIND_TAG = "studyprep::kind::"
CATEGORY_TAG = "studyprep::category::"


@dataclass(frozen=True)
class NoteTypeSpec:
    """One note type: its frozen name/id and what the card says about itself."""

    kind: str
    name: str
    label: str
    empty_answer: str

    @property
    def model_id(self) -> int:
        """Frozen id, from the frozen name."""
        return stable_id(f"note-type:{self.kind}")


NOTE_TYPES: dict[str, NoteTypeSpec] = {
    "question": NoteTypeSpec(
        "question",
        "studyprep: interview question",
        "Interview question",
        "Answer out loud, as in the interview. Write your answer in the deck's notes to see it here.",
    ),
    "concept": NoteTypeSpec(
        "concept",
        "studyprep: concept",
        "Explain the concept",
        "Explain it in two or three sentences, with an example from your own work.",
    ),
    "fact": NoteTypeSpec(
        "fact",
        "studyprep: fact",
        "Recall",
        "No answer was written in the document for this one.",
    ),
    "ask": NoteTypeSpec(
        "ask",
        "studyprep: question to ask",
        "Your question for them",
        "Why does it matter to you, and what answer would worry you?",
    ),
}

CSS = """\
.card {
  --sp-text: #1c1c1e; --sp-muted: #6b6b70; --sp-bg: #ffffff; --sp-accent: #2457c5;
  --sp-code-bg: rgba(120, 120, 128, 0.14); --sp-rule: rgba(120, 120, 128, 0.3);
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.5; text-align: left;
  color: var(--sp-text); background-color: var(--sp-bg);
  padding: 12px 16px; margin: 0;
}
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  --sp-text: #ececf0; --sp-muted: #a1a1a8; --sp-bg: #1e1e20; --sp-accent: #7aa7ff;
  --sp-code-bg: rgba(200, 200, 210, 0.16); --sp-rule: rgba(200, 200, 210, 0.28);
}
.sp { max-width: 42rem; margin: 0 auto; overflow-wrap: anywhere; word-break: normal; }
.sp-meta { font-size: 0.72em; color: var(--sp-muted); letter-spacing: 0.02em; margin-bottom: 0.6em; }
.sp-kind { font-weight: 600; text-transform: uppercase; color: var(--sp-accent); }
.sp-cat::before { content: " · "; }
.sp-prompt { font-size: 1.12em; font-weight: 600; }
.sp-context { color: var(--sp-muted); margin-top: 0.4em; }
.sp-back, .sp-notes { margin-top: 0.2em; }
.sp-notes { border-left: 3px solid var(--sp-accent); padding-left: 0.7em; margin-top: 0.8em; }
.sp-label { font-size: 0.72em; color: var(--sp-muted); text-transform: uppercase; }
.sp-empty { color: var(--sp-muted); font-style: italic; }
.sp-source { font-size: 0.7em; color: var(--sp-muted); margin-top: 1.4em; }
.sp ul, .sp ol { margin: 0.3em 0; padding: 0; }
.sp li { margin: 0.2em 0; margin-inline-start: 1.3em; }  /* on its own start side: an item may be right-to-left */
.sp code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.88em; background: var(--sp-code-bg); border-radius: 4px; padding: 0.05em 0.3em;
  white-space: pre-wrap;
}
.sp pre {
  background: var(--sp-code-bg); border-radius: 6px; padding: 0.5em 0.7em; margin: 0.5em 0;
  overflow-x: auto; max-width: 100%; box-sizing: border-box; line-height: 1.35;
}
.sp pre code { background: none; padding: 0; border-radius: 0; white-space: pre; font-size: 0.8em; }
.sp-table { overflow-x: auto; max-width: 100%; margin: 0.5em 0; }
.sp table { border-collapse: collapse; font-size: 0.85em; }
.sp th, .sp td { border: 1px solid var(--sp-rule); padding: 0.25em 0.5em; vertical-align: top; overflow-wrap: normal; }
.sp th { background: var(--sp-code-bg); font-weight: 600; }
hr#answer { border: 0; border-top: 1px solid var(--sp-rule); margin: 1em 0; }
@media (max-width: 480px) { .card { font-size: 18px; padding: 8px 10px; } }
"""

# Document text such as `\\(x\\)` is never typeset: `mathjax_ignore` is MathJax 3's class (Anki 2.1.50+),
# `tex2jax_ignore` MathJax 2's (older clients). `dir="auto"` on each text block lets right-to-left text
# mixed with English read in its own order.
_IGNORE = "mathjax_ignore tex2jax_ignore"
_FRONT = """\
<div class="sp sp-{kind} {ignore}">
<div class="sp-meta"><span class="sp-kind">{label}</span>
{where}</div>
<div class="sp-prompt" dir="auto">{{{{Prompt}}}}</div>
{{{{#Context}}}}<div class="sp-context" dir="auto">{{{{Context}}}}</div>{{{{/Context}}}}
</div>"""

# Where the card belongs, beside its kind. Anki's `{{Deck}}` is the card's full deck name ("Title::Category"):
# a card with no category, and every fact ("Mission", "Core values"), names its deck's company that way, so
# cards from several decks are told apart on a phone. Special fields leave the released field list alone.
_CATEGORY_OR_DECK = (
    '{{#Category}}<span class="sp-cat">{{Category}}</span>{{/Category}}'
    '{{^Category}}<span class="sp-cat sp-deck">{{Deck}}</span>{{/Category}}'
)
_DECK = '<span class="sp-cat sp-deck">{{Deck}}</span>'

_BACK = """\
{{{{FrontSide}}}}
<hr id="answer">
<div class="sp sp-answer {ignore}">
{{{{#Back}}}}<div class="sp-back" dir="auto">{{{{Back}}}}</div>{{{{/Back}}}}
{{{{#Notes}}}}<div class="sp-notes" dir="auto"><div class="sp-label">Your answer</div>{{{{Notes}}}}</div>{{{{/Notes}}}}
{{{{^Back}}}}{{{{^Notes}}}}<div class="sp-empty">{empty}</div>{{{{/Notes}}}}{{{{/Back}}}}
{{{{#Source}}}}<div class="sp-source" dir="auto">{{{{Source}}}}</div>{{{{/Source}}}}
</div>"""


def stable_id(name: str) -> int:
    """A 31-bit id (as genanki recommends) derived from a stable name, never from the clock."""
    digest = hashlib.sha256(f"studyprep:{name}".encode()).digest()
    return ID_FLOOR + int.from_bytes(digest[:8], "big") % ID_SPAN


def note_guid(deck_slug: str, card_id: str) -> str:
    """The Anki guid of a card's note: its stable id namespaced by deck (ids are unique per deck only).

    genanki's `guid_for(deck_slug, card_id)` (the first 8 bytes of a SHA-256 in Anki's base 91), in fewer steps:
    an export makes one per card (tests/test_anki_export.py checks the two agree)."""
    number = int.from_bytes(hashlib.sha256(f"{deck_slug}__{card_id}".encode()).digest()[:8], "big")
    digits = []
    while number > 0:
        number, digit = divmod(number, _BASE91_SIZE)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


_BASE91 = "".join(genanki.util.BASE91_TABLE)
_BASE91_SIZE = len(_BASE91)


class _RevisedModel(genanki.Model):
    """A genanki model whose modification time is its template revision, not the export time."""

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        return super().to_json(TEMPLATE_REVISION, deck_id)


@cache
def note_type(kind: str) -> genanki.Model:
    """The genanki model for a card kind (one card template, fields `FIELDS`)."""
    spec = NOTE_TYPES[kind]
    return _RevisedModel(
        spec.model_id,
        spec.name,
        fields=[{"name": name} for name in FIELDS],
        templates=[
            {
                "name": TEMPLATE_NAME,
                "qfmt": _FRONT.format(
                    kind=spec.kind,
                    label=spec.label,
                    where=_DECK if spec.kind == "fact" else _CATEGORY_OR_DECK,
                    ignore=_IGNORE,
                ),
                "afmt": _BACK.format(empty=spec.empty_answer, ignore=_IGNORE),
            }
        ],
        css=CSS,
        sort_field_index=0,
    )


class ExportNote:
    """A note as genanki's `Note` writes it, with a fixed id and a modification time from when its card last changed
    in studyprep: its row made once, when the export builds it.

    Anki updates an existing note (same guid) only when the incoming one is newer, so the time must be the card's,
    not the export's: unchanged cards leave Anki alone, edited cards update it. Not a genanki `Note`: a note per card
    of genanki's checks each tag through its own list type, works its cards out through a cached property and scans
    every field for stray HTML tags as it writes (they are studyprep's own, escaped), a third of writing a package;
    and its card objects and field list took a fifth of a big export's memory. Its cards are new (suspended when
    `suspend`), unless `scheduled` writes the note's one card (`progress.ScheduledCard`).
    tests/test_anki_export.py checks genanki writes the same rows from genanki notes.
    """

    __slots__ = ("due", "model", "ords", "row", "scheduled", "suspend")

    def __init__(
        self, *, model: genanki.Model, fields: list[str], tags: list[str], guid: str, due: int, note_id: int,
        modified: int, suspend: bool = False, scheduled: Any = None,
    ) -> None:  # fmt: skip
        joined = FIELD_SEPARATOR.join(fields)
        if len(fields) != len(model.fields) or joined.count(FIELD_SEPARATOR) != len(fields) - 1:
            raise ValueError(f"note type {model.name!r} takes {len(model.fields)} fields without {FIELD_SEPARATOR!r}")
        self.model, self.due, self.suspend, self.scheduled = model, due, suspend, scheduled
        # genanki's notes row but its sort field (id, guid, mid, mod, usn, tags, flds; then sfld, csum, flags, data),
        # which is one of the fields: cut from them when written, not kept twice.
        self.row = (note_id, guid, model.model_id, int(modified), -1, " " + " ".join(tags) + " ", joined)
        # One card per template whose required fields are filled, as genanki's `Note.cards` for a front/back type.
        ords = tuple(card_ord for card_ord, any_or_all, required in model._req
                     if _REQUIREMENTS[any_or_all](fields[index] for index in required))  # fmt: skip
        self.ords = _SHARED_ORDS.setdefault(ords, ords)

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        """Write the note, then its cards (each with the note's id and modification time, not genanki's)."""
        note_id, modified, joined = self.row[0], self.row[3], self.row[6]
        cursor.execute(NOTE_INSERT, (*self.row, _field(joined, self.model.sort_field_index), 0, 0, ""))
        if self.scheduled is not None:
            self.scheduled.write_to_db(cursor, modified, deck_id, note_id, itertools.repeat(note_id), self.due)
            return
        queue = -1 if self.suspend else 0
        for card_ord in self.ords:  # genanki's cards row: id, nid, did, ord, mod, usn, type, queue, due, then zeros
            cursor.execute(CARD_INSERT, (note_id, note_id, deck_id, card_ord, modified, -1, 0, queue, self.due,
                                         0, 0, 0, 0, 0, 0, 0, 0, ""))  # fmt: skip


# As genanki.note and genanki.card spell them.
NOTE_INSERT = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);"
CARD_INSERT = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);"
FIELD_SEPARATOR = "\x1f"
_REQUIREMENTS = {"any": any, "all": all}
_SHARED_ORDS: dict[tuple[int, ...], tuple[int, ...]] = {}


def _field(joined: str, index: int) -> str:
    """Field `index` of fields joined with `FIELD_SEPARATOR`."""
    start = 0
    for _ in range(index):
        start = joined.index(FIELD_SEPARATOR, start) + 1
    end = joined.find(FIELD_SEPARATOR, start)
    return joined[start:] if end < 0 else joined[start:end]


def deck_name(title: str, category: list[str]) -> str:
    """`Title::Category::Sub`: one Anki subdeck per category level (`::` inside a name is flattened)."""
    parts = [_deck_component(title), *(_deck_component(name) for name in category)]
    return "::".join(part for part in parts if part)


def top_deck_title(title: str, company: str, role: str) -> str:
    """A deck's short name in Anki: `Company – Role` (either alone when only one is known), else its title."""
    short = " – ".join(part.strip() for part in (company, role) if part.strip())
    return short or title


def deck_id(slug: str, category: list[str]) -> int:
    """Stable id of a (sub)deck, from the deck slug and category path."""
    return stable_id("deck:" + "\x1f".join([slug, *category]))


def anki_tags(kind: str, category: list[str], tags: list[str], suspended: bool, retired: bool = False) -> list[str]:
    """Space-free Anki tags: studyprep's own under one root (`studyprep::kind::question`,
    `studyprep::category::databases::indexes`, suspension, retirement), the card's own tags as written."""
    wanted = [*_derived_tags(kind, tuple(category)), *(safe_tag(tag) for tag in tags)]
    if suspended:
        wanted.append(SUSPENDED_TAG)
    if retired:
        wanted.append(RETIRED_TAG)
    return list(dict.fromkeys(tag for tag in wanted if tag))


def tags_added_in_anki(exported: list[str], in_anki: tuple[str, ...] | list[str]) -> list[str]:
    """The tags a note has in Anki that studyprep did not write (`exported`, from `anki_tags`): the user's own,
    added there. Anki matches tags case-insensitively; anything under studyprep's root is studyprep's."""
    ours = {tag.casefold() for tag in exported}
    root = TAG_PREFIX_ROOT.casefold() + "::"
    added = (tag for tag in in_anki if tag.casefold() not in ours and not tag.casefold().startswith(root))
    return list(dict.fromkeys(safe_tag(tag) for tag in added if safe_tag(tag)))


@cache
def _derived_tags(kind: str, category: tuple[str, ...]) -> tuple[str, ...]:
    # Many cards share a category: compute its tags once. A category path is one hierarchical tag.
    path = "::".join(part for part in (safe_tag(slugify(name)).replace("::", "-") for name in category) if part)
    return (KIND_TAG + safe_tag(kind), *((CATEGORY_TAG + path,) if path else ()))


_ANGLE_BRACKETS = str.maketrans({"<": "‹", ">": "›"})
# The card templates show the deck name (`{{Deck}}`), which Anki inserts unescaped: a character reference
# or a media/LaTeX tag in it would render as such, so their `&` / `[` become look-alikes (other names keep theirs).
_ANKI_MARKUP = re.compile(r"&(?=#?\w+;)|\[(?=sound:|anki:|latex\]|\$\$?\]|/?(?:latex|\$\$?)\])", re.IGNORECASE)
_TAG_JUNK = re.compile(r"[\s\"\x00-\x1f\x7f]+")
_COLONS = re.compile(r":{3,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@lru_cache(maxsize=4096)  # a deck's cards share a few tags: each is cleaned once per export
def safe_tag(tag: str) -> str:
    """A tag Anki keeps as one tag: no whitespace or quotes, no stray `:` at the ends."""
    cleaned = _TAG_JUNK.sub("_", unicodedata.normalize("NFC", tag)).strip("_")
    return _COLONS.sub("::", cleaned).strip(":")


def _look_alike(match: re.Match[str]) -> str:
    return "＆" if match.group(0) == "&" else "［"


def _deck_component(name: str) -> str:
    # Deck names are plain text in Anki, but not every client escapes them: angle brackets become
    # look-alike quotes so a name can never be read as a tag. Anki drops control characters from a deck name.
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
    cleaned = _CONTROL.sub("", cleaned)
    cleaned = _ANKI_MARKUP.sub(_look_alike, cleaned.translate(_ANGLE_BRACKETS))
    return re.sub(r":{2,}", ":", cleaned).strip(":").strip()
