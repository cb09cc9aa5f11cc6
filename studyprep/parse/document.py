"""Prep document -> ParsedDocument: front matter, title, company and role, then the outline read into cards."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from studyprep.cards.parsed import ParsedCard, ParsedDocument, ParsedNote
from studyprep.errors import StudyprepError, too_large_message
from studyprep.parse.blocks import (
    Block,
    Heading,
    ListBlock,
    NestingTooDeepError,
    Paragraph,
    parse_blocks,
    split_bold_lead,
)
from studyprep.parse.extract import Extractor, OutlineLine
from studyprep.parse.identity import (
    company_from_section,
    identity_from_prose,
    identity_label,
    is_prep_title,
    split_title,
)
from studyprep.parse.meaning import (
    CARD_SECTION_KINDS,
    clean_heading,
    is_generic_title,
    release_memos,
    says_revision,
    section_kind,
    starts_numbered,
)
from studyprep.parse.outline import (
    build_sections,
)
from studyprep.parse.plaintext import plain_notes_as_markdown
from studyprep.parse.section import (
    Section,
    all_sections,
)
from studyprep.parse.source import canonical_source

__all__ = ["MAX_DOCUMENT_BYTES", "parse_document"]


_LOOKED_FOR = (
    "no interview-prep sections found: looked for headings such as 'Predicted Interview Questions', "
    "'Technical/Behavioural Questions', 'Concepts to Review', 'Study Topics', 'Questions to Ask Them' or "
    "'Company Summary' (or any section whose items are mostly questions)"
)


# Real prep documents are 10-100 KB; 5 MB (~50,000 questions) parses in about 6 s with ~350 MB of memory.
MAX_DOCUMENT_BYTES = 5_000_000


_MAX_FRONT_MATTER_LINES = 200


def parse_document(
    text: str, path: Path | None = None, fallback_title: str = "", outline: list[OutlineLine] | None = None
) -> ParsedDocument:
    """Parse prep-document text; raise StudyprepError (naming `path`) if no known section is found.

    Text over `MAX_DOCUMENT_BYTES` characters is refused: parsing time and memory grow with size.
    """
    if len(text) > MAX_DOCUMENT_BYTES:
        raise StudyprepError(too_large_message("prep document", len(text), MAX_DOCUMENT_BYTES), path)
    source = plain_notes_as_markdown(canonical_source(text))
    source, front_matter, metadata = _split_front_matter(source)
    try:
        blocks = parse_blocks(source)
    except NestingTooDeepError as exc:
        raise StudyprepError(f"{exc}: flatten them", path, exc.line + 1) from None
    title_heading = _find_title_heading(blocks)
    title = clean_heading(title_heading.text) if title_heading else ""
    root = build_sections(blocks, skip=title_heading)
    title = title or metadata.get("title", "")
    company, role = _company_and_role(title, metadata, blocks, root)
    revising = says_revision(_introduction(root))
    extractor = Extractor(source.split("\n"), outline, company, revising)
    if front_matter:
        extractor.reference.append(ParsedNote(section="Front matter", kind="other", text=front_matter, source=1))
    extractor.visit(root, inherited=None, categories=[])
    release_memos()
    if not extractor.found:
        raise StudyprepError(_LOOKED_FOR, path)
    headings = extractor.outline_note()
    if headings is not None:
        extractor.reference.append(headings)
    return ParsedDocument(
        title=title or fallback_title or "Interview prep",
        company=company,
        role=role,
        cards=_unique(extractor.cards),
        reference=extractor.reference,
        sections_found=extractor.found,
    )


def _introduction(root: Section) -> str:
    """The prose before the first section: what the writer says the document is."""
    return " ".join(block.text for block in root.blocks[:3] if isinstance(block, Paragraph))


def _company_and_role(title: str, metadata: dict[str, str], blocks: list[Block], root: Section) -> tuple[str, str]:
    """Front matter states them outright; labelled lines (`**Firma:** ...`) next; then the title, read in
    either order; then the introduction's prose ("for the Senior Accountant role at Müller & Söhne"); last,
    the name of the company-summary section ("About Acme")."""
    labels = _identity_labels(blocks)
    stated = _stated_identity(metadata)
    company, role = split_title(title) if title else ("", "")
    found_company = stated.get("company") or labels.get("company") or company
    found_role = stated.get("role") or labels.get("role") or role
    if not found_company or not found_role:  # the prose is read only when needed: its patterns are costly
        intro = _introduction(root)
        prose = identity_from_prose(intro)
        found_company, found_role = found_company or prose.company, found_role or prose.role
    sections = (company_from_section(section.title) for section in all_sections(root))
    found_company = found_company or next((name for name in sections if name), "")
    if found_company and found_company in found_role:
        # "Applying for: Store Manager, Brightmart (Leeds)": the role, without the company it names again
        found_role = found_role[: found_role.index(found_company)].rstrip(" ,–—-@") or found_role
    return found_company, found_role


def _stated_identity(metadata: dict[str, str]) -> dict[str, str]:
    """Company and role from front matter keys in any language (`company:`, `employer:`, `empresa:`,
    `position:`, `puesto:`)."""
    stated = {field: metadata[field] for field in ("company", "role") if metadata.get(field)}
    for key, value in metadata.items():
        found = identity_label(f"{key}: {value}")
        if found is not None:
            stated.setdefault(found[0], found[1])
    return stated


_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z_][\w -]*:(\s|$)")


def _split_front_matter(source: str) -> tuple[str, str, dict[str, str]]:
    """Split off YAML front matter (`---` ... `---` or `...` at the very top, a mapping).

    Returns the source with those lines blanked (line numbers stay), the front matter's text, and its
    one-line text values by lower-case key; a top block that is not a YAML mapping is left as content.
    """
    lines = source.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return source, "", {}
    end = next((i for i, line in enumerate(lines[1:_MAX_FRONT_MATTER_LINES], 1) if line.rstrip() in ("---", "...")), 0)
    if not end:
        return source, "", {}

    # The safe loader (libyaml's when built in): front matter is data, never a tag that builds an object.
    safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load("\n".join(lines[1:end]), Loader=safe_loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        # Front matter that opens like a mapping but will not load (a tag, a typo) is still front matter:
        # kept as text, read for nothing, never shown as the document's title.
        if not _FRONT_MATTER_KEY.match(lines[1]):
            return source, "", {}
        data = {}
    if not isinstance(data, dict):
        return source, "", {}
    metadata = {
        str(key).casefold(): " ".join(str(value).split())
        for key, value in data.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip()
    }
    text = "\n".join(lines[: end + 1])
    return "\n".join([""] * (end + 1) + lines[end + 1 :]), text, metadata


def _find_title_heading(blocks: list[Block]) -> Heading | Paragraph | None:
    """The block naming the document: a bold first line like a prep title, else its first heading when that
    heading names the document rather than a section."""
    lead = _bold_title_line(blocks)
    if lead is not None:
        return lead
    headings = [block for block in blocks if isinstance(block, Heading)]
    if not headings:
        return None
    first = headings[0]
    if _numbered_outline(headings):
        return None  # "# 1. Overview", "# 2. Behavioural questions": the document's sections, no title
    # The one level-1 heading above the rest names the document, even when its words name a round ("ICU RN
    # panel"); one that only names a section ("# Interview Questions") does not.
    sole_top = first.level == 1 and len(headings) > 1 and all(heading.level > 1 for heading in headings[1:])
    if sole_top and not is_generic_title(first.text):
        return first
    names_document = is_prep_title(first.text)
    if section_kind(first.text) in CARD_SECTION_KINDS and not names_document:
        return None
    return first if names_document or first.level == 1 or split_title(first.text) != ("", "") else None


def _numbered_outline(headings: list[Heading]) -> bool:
    """True when the first heading is numbered like an outline and another of its level is too."""
    first = headings[0]
    if not starts_numbered(first.text):
        return False
    return any(heading.level == first.level and starts_numbered(heading.text) for heading in headings[1:])


def _bold_title_line(blocks: list[Block]) -> Paragraph | None:
    """ "**Interview Prep: Acme – SRE**" as the document's first line names it like a heading would."""
    lead = blocks[0] if blocks and isinstance(blocks[0], Paragraph) and blocks[0].bold_lead else None
    if lead is None or "\n" in lead.text:
        return None
    bold = split_bold_lead(lead.text)
    return lead if bold is not None and not bold[1] and is_prep_title(bold[0]) else None


def _unique(cards: list[ParsedCard]) -> list[ParsedCard]:
    """One card per prompt: a prompt written again elsewhere joins the first card, what it adds (another
    category, another answer) on that card's back."""
    kept: dict[str, ParsedCard] = {}
    for card in cards:
        first = kept.setdefault(card.id, card)
        if first is not card:
            _join(first, card)
    return list(kept.values())


def _join(first: ParsedCard, again: ParsedCard) -> None:
    where = " > ".join(again.category) if again.category != first.category else ""
    added = again.back if again.back and again.back not in first.back else ""
    if where or added:
        note = f"*Also under {where}*" if where else ""
        first.back = "\n\n".join(part for part in (first.back, note, added) if part)
    first.tags = list(dict.fromkeys([*first.tags, *again.tags]))


# "Role: Operations Manager. Company: Calder Freight Ltd. Panel interview.": labels written one after another.
_SENTENCE_END = re.compile(r"(?<=[a-z]{2}\.)\s+(?=[A-Z])")
_LABELLED_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[^\W\d][^:：.;]{0,40}[:：]\s)")


def _identity_labels(blocks: list[Block]) -> dict[str, str]:
    """`Company: X` / `**Firma:** X` / `Poste : Y` lines in paragraphs and in the top two list levels."""
    found: dict[str, str] = {}
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            lines.extend(block.text.split("\n"))
        elif isinstance(block, ListBlock):
            lines.extend(item.text.split("\n")[0] for item in block.items)
            lines.extend(nested.text.split("\n")[0] for item in block.items for nested in item.nested_items())
    for line in lines:
        if ":" not in line and "：" not in line:
            continue  # no label (most lines): not worth splitting into sentences
        pieces = _LABELLED_SENTENCE.split(line)
        for piece in pieces:
            label = identity_label(piece)
            if label is not None:
                # Among labels on one line, a value ends at its sentence: "Calder Freight Ltd. Panel interview."
                value = _SENTENCE_END.split(label[1], maxsplit=1)[0].rstrip(" .;") if len(pieces) > 1 else label[1]
                found.setdefault(label[0], clean_heading(value))
    return found
