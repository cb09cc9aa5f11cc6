"""Prep document -> ParsedDocument: sections recognized by meaning, cards by kind, the rest kept as notes.

Structure comes from markdown-it-py's block tree (see `blocks`); this module decides what each part means.
"""

from __future__ import annotations

import functools
import itertools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from studyprep.errors import StudyprepError, too_large_message
from studyprep.models import ParsedCard, ParsedDocument, ReferenceNote
from studyprep.parse.blocks import (
    Block,
    Callout,
    Heading,
    Item,
    ListBlock,
    NestingTooDeepError,
    Paragraph,
    Rule,
    Table,
    parse_blocks,
    split_bold_lead,
)
from studyprep.parse.identity import company_from_section, identity_label, is_prep_title, split_title
from studyprep.parse.inline import clean_prompt, clean_text
from studyprep.parse.meaning import (
    ANSWER_MARKER,
    CARD_SECTION_KINDS,
    PLAIN_LABEL,
    QUESTION_MARKER,
    clean_heading,
    is_answer_part,
    is_generic_title,
    is_question_marker,
    is_stage_title,
    looks_like_question,
    question_label,
    section_kind,
    strip_numbering,
    strip_symbols,
)
from studyprep.parse.meaning import (
    plain as plain_text,
)
from studyprep.parse.source import canonical_source
from studyprep.parse.topics import split_topics

LOOKED_FOR = (
    "no interview-prep sections found: looked for headings such as 'Predicted Interview Questions', "
    "'Technical/Behavioural Questions', 'Concepts to Review', 'Study Topics', 'Questions to Ask Them' or "
    "'Company Summary' (or any section whose items are mostly questions)"
)
_LABEL_ONLY = re.compile(r"^(?P<label>[^:：?？`\[\]()]{1,60}?)\s*[:：]$")
_DASH_LABEL = re.compile(r"^(?P<label>[^—–`\[\]()]{1,60}?)\s+[—–-]\s+(?P<rest>\S.*)$", re.DOTALL)
_MAX_LABEL_WORDS = 6
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A hint after the question mark, behind an arrow or a spaced dash, or after an HTML line break.
_HINT_AFTER_QUESTION = re.compile(
    r"^(?P<question>.*?[?？](?:\s*(?:\(\w+\)|\[\w+\]|[^\w\s]{1,2}))*?)(?:\s+(?:->|=>|→|⇒|—|–|-)\s+|\s*<br\s*/?>\s*)"
    r"(?P<hint>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
# An arrow says "the answer follows" even after a question written without a question mark; so does a dash
# after a sentence's full stop or a link ("[Min Stack](...) — two stacks").
_HINT_AFTER_ARROW = re.compile(r"^(?P<question>\S.{4,}?(?:[.!)]|))\s+(?:->|=>|→|⇒)\s+(?P<hint>\S.*)$", re.DOTALL)
_HINT_AFTER_DASH = re.compile(
    r"^(?P<question>(?:\S{1,3}\s+)*\[[^\]]+\]\([^)]+\)(?:\s*(?:\([A-Za-z]+\)|\[[A-Za-z]+\]|[^\w\s]{1,3}))*|"
    r"\S+(?:\s+\S+)+?)\s+(?:[—–]|-(?=\s+\S+\s)|(?<=\)\s)-)\s+(?P<hint>\S.*)$",
    re.DOTALL,
)
_HINT_SEPARATOR = re.compile(r"->|=>|→|⇒|—|–|\s-\s|<br", re.IGNORECASE)
_LINK_TARGET = re.compile(r"\[[^\]]*\]\([^)]*\)")
_DEFINITION = re.compile(r"^[:：]\s+")
_BULLET = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+")
# "a) use a queue" / "a. ..." opens an enumeration of options, not an answer; "A:" is an answer.
_LETTER_ENUMERATION = re.compile(r"^a\s*[.)]", re.IGNORECASE)
# Real prep documents are 10-100 KB; 5 MB (~50,000 questions) parses in about 6 s with ~350 MB of memory.
MAX_DOCUMENT_BYTES = 5_000_000
_MAX_FRONT_MATTER_LINES = 200
_MIN_TOPIC_ITEMS = 3
_ANSWER_CALLOUTS = {"example", "answer", "success", "check", "done", "abstract", "summary"}
_REFERENCE_KINDS = {"role", "fit", "resume", "strategy"}
_IDENTITY_LABELS = {"company": "company", "employer": "company", "role": "role", "position": "role", "title": "role"}


@dataclass
class Section:
    """A heading (real, or a bold line acting as one) with its own blocks and its sub-sections."""

    title: str
    level: float
    line: int
    pseudo: bool = False
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class OutlineLine:
    """What one part of the document became: its 1-based line, its role and a short description."""

    line: int
    role: str
    text: str


def parse_document(
    text: str, path: Path | None = None, fallback_title: str = "", outline: list[OutlineLine] | None = None
) -> ParsedDocument:
    """Parse prep-document text; raise StudyprepError (naming `path`) if no known section is found.

    Text over `MAX_DOCUMENT_BYTES` characters is refused: parsing time and memory grow with size.
    """
    if len(text) > MAX_DOCUMENT_BYTES:
        raise StudyprepError(too_large_message("prep document", len(text), MAX_DOCUMENT_BYTES), path)
    source = canonical_source(text)
    source, front_matter, metadata = _front_matter(source)
    try:
        blocks = parse_blocks(source)
    except NestingTooDeepError as exc:
        raise StudyprepError(f"{exc}: flatten them", path, exc.line + 1) from None
    title_heading = _title_heading(blocks)
    title = clean_heading(title_heading.text) if title_heading else ""
    root = _build_sections(blocks, skip=title_heading)
    title = title or metadata.get("title", "")
    company, role = _company_and_role(title, metadata, blocks, root)
    extractor = _Extractor(source.split("\n"), outline, company)
    if front_matter:
        extractor.reference.append(ReferenceNote(section="Front matter", kind="other", text=front_matter, source=1))
    extractor.visit(root, inherited=None, categories=[])
    if not extractor.found:
        raise StudyprepError(LOOKED_FOR, path)
    return ParsedDocument(
        title=title or fallback_title or "Interview prep",
        company=company,
        role=role,
        cards=_unique(extractor.cards),
        reference=extractor.reference,
        sections_found=extractor.found,
    )


def _company_and_role(title: str, metadata: dict[str, str], blocks: list[Block], root: Section) -> tuple[str, str]:
    """Front matter states them outright; labelled lines (`**Firma:** ...`) next; then the title, read in
    either order; last, the name of the company-summary section ("About Acme")."""
    labels = _identity_labels(blocks)
    company, role = split_title(title) if title else ("", "")
    sections = (company_from_section(section.title) for section in _all_sections(root))
    return (
        metadata.get("company") or labels.get("company") or company or next((name for name in sections if name), ""),
        metadata.get("role") or labels.get("role") or role,
    )


def _company_word(company: str) -> str:
    """The word that names the company in a heading: its first word of three letters or more."""
    return next((word for word in _comparable_words(company) if len(word) >= 3 and word != "the"), "")


def _comparable_words(text: str) -> list[str]:
    return re.findall(r"\w+", plain_text(text).casefold())


def _all_sections(section: Section):
    for child in section.children:
        yield child
        yield from _all_sections(child)


_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z_][\w -]*:(\s|$)")


def _front_matter(source: str) -> tuple[str, str, dict[str, str]]:
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
    import yaml

    from studyprep.yamlio import SafeLoader

    try:
        data = yaml.load("\n".join(lines[1:end]), Loader=SafeLoader)  # noqa: S506 - a safe loader
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


def _title_heading(blocks: list[Block]) -> Heading | Paragraph | None:
    lead = blocks[0] if blocks and isinstance(blocks[0], Paragraph) and blocks[0].bold_lead else None
    if lead is not None and "\n" not in lead.text:
        # "**Interview Prep: Acme – SRE**" as the document's first line names it like a heading would.
        bold = split_bold_lead(lead.text)
        if bold is not None and not bold[1] and is_prep_title(bold[0]):
            return lead
    headings = [block for block in blocks if isinstance(block, Heading)]
    first = headings[0] if headings else None
    if first is None:
        return None
    # The one level-1 heading above the rest names the document, even when its words name a round ("ICU RN
    # panel"); one that only names a section ("# Interview Questions") does not.
    sole_top = first.level == 1 and all(heading.level > 1 for heading in headings[1:]) and len(headings) > 1
    if sole_top and not is_generic_title(first.text):
        return first
    if section_kind(first.text) in CARD_SECTION_KINDS and not is_prep_title(first.text):
        return None
    if is_prep_title(first.text) or first.level == 1:
        return first
    return first if split_title(first.text) != ("", "") else None


def _build_sections(blocks: list[Block], skip: Block | None) -> Section:
    root = Section(title="", level=0, line=-1)
    stack = [root]
    for block in blocks:
        if block is skip:
            continue
        if isinstance(block, Callout) and section_kind(block.title or block.kind) in CARD_SECTION_KINDS:
            # "> [!question] Questions to ask": a section of its own, ended by the callout's own last line.
            title = block.title or block.kind
            callout = Section(title, stack[-1].level + 0.5, block.start, pseudo=True, blocks=block.children)
            stack[-1].children.append(callout)
            continue
        heading = _as_heading(block, stack)
        if heading is None:
            stack[-1].blocks.append(block)
            continue
        section, remainder = heading
        if is_answer_part(section.title):
            _nest_answer_part(section, stack)
        while stack[-1].level >= section.level:
            stack.pop()
        stack[-1].children.append(section)
        stack.append(section)
        if remainder is not None:
            section.blocks.append(remainder)
    return root


def _nest_answer_part(section: Section, stack: list[Section]) -> None:
    """ "### Sample answer" beside "### 3. How would you ...?" is a part of the question above it, so it
    must not close that question's section; a heading no deeper than the question's parent ("## Tips" after
    "**Tell me about a failure.**" under "## Questions") still starts a section of its own."""
    depth = len(stack)
    while depth > 2 and is_answer_part(stack[depth - 1].title):
        depth -= 1
    if depth < 2:
        return
    question, above = stack[depth - 1], stack[depth - 2]
    if _is_question_title(question.title) and section.level > above.level:
        del stack[depth:]
        section.level = question.level + 0.25


def _as_heading(block: Block, stack: list[Section]) -> tuple[Section, Block | None] | None:
    """A real heading, or a paragraph whose first line is only bold text, as a section; else None."""
    if isinstance(block, Heading):
        return Section(block.text, block.level, block.start), None
    if not isinstance(block, Paragraph) or not block.bold_lead:
        return None
    first_line, _, rest = block.text.partition("\n")
    lead = split_bold_lead(first_line)
    if lead is None or lead[1] or is_answer_part(lead[0]):
        return None  # "**Sample answer:**" alone on its line labels the text below it, inside the question
    if first_line.rstrip("*_ ").endswith((":", "：")) and _is_question_title(stack[-1].title):
        return None  # "**How to show it:**" under a question: a part of its answer, not a section
    real_level = next((s.level for s in reversed(stack) if not s.pseudo), 0)
    section = Section(lead[0], real_level + 0.5, block.start, pseudo=True)
    remainder = Paragraph(block.start + 1, block.end, text=rest.strip()) if rest.strip() else None
    return section, remainder


class _Extractor:
    """Walks the section tree, emitting cards for card sections and reference notes for the rest."""

    def __init__(self, lines: list[str], outline: list[OutlineLine] | None = None, company: str = "") -> None:
        self.lines = lines
        self.outline = outline
        # A heading naming the company ("Intercom notes", "Oatly background") is its summary: facts.
        self.company_word = _company_word(company)
        self.cards: list[ParsedCard] = []
        self.reference: list[ReferenceNote] = []
        self.found: list[str] = []
        self.leftovers: list[Block] = []
        # The question card whose back the next labelled part, code block or table belongs to, if any.
        self.last_question: ParsedCard | None = None
        self.last_question_level: float = 0
        self.last_question_from_list = False

    def visit(self, section: Section, inherited: str | None, categories: list[str]) -> None:
        title = clean_heading(section.title)
        if (
            self.last_question is not None
            and section.level > self.last_question_level
            and title
            and is_answer_part(section.title)
        ):
            self._attach(self._section_text(section), section.line)  # "#### Sample answer" after a question
            return
        if inherited in ("question", "ask") and title and _is_question_section(section, among_questions=True):
            self._question_section(section, inherited, categories)
            return
        self.last_question = None
        kind, path = self._kind_of(section, title, inherited, categories)
        if title:
            self._explain(
                section.line, "section", f"{title!r}: {kind or 'reference'}" + (f", category {path}" if path else "")
            )
        if kind is None:
            own = section_kind(title) if title else None
            self._keep(title, own if own in _REFERENCE_KINDS else "other", section.blocks, section.line)
        else:
            self.leftovers = []
            self.last_question_level = section.level
            self._blocks(section.blocks, kind, path)
            self._keep(title, "company" if kind == "fact" else "other", self.leftovers, section.line)
        # Outside card sections, headings (or bold lines) that are mostly questions are questions themselves
        # ("**What is a data lake?**" then its answer, in a document with no section heading).
        asked = [] if kind else [child for child in section.children if _is_question_section(child)]
        if asked and len(asked) * 2 >= len(section.children):
            self.found.append(title or "(untitled list of questions)")
        else:
            asked = []
        asked_path = [title] if asked and title and not is_generic_title(title) else []
        for child in section.children:
            self.visit(child, "question" if child in asked else kind, path if kind else asked_path)

    def _question_section(self, section: Section, kind: str, categories: list[str]) -> None:
        """A heading or bold line that is itself a question: what follows it, with its labelled parts
        ("#### What they're looking for", "**Sample answer:**"), is its back; sub-questions stay cards."""
        parts = [child for child in section.children if not _is_question_section(child, among_questions=True)]
        for part in parts:
            self._explain(part.line, "back", f"part {clean_heading(part.title)!r} of the question above")
        back = "\n\n".join(
            part for part in (self._source(section.blocks), *(self._section_text(child) for child in parts)) if part
        )
        self._question_text(kind, categories, section.title, section.line, back)
        self.last_question = None  # its parts are all read: a later section of its level is not one of them
        for child in section.children:
            if child not in parts:
                self.visit(child, kind, categories)

    def _section_text(self, section: Section) -> str:
        """A section as its label (a heading becomes a bold label) and everything under it, verbatim."""
        label = f"**{clean_heading(section.title)}**" if not section.pseudo else ""
        start = section.line + (0 if section.pseudo else 1)
        body = textwrap.dedent("\n".join(self.lines[start : _section_end(section)])).strip()
        return "\n\n".join(part for part in (label, body) if part)

    def _explain(self, line: int, role: str, text: str) -> None:
        if self.outline is not None:
            self.outline.append(OutlineLine(line + 1, role, " ".join(text.split())[:120]))

    def _attach(self, text: str, line: int) -> None:
        """Add text to the back of the question just read: a labelled part, code or a table written after it."""
        card = self.last_question
        if card is not None and text.strip():
            self._explain(line, "back", f"part of the back of {card.prompt!r}: {text}")
            card.back = "\n\n".join(part for part in (card.back, text.strip()) if part)

    def _kind_of(
        self, section: Section, title: str, inherited: str | None, categories: list[str]
    ) -> tuple[str | None, list[str]]:
        """The card kind a section's content gives (None: kept as a reference note) and its category path."""
        own = self._own_kind(section, title)
        # The heading of the company facts or of the questions to ask only names the section: no category.
        named = title and (is_stage_title(title) or not is_generic_title(title))  # a round names its questions
        own_path = [title] if named and own not in ("fact", "ask") else []
        # "Resources", "Checklist", "Logistics" are kept for reading wherever they sit, and so is "### Final tips"
        # under the questions when it holds advice rather than questions.
        advice = inherited is not None and own in _REFERENCE_KINDS and not _mostly_questions(section.blocks)
        if own == "other" or advice:
            return None, []
        if inherited is not None:
            return self._under(section, title, own, own_path, inherited, categories)
        kind = own if own in CARD_SECTION_KINDS else _kind_by_content(section, title, own)
        if kind is not None:
            self.found.append(title or "(untitled list of questions)")
        return kind, own_path if kind else []

    def _own_kind(self, section: Section, title: str) -> str | None:
        own = section_kind(title) if title else None
        if own in (None, "resume") and self.company_word and self.company_word in _comparable_words(title):
            own = "fact" if not looks_like_question(title) else own
        if own == "concept" and (_asks_in_headings(section) or _practice_list(section.blocks)):
            own = "question"  # "Part 1 — Sales fundamentals" over "### Q1. Walk me through ...": its questions
        return own

    def _under(
        self, section: Section, title: str, own: str | None, own_path: list[str], inherited: str, categories: list[str]
    ) -> tuple[str | None, list[str]]:
        """A sub-section's kind: its own when it names another card section, else its parent's, as a category."""
        switches = own in CARD_SECTION_KINDS and own != inherited
        # Under questions, a sub-section of questions is a category ("**About the team**" among questions
        # to ask), unless it is the questions-to-ask section itself.
        keeps = inherited in ("question", "ask") and own != "ask" and _mostly_questions(section.blocks)
        if switches and not keeps:
            self.found.append(title)
            return own, own_path
        # "### Questions probables" under a round only says what the round holds: no category of its own.
        says_questions = own == "question" and is_generic_title(title) and not is_stage_title(title)
        named_here = title and not says_questions
        return inherited, [*categories, title] if named_here else categories

    def _blocks(self, blocks: list[Block], kind: str, path: list[str]) -> None:
        asking = kind in ("question", "ask")
        self.last_question = None
        for block in blocks:
            if asking and self.last_question is not None and self._continues_answer(block):
                self._attach(self._source([block]), block.start)  # a part, code, table or quote under the question
                continue
            made = len(self.cards)
            self._block(block, kind, path)
            if len(self.cards) == made or self.cards[-1] is not self.last_question:
                self.last_question = None  # only a block that just made the question leads into its answer

    def _block(self, block: Block, kind: str, path: list[str]) -> None:
        if isinstance(block, ListBlock):
            self._list(block, kind, path)
        elif isinstance(block, Table) and block.rows:
            self._table(block, kind, path)
        elif isinstance(block, Rule):
            return
        elif not (isinstance(block, Paragraph) and self._paragraph(block, kind, path)):
            self.leftovers.append(block)

    def _list(self, block: ListBlock, kind: str, path: list[str]) -> None:
        asking = kind in ("question", "ask")
        grouping = asking and any(_is_category_item(item) for item in block.items)
        self.last_question = None
        for item in block.items:
            if asking and self.last_question is not None and _is_part_item(item):
                self._attach(
                    self._item_text(item), item.start
                )  # "- **What they're looking for:** ..." after a question
                continue
            self.last_question = None
            if grouping and _is_empty_category(item):
                if not _reads_as_label(item.text):
                    self.leftovers.append(item)  # "Note: the panel is hard": a remark, kept as a note
                continue  # an empty category beside categories that hold questions
            made = len(self.cards)
            self._item(item, kind, path)
            own = len(self.cards) == made + 1 and self.cards[-1].kind == kind and not _is_category_item(item)
            self.last_question = self.cards[-1] if own else None
            self.last_question_from_list = True

    def _continues_answer(self, block: Block) -> bool:
        """True for a block that belongs to the question just read rather than starting anything new: a
        labelled part or an `A:` line, code, a quote, a table or list of no questions; plain prose only after a
        question written as a paragraph (after a list of questions, a paragraph may speak of all of them)."""
        if isinstance(block, Rule | Heading):
            return False
        if isinstance(block, Callout):  # the writer's aside ("> [!tip]"), unless it holds an answer
            return block.kind in _ANSWER_CALLOUTS or is_answer_part(block.title)
        if isinstance(block, Paragraph):
            return self._paragraph_continues(block)
        if isinstance(block, ListBlock):
            return bool(block.items) and (_is_part_item(block.items[0]) or not _mostly_questions([block]))
        if isinstance(block, Table):
            return not _mostly_asked([row[0] for row in block.rows if row])
        return True

    def _paragraph_continues(self, block: Paragraph) -> bool:
        first = block.text.split("\n", 1)[0]
        if QUESTION_MARKER.match(plain_text(first)):
            return False  # "Q: ..." / "P: ..." opens the next question
        lead = split_bold_lead(first) if block.bold_lead else None
        if (lead and is_answer_part(lead[0])) or ANSWER_MARKER.match(first):
            return True
        return not self.last_question_from_list and not _mostly_questions([block])

    def _item_text(self, item: Item) -> str:
        return textwrap.dedent("\n".join(self.lines[item.start : item.end])).strip()

    def _paragraph(self, block: Paragraph, kind: str, path: list[str]) -> bool:
        lines = [line.strip() for line in block.text.split("\n") if line.strip()]
        labels = [_line_label(line, kind) for line in lines]
        if self._definition_list(block, kind, path, lines) or self._label_lines(block, kind, path, lines, labels):
            return True
        if kind in ("question", "ask"):
            label = labels[0] if len(lines) == 1 else None
            if label and not is_question_marker(label[0]) and looks_like_question(label[1]):
                # "**Go:** How do goroutines differ from threads?": a category with its question.
                self._labelled(kind, path, label[0], label[1], block.start, back="")
                return True
            return self._question_paragraph(block, kind, path, lines)
        if labels and labels[0] and len(lines) == 1:
            self._labelled(kind, path, labels[0][0], labels[0][1], block.start, back="")
            return True
        if kind == "concept" and lines and all(len(split_topics(line)) > 1 for line in lines):
            # "TCP, UDP, QUIC" as a line under a concept heading: a list of topics, not prose.
            for offset, line in enumerate(lines):
                self._topics(path, "", line, block.start + offset, "")
            return True
        return False

    def _label_lines(
        self, block: Paragraph, kind: str, path: list[str], lines: list[str], labels: list[tuple[str, str] | None]
    ) -> bool:
        """One label per line ("**Mission:** ...", "**Founded:** ..."): each line is its own entry."""
        if len(lines) < 2 or not all(labels) or ANSWER_MARKER.match(lines[1]):
            return False
        for offset, (label, rest) in enumerate(label for label in labels if label):
            self._labelled(kind, path, label, rest, block.start + offset, back="")
        return True

    def _definition_list(self, block: Paragraph, kind: str, path: list[str], lines: list[str]) -> bool:
        """`CSRF` then `: A forged request.` (a definition list): each term a card, its definitions the back."""
        definitions = _definitions(lines)
        for term, meanings, offset in definitions or []:
            self._entry(kind, path, term, block.start + offset, "\n".join(meanings))
        return bool(definitions)

    def _question_paragraph(self, block: Paragraph, kind: str, path: list[str], lines: list[str]) -> bool:
        pairs = _marked_pairs(block.text.split("\n"))
        if len(pairs) > 1:  # "Q: ... A: ... Q: ... A: ..." in one paragraph: one card per pair
            for offset, pair in pairs:
                asked, said = _split_answer(pair)
                self._question_text(kind, path, asked, block.start + offset, said)
            return True
        prompt, answer = _split_answer(block.text)
        # "P: ...?" then "R:" alone: the answer is what follows the paragraph (a list, a table).
        answered = answer or (len(lines) > 1 and ANSWER_MARKER.fullmatch(lines[-1]) and looks_like_question(prompt))
        if answered:
            self._question_text(kind, path, prompt, block.start, answer)
            return True
        if lines and all(looks_like_question(line) for line in lines):
            for offset, line in enumerate(lines):
                self._question_text(kind, path, line, block.start + offset, "")
            return True
        return False

    def _table(self, table: Table, kind: str, path: list[str]) -> None:
        """Each row is a card: its prompt column (one headed "Question" or "Problem", else the first with
        words in it) is the prompt, the other cells (with their headers) its back; a difficulty or status
        column gives the card's tags."""
        width = max(len(row) for row in table.rows)
        headers = [*table.header, *[""] * (width - len(table.header))]
        numbers = {column for column in range(width) if _is_number_column(table, column)}
        prompt_column = _prompt_column(table, width, numbers)
        marks = {column for column in range(width) if _MARK_HEADER.fullmatch(plain_text(headers[column]).casefold())}
        for offset, written in enumerate(table.rows):
            row = [*written, *[""] * (width - len(written))]
            if not row[prompt_column].strip():
                continue
            others = [column for column in range(width) if column not in (prompt_column, *numbers, *marks)]
            named = len(others) > 1 or kind != "fact"  # a fact's one column of details needs no "Details:"
            cells = [
                f"{headers[column]}: {row[column]}" if headers[column] and named else row[column]
                for column in others
                if row[column].strip()
            ]
            # "Medium" under Level, "✅" under Status: read as the markers they are (see `inline`).
            tagged = " ".join(
                [row[prompt_column], *(_as_marker(row[column]) for column in marks if row[column].strip())]
            )
            self._entry(kind, path, tagged, table.start + 2 + offset, "\n".join(cells))

    def _item(self, item: Item, kind: str, path: list[str]) -> None:
        text = _one_line(item.text)
        nested = item.nested_items()
        if not text:
            self._blocks(item.children, kind, path)
            return
        lead = split_bold_lead(text) if item.bold_lead else None
        if kind in ("question", "ask"):
            self._question_item(item, kind, path, text, lead, nested)
        elif kind == "concept":
            self._concept_item(item, path, text, lead, nested)
        else:
            self._fact_item(item, path, text, lead, nested)

    def _question_item(
        self, item: Item, kind: str, path: list[str], text: str, lead: tuple[str, str] | None, nested: list[Item]
    ) -> None:
        children = self._children_source(item)
        if lead and lead[1] and not is_question_marker(lead[0]):
            self._labelled(kind, path, lead[0], lead[1], item.start, back=children)
        elif _is_category_item(item):
            self._blocks(item.children, kind, [*path, clean_heading(text)])
        else:
            prompt, answer = _split_answer(item.text)
            back = "\n\n".join(part for part in (answer, children) if part)
            self._question_text(kind, path, prompt, item.start, back)

    def _entry(self, kind: str, path: list[str], text: str, line: int, back: str) -> None:
        """One entry with its back: a question read as written (see `_question_text`), else a card as it is."""
        if kind in ("question", "ask"):
            self._question_text(kind, path, text, line, back)
            return
        lead = split_bold_lead(text)
        self._card(kind, path, lead[0] if lead and not lead[1] else text, line, back)  # "**Mission**" in a table

    def _question_text(self, kind: str, path: list[str], text: str, line: int, back: str) -> None:
        """A question as written, minus a `Q:` marker or bold wrapping the whole of it; a hint written after
        it on the same line (`What is CAP? -> C, A, P`, or after a `<br>`) goes to the back."""
        text, hint = _split_hint(text)
        back = "\n\n".join(part for part in (hint, back) if part)
        text = _one_line(text)
        lead = split_bold_lead(text)
        if lead and not lead[1]:
            text = lead[0] if not text.rstrip("*_").endswith(":") else text
        elif lead and is_question_marker(lead[0]):
            text = lead[1]
        text = strip_numbering(QUESTION_MARKER.sub("", text, count=1)) or text
        label = question_label(text)
        if label is not None:
            path, text = [*path, label[0]], label[1]  # "Databases: How does ...?": a category and its question
        self._card(kind, path, text, line, back)

    def _concept_item(
        self, item: Item, path: list[str], text: str, lead: tuple[str, str] | None, nested: list[Item]
    ) -> None:
        label, rest = lead if lead else (_plain_label(text) or _dash_label(text) or ("", text))
        if nested:
            inner = [*path, clean_heading(label or text)]
            if label and rest:
                self._topics(inner, "", rest, item.start, "")
            self._blocks(item.children, "concept", inner)
        elif lead:
            self._topics([*path, label] if rest else path, "", rest or label, item.start, self._children_source(item))
        else:
            self._topics(path, label, rest, item.start, self._children_source(item))

    def _fact_item(
        self, item: Item, path: list[str], text: str, lead: tuple[str, str] | None, nested: list[Item]
    ) -> None:
        label, rest = lead if lead else (_plain_label(text) or _label_only(text) or ("", text))
        back = "\n\n".join(part for part in (rest if label else "", self._children_source(item)) if part)
        self._card("fact", path, label or text, item.start, back)

    def _labelled(self, kind: str, path: list[str], label: str, rest: str, line: int, back: str) -> None:
        """`**Label:** rest`: a category with its items, or for facts a labelled fact."""
        if kind == "concept":
            self._topics([*path, label], "", rest, line, back)
        elif kind == "fact":
            self._card(kind, path, label, line, "\n\n".join(p for p in (rest, back) if p))
        else:
            self._card(kind, [*path, label], rest, line, back)

    def _topics(self, path: list[str], context: str, text: str, line: int, back: str) -> None:
        for topic in split_topics(text):
            self._card("concept", path, topic, line, back, context)

    def _card(self, kind: str, path: list[str], prompt: str, line: int, back: str, context: str = "") -> None:
        prompt, comments = _without_comments(_one_line(prompt))
        cleaned, label = clean_prompt(prompt), clean_prompt(context)
        # `<!-- ... -->` is the writer's own aside; a link's address stays with the card, on its back.
        back = "\n\n".join(part for part in (*cleaned.links, clean_text(back), comments) if part)
        if kind in ("question", "ask"):
            back = _unmarked_answer(back)
        if cleaned.text:
            category = [_category_name(name) for name in path]
            self._explain(line, kind, f"[{' > '.join(category)}] {cleaned.text}" if category else cleaned.text)
            card = ParsedCard(
                kind=kind,
                category=category,
                prompt=cleaned.text,
                context=label.text,
                back=back,
                tags=list(dict.fromkeys([*label.tags, *cleaned.tags])),
                source=line + 1,
            )
            self.cards.append(card)
            if kind in ("question", "ask"):
                self.last_question, self.last_question_from_list = card, False

    def _children_source(self, item: Item) -> str:
        return "\n\n".join(part for part in (item.body, self._source(item.children)) if part)

    def _source(self, blocks: list[Block]) -> str:
        while blocks and isinstance(blocks[-1], Rule):
            blocks = blocks[:-1]  # a `---` closing a section is decoration, not part of an answer
        while blocks and isinstance(blocks[0], Rule):
            blocks = blocks[1:]
        if not blocks:
            return ""
        text = "\n".join(self.lines[blocks[0].start : blocks[-1].end])
        return textwrap.dedent(text).strip()

    def _keep(self, title: str, kind: str, blocks: list[Block], line: int) -> None:
        """Keep blocks that made no card as a verbatim reference note, so nothing is dropped."""
        text = "\n\n".join(self._source([block]) for block in blocks if not isinstance(block, Rule))
        if text.strip():
            first = blocks[0].start
            section = title or "Introduction"
            self.reference.append(ReferenceNote(section=section, kind=kind, text=text, source=max(line, first) + 1))
            self._explain(max(line, first), "reference", f"reference note in {section!r}: {text}")


_CATEGORY_COUNT = re.compile(r"\s*[(\[]\s*\d{1,4}\s*(?:questions?|qs?|items?|cards?|fragen|preguntas)?\s*[)\]]$", re.I)
_OUTLINE_LETTER = re.compile(r"^[A-H][.)]\s+(?=\S)")


@functools.lru_cache(maxsize=4096)
def _category_name(name: str) -> str:
    """A heading as a category: no markup, emoji, outline number or letter ("A."), count ("(17)") or colon."""
    words = clean_prompt(clean_heading(name) or name).text
    words = _OUTLINE_LETTER.sub("", _CATEGORY_COUNT.sub("", words))
    return strip_symbols(words).rstrip(":：").strip() or name


_PROMPT_HEADER = re.compile(
    r"questions?|problems?|prompts?|exercises?|tasks?|fragen?|aufgaben?|preguntas?|problemas?|ejercicios?|"
    r"probl[èe]mes?|exercices?|perguntas?|exerc[íi]cios?",
    re.IGNORECASE,
)
_MARK_HEADER = re.compile(
    r"level|difficulty|status|done|niveau|schwierigkeit|stand|dificultad|estado|difficult[ée]|statut|n[íi]vel|"
    r"dificuldade|situa[çc][ãa]o"
)


def _as_marker(cell: str) -> str:
    """A difficulty or status cell written as a marker beside the prompt: "(Medium)", or "✅" as it is."""
    cell = cell.strip()
    return f"({cell})" if cell.isalpha() else cell


def _prompt_column(table: Table, width: int, numbers: set[int]) -> int:
    """The column holding the prompts: one headed as such, else the first with words in most rows."""
    columns = [column for column in range(width) if column not in numbers]
    for column in columns:
        if column < len(table.header) and _PROMPT_HEADER.fullmatch(plain_text(table.header[column]).strip()):
            return column
    for column in columns:
        cells = [row[column] for row in table.rows if column < len(row)]
        if sum(sum(ch.isalpha() for ch in cell) >= 3 for cell in cells) * 2 > len(cells):
            return column
    return columns[0] if columns else 0


def _is_number_column(table: Table, column: int) -> bool:
    """A column of row numbers ("#", "No." or only digits in every row), never a prompt."""
    header = table.header[column].strip().casefold() if column < len(table.header) else ""
    cells = [row[column].strip() for row in table.rows if column < len(row)]
    return header in ("#", "no", "no.", "nr", "nr.", "n°", "№") or (
        bool(cells) and all(re.fullmatch(r"\d{1,4}[.)]?", cell) for cell in cells)
    )


def _is_category_item(item: Item) -> bool:
    """A bullet naming a group of questions under it: a short label, not a sentence or a question."""
    words = plain_text(_one_line(item.text))
    sentence = len(words.split()) > _MAX_LABEL_WORDS * 2 or (words.endswith(".") and len(words.split()) > 2)
    return bool(item.nested_items()) and not sentence and not looks_like_question(item.text)


def _is_empty_category(item: Item) -> bool:
    """A bare bullet ("Empty") with nothing under it: not a question, and no `**Label:** text` either."""
    if item.nested_items() or looks_like_question(item.text):
        return False
    lead = split_bold_lead(_one_line(item.text)) if item.bold_lead else None
    return not (lead and lead[1])


def _reads_as_label(text: str) -> bool:
    """A few words with no sentence punctuation ("Databases", "System design"): a category's name."""
    words = plain_text(_one_line(text)).rstrip(":：").split()
    return len(words) <= _MAX_LABEL_WORDS and not any(mark in " ".join(words) for mark in ",.;:!")


def _mostly_questions(blocks: list[Block]) -> bool:
    return _mostly_asked(list(_candidate_texts(blocks)))


_PRACTICE_LINK = re.compile(r"^\W{0,12}\[[^\]]{1,200}\]\(https?://")
# Coloured difficulty marks open the item ("🟢 [Two Sum](...)"); a legend line only mentions them.
_DIFFICULTY = re.compile(r"^\W{0,8}?(?:🟢|🟡|🔴|🟩|🟨|🟥)|[\[(](?:easy|medium|hard)[\])]", re.IGNORECASE)


def _is_practice_item(text: str) -> bool:
    """A problem to practise, as question banks list them: a linked title, or a difficulty marker."""
    return bool(_PRACTICE_LINK.match(text) or _DIFFICULTY.search(text))


def _mostly_asked(texts: list[str]) -> bool:
    asked = sum(1 for text in texts if looks_like_question(text) or _is_practice_item(text))
    return asked > 0 and asked * 2 >= len(texts)


def _section_texts(section: Section):
    """The candidate texts of a section and of the sub-sections no card heading of their own claims.

    A sub-section titled as a question counts as that one question (what follows it is its answer).
    """
    yield from _candidate_texts(section.blocks)
    for child in section.children:
        title = clean_heading(child.title)
        if _is_question_section(child):
            yield "?"
        elif section_kind(title) not in CARD_SECTION_KINDS:
            yield from _section_texts(child)


def _candidate_texts(blocks: list[Block]):
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, ListBlock):
            for item in block.items:
                if _is_category_item(item):
                    yield from _candidate_texts(item.children)
                elif item.text:  # a question's nested bullets are its hints, not more candidates
                    yield item.text
        elif isinstance(block, Table) and block.rows:
            width = max(len(row) for row in block.rows)
            numbers = {column for column in range(width) if _is_number_column(block, column)}
            column = _prompt_column(block, width, numbers)
            yield from (row[column] for row in block.rows if column < len(row) and row[column].strip())


def _definitions(lines: list[str]) -> list[tuple[str, list[str], int]] | None:
    """Terms, each followed by `: definition` lines, as (term, definitions, line offset); else None."""
    entries: list[tuple[str, list[str], int]] = []
    for offset, line in enumerate(lines):
        if _DEFINITION.match(line):
            if not entries:
                return None
            entries[-1][1].append(_DEFINITION.sub("", line, count=1))
        else:
            entries.append((line, [], offset))
    if len(lines) < 2 or any(not meanings for _, meanings, _ in entries):
        return None
    return entries


def _is_part_item(item: Item) -> bool:
    """A bullet labelling a part of an answer ("- **Sample answer:** ...", "- Red flags:")."""
    lead = split_bold_lead(item.text) if item.bold_lead else _plain_label(_one_line(item.text))
    label = lead[0] if lead else _one_line(item.text).rstrip(":：")
    return is_answer_part(label)


def _is_question_section(section: Section, among_questions: bool = False) -> bool:
    """A heading or bold line that is a question, or that is followed by an answer's labelled parts
    ("**7. You're incident commander. Talk me through it.**" then "- **What they're testing:** ...").

    Among questions, a heading whose words would name a reference section elsewhere ("What's your experience
    with central lines?", "Why this company?") is a question too.
    """
    title = clean_heading(section.title)
    if not title or is_answer_part(section.title):
        return False
    if _reads_as_label(section.title) and _holds_questions(section.blocks):
        return False  # "### Why here" over a list of questions names them: a category
    if _is_question_title(section.title) or (among_questions and looks_like_question(title)):
        return True
    kind = section_kind(title)
    return kind not in (*CARD_SECTION_KINDS, *_REFERENCE_KINDS) and _has_answer_parts(section)


def _kind_by_content(section: Section, title: str, own: str | None) -> str | None:
    """An unfamiliar heading, or one whose words read as advice ("Behavioral (STAR)"), holding mostly
    questions (in its blocks or in sub-sections no heading of their own claims), or lists of topics."""
    asked = _mostly_asked(list(_section_texts(section))) if title else _mostly_questions(section.blocks)
    if asked:
        return "question"
    if own is None and title and _lists_topics(section.blocks):
        return "concept"  # "Part 1 — Distributed systems" over lists of topics
    return None


def _lists_topics(blocks: list[Block]) -> bool:
    """True for a list whose items mostly name several topics each ("Idempotency keys, retries, ...")."""
    items = [_one_line(item.text) for block in blocks if isinstance(block, ListBlock) for item in block.items]
    items = [item for item in items if item]
    if len(items) < _MIN_TOPIC_ITEMS or any(looks_like_question(item) for item in items):
        return False
    listing = sum(len(split_topics(_label_rest(item))) > 1 for item in items)
    return listing * 3 >= len(items) * 2


def _label_rest(text: str) -> str:
    lead = split_bold_lead(text)
    if lead and lead[1]:
        return lead[1]
    label = _plain_label(text)
    return label[1] if label else text


def _practice_list(blocks: list[Block]) -> bool:
    """True for a list of problems to practise ("- [ ] 🟢 [Two Sum](...)"), most of its items."""
    items = [item.text for block in blocks if isinstance(block, ListBlock) for item in block.items if item.text]
    return len(items) >= 2 and sum(_is_practice_item(text) for text in items) * 2 >= len(items)


def _asks_in_headings(section: Section) -> bool:
    """True when most of a section's sub-headings are questions (two at least)."""
    asked = sum(_is_question_section(child, among_questions=True) for child in section.children)
    return asked >= 2 and asked * 2 >= len(section.children)


def _holds_questions(blocks: list[Block]) -> bool:
    """True for blocks holding a list of at least two questions, most of their items."""
    items = [item for block in blocks if isinstance(block, ListBlock) for item in block.items]
    texts = [item.text for item in items if item.text and not _is_part_item(item)]
    return len(texts) >= 2 and _mostly_asked(texts) and not _is_part_item(items[0])


def _has_answer_parts(section: Section) -> bool:
    """True when a section opens its content with labelled parts of an answer."""
    if not section.blocks:
        return any(is_answer_part(child.title) for child in section.children[:1])
    for block in section.blocks[:1]:
        if isinstance(block, Paragraph) and block.bold_lead:
            lead = split_bold_lead(block.text.split("\n", 1)[0])
            if lead and is_answer_part(lead[0]):
                return True
        if isinstance(block, ListBlock):
            labels = [split_bold_lead(item.text) for item in block.items[:3] if item.bold_lead]
            if any(lead and is_answer_part(lead[0]) for lead in labels):
                return True
    return False


def _section_end(section: Section) -> int:
    """The line after the last line of a section, its sub-sections included."""
    ends = [section.line + 1, *(block.end for block in section.blocks)]
    ends.extend(_section_end(child) for child in section.children)
    return max(ends)


def _is_question_title(title: str) -> bool:
    """A heading that is a question, not one naming a reference section ("Why this company?" is fit)."""
    words = clean_heading(title)
    return looks_like_question(words) and section_kind(words) not in _REFERENCE_KINDS


def _line_label(line: str, kind: str) -> tuple[str, str] | None:
    """`**Label:** rest` on one line (or `Label: rest` for facts), else None."""
    lead = split_bold_lead(line)
    if lead and lead[1]:
        return lead
    return _plain_label(line) if kind == "fact" else None


def _marked_pairs(lines: list[str]) -> list[tuple[int, str]]:
    """A paragraph cut before each line opening with a question marker (`Q:`, `P:`), with line offsets."""
    starts = [index for index, line in enumerate(lines) if QUESTION_MARKER.match(line.strip())]
    if not starts or starts[0] != 0:
        return []
    bounds = [*starts, len(lines)]
    return [(start, "\n".join(lines[start:end])) for start, end in itertools.pairwise(bounds)]


def _split_answer(text: str) -> tuple[str, str]:
    """Split `Q: ... / A: ...` written on consecutive lines into (question, answer)."""
    lines = text.strip().split("\n")
    for index, line in enumerate(lines[1:], start=1):
        if ANSWER_MARKER.match(line.strip()):
            answer = "\n".join([ANSWER_MARKER.sub("", line.strip(), count=1), *lines[index + 1 :]])
            return "\n".join(lines[:index]), textwrap.dedent(answer).strip()
    return text, ""


def _unmarked_answer(back: str) -> str:
    """A back opening with `A:` / `**Answer:**` (alone or as the first bullet) without that marker.

    A lone answer bullet ("- A: ...") is unwrapped to its text; beside other bullets it stays a bullet.
    """
    first, _, rest = back.partition("\n")
    bullet = _BULLET.match(first)
    body = first[bullet.end() :] if bullet else first
    marker = ANSWER_MARKER.match(body)
    if marker is None or _LETTER_ENUMERATION.match(marker.group(0)):
        return back
    body = body[marker.end() :]
    if bullet and not any(_BULLET.match(line) for line in rest.split("\n")):
        return "\n".join([body, textwrap.dedent(rest)]).strip()
    return "\n".join([first[: bullet.end()] + body if bullet else body, rest]).strip()


def _plain_label(text: str) -> tuple[str, str] | None:
    """`Label: rest` with a short label (a few words, no question mark or code), else None."""
    if ":" not in text[:64] and "：" not in text[:64]:
        return None
    match = PLAIN_LABEL.match(text.strip())
    if match is None or len(match["label"].split()) > _MAX_LABEL_WORDS:
        return None
    return match["label"].strip(), match["rest"].strip()


def _dash_label(text: str) -> tuple[str, str] | None:
    """`Label — a, b` (a spaced dash before a list of topics), else None."""
    match = _DASH_LABEL.match(text.strip())
    if match is None or len(match["label"].split()) > _MAX_LABEL_WORDS or not re.search(r"[,;，；、]", match["rest"]):
        return None
    return match["label"].strip(), match["rest"].strip()


def _label_only(text: str) -> tuple[str, str] | None:
    match = _LABEL_ONLY.match(text.strip())
    return (match["label"].strip(), "") if match else None


def _one_line(text: str) -> str:
    if "\n" not in text and "<" not in text:
        return text.strip()  # the usual case, and the one path taken tens of thousands of times in a bank
    text = _LINE_BREAK_TAG.sub("\n", text)
    return " ".join(line.strip() for line in text.strip().split("\n") if line.strip())


def _split_hint(text: str) -> tuple[str, str]:
    """`What is CAP? -> C, A, P` or `What is an SLO?<br>Error budgets` -> (question, hint); else (text, "")."""
    if not _HINT_SEPARATOR.search(text):
        return text, ""  # no arrow, dash or line break: nothing to split (most questions)
    match = _HINT_AFTER_QUESTION.match(text)
    if match is None:
        # The first separator wins: "[Design X](...) — dict + (start, end) → [total, count]" splits at the dash.
        found = [found for found in (_HINT_AFTER_ARROW.match(text), _HINT_AFTER_DASH.match(text)) if found]
        arrow = min(found, key=lambda found: len(found["question"])) if found else None
        asked = arrow["question"] if arrow else ""
        unlinked = _LINK_TARGET.sub("", asked)
        # The question part must hold no question mark of its own, no half code span and no half link.
        whole_question = text.rstrip().endswith(("?", "？"))  # "Is A — or B — better?" is one question
        if (
            arrow is None
            or whole_question
            or any(m in unlinked for m in "?？")
            or asked.count("`") % 2
            or _half_link(unlinked)
        ):
            return text, ""
        return arrow["question"].strip(), arrow["hint"].strip()
    return match["question"].strip(), "\n".join(part.strip() for part in _LINE_BREAK_TAG.split(match["hint"]))


def _half_link(text: str) -> bool:
    """True when text opens a bracket it does not close (a dash inside "[Two Sum II - Sorted](...)")."""
    return text.count("[") != text.count("]")


def _without_comments(text: str) -> tuple[str, str]:
    """Text without its closed `<!-- ... -->` comments, and those comments (linear time, no regex backtracking)."""
    kept: list[str] = []
    comments: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        kept.append(text[position:start])
        comments.append(text[start : end + 3])
        position = end + 3
    rest = " ".join("".join([*kept, text[position:]]).split())
    if not comments or not rest:
        return text, ""  # a line that is all comment stays as written: nothing is dropped
    return rest, "\n".join(comments)


def _unique(cards: list[ParsedCard]) -> list[ParsedCard]:
    seen: set[str] = set()
    unique = []
    for card in cards:
        if card.id not in seen:
            seen.add(card.id)
            unique.append(card)
    return unique


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
        label = identity_label(line)
        if label is not None:
            found.setdefault(label[0], clean_heading(label[1]))
    return found
