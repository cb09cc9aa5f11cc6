"""The outline walk: every section and block given a role (card section, category, question, part of an
answer, fact, concept, ask, reference) and turned into cards or reference notes."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from studyprep.cards.ids import as_card_kind
from studyprep.cards.parsed import ParsedCard, ParsedNote
from studyprep.parse.blocks import (
    Block,
    Callout,
    Heading,
    Item,
    ListBlock,
    Paragraph,
    Rule,
    Table,
    split_bold_lead,
)
from studyprep.parse.inline import clean_prompt, clean_text
from studyprep.parse.lines import (
    category_name,
    dash_label,
    defined_term,
    definition_entries,
    label_only,
    line_label,
    marked_pairs,
    names_round_length,
    one_line,
    plain_label,
    reads_as_label,
    split_answer,
    split_hint,
    unmarked_answer,
    without_comments,
)
from studyprep.parse.meaning import (
    ANSWER_MARKER,
    CARD_SECTION_KINDS,
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
    strip_outline_numbering,
    topic_or_material_title,
)
from studyprep.parse.meaning import (
    plain as plain_text,
)
from studyprep.parse.roles import (
    REFERENCE_KINDS,
    asks_anything,
    asks_in_headings,
    is_category_item,
    is_empty_category,
    is_part_item,
    is_question_section,
    kind_by_content,
    mostly_questions,
    practice_list,
    split_lazy_questions,
    topic_list,
)
from studyprep.parse.section import (
    Section,
    section_end,
)
from studyprep.parse.tables import (
    MARK_HEADER,
    as_marker,
    is_number_column,
    prompt_column_of,
)
from studyprep.parse.topics import split_topics

__all__ = ["Extractor", "OutlineLine"]


_ANSWER_CALLOUTS = {"example", "answer", "success", "check", "done", "abstract", "summary"}


@dataclass(frozen=True)
class OutlineLine:
    """What one part of the document became: its 1-based line, its role and a short description."""

    line: int
    role: str
    text: str


def _company_word(company: str) -> str:
    """The word that names the company in a heading: its first word of three letters or more."""
    return next((word for word in _comparable_words(company) if len(word) >= 3 and word != "the"), "")


def _comparable_words(text: str) -> list[str]:
    return re.findall(r"\w+", plain_text(text).casefold())


class Extractor:
    """Walks the section tree, emitting cards for card sections and reference notes for the rest."""

    def __init__(
        self, lines: list[str], outline: list[OutlineLine] | None = None, company: str = "", revising: bool = False
    ) -> None:
        self.lines = lines
        self.outline = outline
        # The introduction said the document is mostly things to revise: its unnamed topic headings hold concepts.
        self.revising = revising
        # A heading naming the company ("Intercom notes", "Oatly background") is its summary: facts.
        self.company_word = _company_word(company)
        self.cards: list[ParsedCard] = []
        self.reference: list[ParsedNote] = []
        self.found: list[str] = []
        self.leftovers: list[Block] = []
        # The question card whose back the next labelled part, code block or table belongs to, if any.
        self.last_question: ParsedCard | None = None
        self.last_question_level: float = 0
        self.last_question_from_list = False
        # Headings kept neither as a category nor as a reference note's name, with their lines.
        self.unplaced: list[tuple[int, str]] = []
        # `is_category_item` of each list item, asked up to three times per item as a list is read: by identity,
        # the item kept with its answer (a list cut in `split_lazy_questions` makes items that would otherwise go,
        # and another could take their id).
        self._groups: dict[int, tuple[Item, bool]] = {}

    def visit(self, section: Section, inherited: str | None, categories: list[str]) -> None:
        """Read a section and its sub-sections: `inherited` is the card kind of the section above, if any."""
        title = clean_heading(section.title)
        if self._is_part_of_last_question(section, title):
            self._attach(self._section_text(section), section.line)  # "#### Sample answer" after a question
            return
        if inherited in ("question", "ask") and title and is_question_section(section, among_questions=True):
            self._question_section(section, inherited, categories)
            return
        if inherited in ("fact", "concept") and title and is_question_section(section) and not section_kind(title):
            # "### 1. Why do you want to work here?" under a heading that named the company: still a question.
            self._question_section(section, "question", [])
            return
        self.last_question = None
        kind, path = self._kind_of(section, title, inherited, categories)
        if title and self.outline is not None:  # the description only for --explain
            became = f"{kind or 'reference'}" + (f", category {' > '.join(path)}" if path else "")
            self._explain(section.line, "section", f"{title!r}: {became}")
        self._content(section, title, kind, path)
        if title:
            self.unplaced.append((section.line, title))  # kept in the note unless a card or note names it
        # Outside card sections, headings (or bold lines) that are mostly questions are questions themselves
        # ("**What is a data lake?**" then its answer, in a document with no section heading).
        asked = self._asked_children(section, title) if not kind else []
        asked_path = [title] if asked and title and not is_generic_title(title) else []
        # By identity: `in` on the list compares sections field by field, quadratic in the headings.
        asked_ids = {id(child) for child in asked}
        for child in section.children:
            self.visit(child, "question" if id(child) in asked_ids else kind, path if kind else asked_path)

    def _is_category_item(self, item: Item) -> bool:
        known = self._groups.get(id(item))
        if known is None:
            known = self._groups[id(item)] = (item, is_category_item(item))
        return known[1]

    def _is_part_of_last_question(self, section: Section, title: str) -> bool:
        deeper = self.last_question is not None and section.level > self.last_question_level
        return deeper and bool(title) and is_answer_part(section.title)

    def _content(self, section: Section, title: str, kind: str | None, path: list[str]) -> None:
        """A section's own blocks: cards of its kind, the rest kept as a reference note."""
        if kind is None:
            own = section_kind(title) if title else None
            self._keep(title, own if own in REFERENCE_KINDS else "other", section.blocks, section.line)
            return
        self.leftovers = []
        self.last_question_level = section.level
        self._blocks(section.blocks, kind, path)
        self._keep(title, "company" if kind == "fact" else "other", self.leftovers, section.line)

    def _asked_children(self, section: Section, title: str) -> list[Section]:
        asked = [child for child in section.children if is_question_section(child)]
        if not asked or len(asked) * 2 < len(section.children):
            return []
        # Among headings that are mostly questions, "How do you look after yourself after a difficult job?"
        # is one more, though its words would name the job overview elsewhere.
        asked = [child for child in section.children if is_question_section(child, among_questions=True)]
        self.found.append(title or "(untitled list of questions)")
        return asked

    def _question_section(self, section: Section, kind: str, categories: list[str]) -> None:
        """A heading or bold line that is itself a question: what follows it, with its labelled parts
        ("#### What they're looking for", "**Sample answer:**"), is its back; sub-questions stay cards."""
        parts = [child for child in section.children if not is_question_section(child, among_questions=True)]
        for part in parts:
            self._explain(part.line, "back", f"part {clean_heading(part.title)!r} of the question above")
        back = "\n\n".join(
            part for part in (self._source(section.blocks), *(self._section_text(child) for child in parts)) if part
        )
        self._question_text(kind, categories, strip_outline_numbering(section.title), section.line, back)
        self.last_question = None  # its parts are all read: a later section of its level is not one of them
        part_ids = {id(part) for part in parts}  # by identity, not field by field (linear in the headings)
        for child in section.children:
            if id(child) not in part_ids:
                self.visit(child, kind, categories)

    def _section_text(self, section: Section) -> str:
        """A section as its label (a heading becomes a bold label) and everything under it, verbatim."""
        label = f"**{clean_heading(section.title)}**" if not section.pseudo else ""
        start = section.line + (0 if section.pseudo else 1)
        body = textwrap.dedent("\n".join(self.lines[start : section_end(section)])).strip()
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
        advice = inherited is not None and own in REFERENCE_KINDS and not mostly_questions(section.blocks)
        if inherited is None and self._revision_topic(section, title, own):
            self.found.append(title)  # "## Geotechnics" over "- Settlement: immediate vs consolidation"
            return "concept", [title]
        if own == "other" or advice:
            return None, []
        if inherited is not None:
            return self._under(section, title, own, own_path, inherited, categories)
        if own == "fact" and title and asks_in_headings(section):
            self.found.append(title)  # "Values and Motivation" over question headings: their category
            return "question", [title]
        kind = own if own in CARD_SECTION_KINDS else kind_by_content(section, title, own)
        if kind is not None:
            self.found.append(title or "(untitled list of questions)")
        return kind, own_path if kind else []

    def _revision_topic(self, section: Section, title: str, own: str | None) -> bool:
        """In revision notes, a heading naming no section ("Geotechnics"), or one naming study material elsewhere
        ("Materials"), over lists of statements only: a topic to revise."""
        if not self.revising or not title or is_generic_title(title):
            return False
        unnamed = own is None or (own == "other" and topic_or_material_title(title))
        return unnamed and topic_list(section.blocks)

    def _own_kind(self, section: Section, title: str) -> str | None:
        own = section_kind(title) if title else None
        stem = self.company_word[:5]
        named = stem and any(word.startswith(stem) for word in _comparable_words(title))  # "La bodega", "Bodegas X"
        if own in (None, "resume") and named and not looks_like_question(title):
            asks = mostly_questions(section.blocks) or asks_in_headings(section)
            own = own if asks else "fact"
        if own == "concept" and (asks_in_headings(section) or practice_list(section.blocks)):
            own = "question"  # "Part 1 — Sales fundamentals" over "### Q1. Walk me through ...": its questions
        return own

    def _under(
        self, section: Section, title: str, own: str | None, own_path: list[str], inherited: str, categories: list[str]
    ) -> tuple[str | None, list[str]]:
        """A sub-section's kind: its own when it names another card section, else its parent's, as a category."""
        named = bool(title) and not is_generic_title(title)
        if inherited in ("question", "ask") and own not in CARD_SECTION_KINDS and not asks_anything(section):
            # "## B. Wind and batteries" among the questions, holding none: its own content decides.
            kind = kind_by_content(section, title, own)
            if kind != inherited:
                if kind is not None:
                    self.found.append(title)
                return kind, own_path if kind else []
        switches = own in CARD_SECTION_KINDS and own != inherited
        # Under questions, a sub-section of questions is a category ("**About the team**" among questions
        # to ask), unless it is the questions-to-ask section itself.
        keeps = inherited in ("question", "ask") and own != "ask" and mostly_questions(section.blocks)
        if switches and not keeps:
            self.found.append(title)
            return own, own_path
        if keeps and own in ("fact", "ask") and named:
            return inherited, [*categories, title]  # "Values and Motivation" holding questions: a category
        # "### Questions probables" under a round only says what the round holds: no category of its own.
        says_questions = own == "question" and is_generic_title(title) and not is_stage_title(title)
        named_here = title and not says_questions
        return inherited, [*categories, title] if named_here else categories

    def _blocks(self, blocks: list[Block], kind: str, path: list[str]) -> None:
        asking = kind in ("question", "ask")
        self.last_question = None
        for block in split_lazy_questions(blocks) if asking else blocks:
            if asking and self.last_question is not None and self._continues_answer(block):
                self._attach(self._source([block]), block.start)  # a part, code, table or quote under the question
                continue
            made = len(self.cards)
            self._block(block, kind, path)
            if len(self.cards) == made or self.cards[-1] is not self.last_question:
                self.last_question = None  # only a block that just made the question leads into its answer

    def _block(self, block: Block, kind: str, path: list[str]) -> None:
        if isinstance(block, Paragraph) and block.text.lstrip().startswith("%%"):
            self.leftovers.append(block)  # an Obsidian comment (`%% ... %%`): the writer's own, never a card
            return
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
        grouping = asking and any(self._is_category_item(item) for item in block.items)
        self.last_question = None
        for item in block.items:
            if asking and self.last_question is not None and is_part_item(item):
                # "- **What they're looking for:** ..." after a question
                self._attach(self._source([item]), item.start)
                continue
            self.last_question = None
            if grouping and is_empty_category(item):
                if not reads_as_label(item.text):
                    self.leftovers.append(item)  # "Note: the panel is hard": a remark, kept as a note
                continue  # an empty category beside categories that hold questions
            made = len(self.cards)
            self._item(item, kind, path)
            own = len(self.cards) == made + 1 and self.cards[-1].kind == kind and not self._is_category_item(item)
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
            return bool(block.items) and (is_part_item(block.items[0]) or not mostly_questions([block]))
        if isinstance(block, Table):
            return not mostly_questions([block])  # its prompt column, as `_table` would read it
        return True

    def _paragraph_continues(self, block: Paragraph) -> bool:
        first = block.text.split("\n", 1)[0]
        if QUESTION_MARKER.match(plain_text(first)):
            return False  # "Q: ..." / "P: ..." opens the next question
        lead = split_bold_lead(first) if block.bold_lead else None
        if (lead and is_answer_part(lead[0])) or ANSWER_MARKER.match(first):
            return True
        return not self.last_question_from_list and not mostly_questions([block])

    def _paragraph(self, block: Paragraph, kind: str, path: list[str]) -> bool:
        lines = [line.strip() for line in block.text.split("\n") if line.strip()]
        labels = [line_label(line, kind) for line in lines]
        if (
            self._definition_list(block, kind, path, lines)
            or self._label_lines(block, kind, path, lines, labels)
            or (kind == "concept" and self._glossary_lines(block, path, lines))
        ):
            return True
        if kind in ("question", "ask"):
            label = labels[0] if len(lines) == 1 else None
            if label and not is_question_marker(label[0]) and looks_like_question(label[1]):
                # "**Go:** How do goroutines differ from threads?": a category with its question.
                self._labelled(kind, path, label[0], label[1], block.start, back="")
                return True
            return self._question_paragraph(block, kind, path, lines)
        if labels and labels[0] and len(lines) == 1:
            self._labelled(kind, path, labels[0][0], labels[0][1], block.start, back="", written=lines[0])
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
            self._labelled(kind, path, label, rest, block.start + offset, back="", written=lines[offset])
        return True

    def _glossary_lines(self, block: Paragraph, path: list[str], lines: list[str]) -> bool:
        """Lines that each define a term ("Toil: manual work that scales with traffic."): a card per term."""
        terms = [defined_term(line) for line in lines]
        if not terms or not all(terms):
            return False
        for offset, term in enumerate(terms):
            if term is not None:
                self._card("concept", path, term[0], block.start + offset, term[1])
        return True

    def _definition_list(self, block: Paragraph, kind: str, path: list[str], lines: list[str]) -> bool:
        """`CSRF` then `: A forged request.` (a definition list): each term a card, its definitions the back."""
        definitions = definition_entries(lines)
        for term, meanings, offset in definitions or []:
            self._entry(kind, path, term, block.start + offset, "\n".join(meanings))
        return bool(definitions)

    def _question_paragraph(self, block: Paragraph, kind: str, path: list[str], lines: list[str]) -> bool:
        pairs = marked_pairs(block.text.split("\n"))
        if len(pairs) > 1:  # "Q: ... A: ... Q: ... A: ..." in one paragraph: one card per pair
            for offset, pair in pairs:
                asked, said = split_answer(pair)
                self._question_text(kind, path, asked, block.start + offset, said)
            return True
        prompt, answer = split_answer(block.text)
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
        numbers = {column for column in range(width) if is_number_column(table, column)}
        prompt_column = prompt_column_of(table, width, numbers)
        marks = {column for column in range(width) if MARK_HEADER.fullmatch(plain_text(headers[column]).casefold())}
        self._note_columns(table, headers, kind)
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
                [row[prompt_column], *(as_marker(row[column]) for column in marks if row[column].strip())]
            )
            self._entry(kind, path, tagged, table.start + 2 + offset, "\n".join(cells))

    def _note_columns(self, table: Table, headers: list[str], kind: str) -> None:
        """A table of cards names its columns once ("Fact | Details", "Status | Problem | Level"): kept with
        the section headings, since the cards themselves do not repeat every column's name."""
        names = [plain_text(header).strip() for header in headers if plain_text(header).strip()]
        if names:
            self.unplaced.append((table.start, f"table of {kind} cards, columns {' | '.join(names)}"))

    def _item(self, item: Item, kind: str, path: list[str]) -> None:
        text = one_line(item.text)
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
        elif self._is_category_item(item):
            self._blocks(item.children, kind, [*path, clean_heading(text)])
        else:
            prompt, answer = split_answer(item.text)
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
        text, hint = split_hint(text)
        back = "\n\n".join(part for part in (hint, back) if part)
        text = one_line(text)
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
        term = defined_term(text, bold=item.bold_lead)
        if term is not None:  # "**Error budget:** the unreliability an SLO allows.": the term, defined
            back = "\n\n".join(part for part in (term[1], self._children_source(item)) if part)
            self._card("concept", path, term[0], item.start, back)
            return
        label, rest = lead if lead else (plain_label(text) or dash_label(text) or ("", text))
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
        label, rest = lead if lead else (plain_label(text) or label_only(text) or ("", text))
        back = "\n\n".join(part for part in (rest if label else "", self._children_source(item)) if part)
        self._card("fact", path, label or text, item.start, back)

    def _labelled(
        self, kind: str, path: list[str], label: str, rest: str, line: int, back: str, written: str = ""
    ) -> None:
        """`**Label:** rest`: a category with its items, or for facts a labelled fact; for concepts, a term
        with its definition when the line as `written` defines one."""
        term = defined_term(written) if kind == "concept" and written else None
        if term is not None:
            self._card(kind, path, term[0], line, "\n\n".join(p for p in (term[1], back) if p))
        elif kind == "concept":
            self._topics([*path, label], "", rest, line, back)
        elif kind == "fact":
            self._card(kind, path, label, line, "\n\n".join(p for p in (rest, back) if p))
        else:
            self._card(kind, [*path, label], rest, line, back)

    def _topics(self, path: list[str], context: str, text: str, line: int, back: str) -> None:
        for topic in split_topics(text):
            self._card("concept", path, topic, line, back, context)

    def _card(self, kind: str, path: list[str], prompt: str, line: int, back: str, context: str = "") -> None:
        prompt, comments = without_comments(one_line(prompt))
        cleaned, label = clean_prompt(prompt), clean_prompt(context)
        # `<!-- ... -->` is the writer's own aside; a link's address stays with the card, on its back.
        back = "\n\n".join(part for part in (*cleaned.links, clean_text(back), comments) if part)
        if kind in ("question", "ask"):
            back = unmarked_answer(back)
        if cleaned.text:
            category = [category_name(name) for name in path]
            if self.outline is not None:
                self._explain(line, kind, f"[{' > '.join(category)}] {cleaned.text}" if category else cleaned.text)
            card = ParsedCard(
                kind=as_card_kind(kind),
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

    def outline_note(self) -> ParsedNote | None:
        """The headings that name a section and nothing else ("Predicted Interview Questions", "About Acme"),
        as a reference note listing them: the deck keeps every word of the document."""
        named = {note.section for note in self.reference}
        named.update(name for card in self.cards for name in card.category)
        # A category named by a heading without its round's length ("Technical" for "Technical (30 min)") leaves
        # the length out: the heading is listed too.
        unplaced = [
            (line, title)
            for line, title in self.unplaced
            if title not in named and (category_name(title) not in named or names_round_length(title))
        ]
        if not unplaced:
            return None
        text = "\n".join(f"- {title} (line {line + 1})" for line, title in unplaced)
        return ParsedNote(section="Section headings", kind="other", text=text, source=unplaced[0][0] + 1)

    def _keep(self, title: str, kind: str, blocks: list[Block], line: int) -> None:
        """Keep blocks that made no card as a verbatim reference note, so nothing is dropped."""
        text = "\n\n".join(self._source([block]) for block in blocks if not isinstance(block, Rule))
        if text.strip():
            first = blocks[0].start
            section = title or "Introduction"
            self.reference.append(ParsedNote(section=section, kind=kind, text=text, source=max(line, first) + 1))
            self._explain(max(line, first), "reference", f"reference note in {section!r}: {text}")
