"""What a part of the outline is: a question heading, a category, a labelled part of an answer, a list
of questions, problems to practise or topics."""

from __future__ import annotations

import re

from studyprep.parse.blocks import (
    Block,
    Item,
    ListBlock,
    Paragraph,
    Table,
    split_bold_lead,
)
from studyprep.parse.lines import (
    MAX_LABEL_WORDS,
    one_line,
    plain_label,
    reads_as_label,
)
from studyprep.parse.meaning import (
    CARD_SECTION_KINDS,
    QUESTION_MARKER,
    clean_heading,
    is_answer_part,
    looks_like_question,
    section_kind,
)
from studyprep.parse.meaning import (
    plain as plain_text,
)
from studyprep.parse.section import (
    Section,
)
from studyprep.parse.tables import (
    headed_as_prompts,
    is_number_column,
    prompt_column_of,
)
from studyprep.parse.topics import split_topics

__all__ = [
    "REFERENCE_KINDS",
    "asks_anything",
    "asks_in_headings",
    "is_category_item",
    "is_empty_category",
    "is_part_item",
    "is_practice_item",
    "is_question_section",
    "is_question_title",
    "kind_by_content",
    "mostly_asked",
    "mostly_questions",
    "practice_list",
    "section_texts",
    "split_lazy_questions",
    "topic_list",
]


_MIN_TOPIC_ITEMS = 3


REFERENCE_KINDS = {"role", "fit", "resume", "strategy"}


def is_category_item(item: Item) -> bool:
    """A bullet naming a group of questions under it: a short label, not a sentence or a question.

    A longer phrase ("gérer un coup de feu à 120 couverts", "handling a difficult customer") names a group only
    when what is under it is asked too; over notes that answer it, it is a question written without its question
    mark, and the notes are its back."""
    words = plain_text(one_line(item.text))
    sentence = len(words.split()) > MAX_LABEL_WORDS * 2 or (words.endswith(".") and len(words.split()) > 2)
    nested = item.nested_items()
    if not nested or sentence or looks_like_question(item.text):
        return False
    return reads_as_label(item.text) or mostly_asked(
        ["?" if is_category_item(child) else child.text for child in nested]
    )


def is_empty_category(item: Item) -> bool:
    """A bare bullet ("Empty") with nothing under it: not a question, and no `**Label:** text` either."""
    if item.nested_items() or looks_like_question(item.text):
        return False
    lead = split_bold_lead(one_line(item.text)) if item.bold_lead else None
    return not (lead and lead[1])


def mostly_questions(blocks: list[Block]) -> bool:
    return mostly_asked(list(_candidate_texts(blocks)))


_PRACTICE_LINK = re.compile(r"^\W{0,12}\[[^\]]{1,200}\]\(https?://")
_LINK = re.compile(r"https?://|www\.|\]\(|\[\[")


# Coloured difficulty marks open the item ("🟢 [Two Sum](...)"); a legend line only mentions them.
_DIFFICULTY = re.compile(r"^\W{0,8}?(?:🟢|🟡|🔴|🟩|🟨|🟥)|[\[(](?:easy|medium|hard)[\])]", re.IGNORECASE)


def is_practice_item(text: str) -> bool:
    """A problem to practise, as question banks list them: a linked title, or a difficulty marker."""
    return bool(_PRACTICE_LINK.match(text) or _DIFFICULTY.search(text))


def mostly_asked(texts: list[str]) -> bool:
    asked = sum(1 for text in texts if looks_like_question(text) or is_practice_item(text))
    return asked > 0 and asked * 2 >= len(texts)


def section_texts(section: Section):
    """The candidate texts of a section and of the sub-sections no card heading of their own claims.

    A sub-section titled as a question counts as that one question (what follows it is its answer).
    """
    yield from _candidate_texts(section.blocks)
    for child in section.children:
        title = clean_heading(child.title)
        if is_question_section(child):
            yield "?"
        elif section_kind(title) not in CARD_SECTION_KINDS:
            yield from section_texts(child)


def _candidate_texts(blocks: list[Block]):
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, ListBlock):
            for item in block.items:
                if is_category_item(item):
                    yield from _candidate_texts(item.children)
                elif item.text:  # a question's nested bullets are its hints, not more candidates
                    yield item.text
        elif isinstance(block, Table) and block.rows:
            width = max(len(row) for row in block.rows)
            numbers = {column for column in range(width) if is_number_column(block, column)}
            column = prompt_column_of(block, width, numbers)
            declared = headed_as_prompts(block, column)  # "| Question | ... |": each row is one, whatever it says
            yield from (
                "?" if declared else row[column] for row in block.rows if column < len(row) and row[column].strip()
            )


def is_part_item(item: Item) -> bool:
    """A bullet labelling a part of an answer ("- **Sample answer:** ...", "- Red flags:")."""
    lead = split_bold_lead(item.text) if item.bold_lead else plain_label(one_line(item.text))
    label = lead[0] if lead else one_line(item.text).rstrip(":：")
    return is_answer_part(label)


def is_question_section(section: Section, among_questions: bool = False) -> bool:
    """A heading or bold line that is a question, or that is followed by an answer's labelled parts
    ("**7. You're incident commander. Talk me through it.**" then "- **What they're testing:** ...").

    Among questions, a heading whose words would name a reference section elsewhere ("What's your experience
    with central lines?", "Why this company?") is a question too.

    Kept on the section once found: a question on its own is one among questions too.
    """
    found = section.asked.get(among_questions)
    if found is None and among_questions:
        found = section.asked.get(False) or None
    if found is None:
        found = section.asked[among_questions] = _reads_as_question_section(section, among_questions)
    return found


def _reads_as_question_section(section: Section, among_questions: bool) -> bool:
    title = clean_heading(section.title)
    if not title or is_answer_part(section.title):
        return False
    if reads_as_label(section.title) and _holds_questions(section.blocks):
        return False  # "### Why here" over a list of questions names them: a category
    if is_question_title(section.title) or (among_questions and looks_like_question(title)):
        return True
    kind = section_kind(title)
    return kind not in (*CARD_SECTION_KINDS, *REFERENCE_KINDS) and _has_answer_parts(section)


def kind_by_content(section: Section, title: str, own: str | None) -> str | None:
    """An unfamiliar heading, or one whose words read as advice ("Behavioral (STAR)"), holding mostly
    questions (in its blocks or in sub-sections no heading of their own claims), or lists of topics."""
    asked = mostly_asked(list(section_texts(section))) if title else mostly_questions(section.blocks)
    if asked:
        return "question"
    if own is None and title and _lists_topics(section.blocks):
        return "concept"  # "Part 1 — Distributed systems" over lists of topics
    return None


def topic_list(blocks: list[Block]) -> bool:
    """True for content that is only lists of statements ("Settlement: immediate vs consolidation"): no
    question, no link, no prose around them. In revision notes such a list under a topic heading is concepts."""
    if not blocks or not all(isinstance(block, ListBlock) for block in blocks):
        return False
    items = [one_line(item.text) for block in blocks if isinstance(block, ListBlock) for item in block.items]
    return bool(items) and not any(looks_like_question(item) or _LINK.search(item) for item in items)


def _lists_topics(blocks: list[Block]) -> bool:
    """True for a list whose items mostly name several topics each ("Idempotency keys, retries, ...")."""
    items = [one_line(item.text) for block in blocks if isinstance(block, ListBlock) for item in block.items]
    items = [item for item in items if item]
    if not items or any(looks_like_question(item) for item in items):
        return False
    if len(items) < _MIN_TOPIC_ITEMS:  # one or two lines: each must list several topics ("KPIs: a, b, c, d")
        return all(len(split_topics(_label_rest(item))) >= _MIN_TOPIC_ITEMS for item in items)
    # An item naming three topics or more is a list of them; one naming two ("Parking at gate 2, sign in at
    # reception") may as well be a remark: it counts half.
    score = sum(_topic_weight(item) for item in items)
    return score * 2 >= len(items)


def _topic_weight(item: str) -> float:
    rest = _label_rest(item)
    count = len(split_topics(rest))
    if count > 2 or (count == 2 and rest != item):  # "**Portfolio:** 1,700 MW of wind, 400 MW of batteries"
        return 1.0
    return 0.5 if count == 2 else 0.0


def _label_rest(text: str) -> str:
    lead = split_bold_lead(text)
    if lead and lead[1]:
        return lead[1]
    label = plain_label(text)
    return label[1] if label else text


def practice_list(blocks: list[Block]) -> bool:
    """True for a list of problems to practise ("- [ ] 🟢 [Two Sum](...)"), most of its items."""
    items = [item.text for block in blocks if isinstance(block, ListBlock) for item in block.items if item.text]
    return len(items) >= 2 and sum(is_practice_item(text) for text in items) * 2 >= len(items)


def asks_in_headings(section: Section) -> bool:
    """True when most of a section's sub-headings are questions (two at least)."""
    asked = sum(is_question_section(child, among_questions=True) for child in section.children)
    return asked >= 2 and asked * 2 >= len(section.children)


def _holds_questions(blocks: list[Block]) -> bool:
    """True for blocks holding a list of at least two questions, most of their items."""
    items = [item for block in blocks if isinstance(block, ListBlock) for item in block.items]
    texts = [item.text for item in items if item.text and not is_part_item(item)]
    return len(texts) >= 2 and mostly_asked(texts) and not is_part_item(items[0])


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


def is_question_title(title: str) -> bool:
    """A heading that is a question, not one naming a reference section ("Why this company?" is fit)."""
    words = clean_heading(title)
    return looks_like_question(words) and section_kind(words) not in REFERENCE_KINDS


def asks_anything(section: Section) -> bool:
    """True when a section holds a question anywhere in its own blocks or sub-headings."""
    if any(is_question_section(child, among_questions=True) for child in section.children):
        return True
    lines = [line for text in section_texts(section) for line in text.split("\n")]
    return any(line == "?" or looks_like_question(line) or is_practice_item(line) for line in lines)


def split_lazy_questions(blocks: list[Block]) -> list[Block]:
    """Lists cut where a `Q:` line continues a bullet lazily ("- an answer" then "Q: the next question" on
    the next line, which Markdown reads as one bullet): the bullet, then the question as a paragraph."""
    result: list[Block] = []
    for block in blocks:
        result.extend(_cut_list(block) if isinstance(block, ListBlock) else [block])
    return result


def _cut_list(block: ListBlock) -> list[Block]:
    pieces: list[Block] = []
    items: list[Item] = []
    for item in block.items:
        lines = item.text.split("\n")
        cut = next((index for index, line in enumerate(lines) if index and QUESTION_MARKER.match(line.strip())), 0)
        if not cut:
            items.append(item)
            continue
        head = Item(item.start, item.start + cut, text="\n".join(lines[:cut]), bold_lead=item.bold_lead, body=item.body)
        items.append(head)
        pieces.append(ListBlock(items[0].start, head.end, items=items))
        pieces.append(Paragraph(item.start + cut, item.end, text="\n".join(lines[cut:])))
        pieces.extend(item.children)
        items = []
    if items:
        pieces.append(ListBlock(items[0].start, items[-1].end, items=items) if pieces else block)
    return pieces
