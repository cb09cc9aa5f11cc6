"""Blocks -> an outline tree of sections: real headings, bold lines acting as headings, section callouts;
a question's labelled parts stay inside the question's section."""

from __future__ import annotations

import re

from studyprep.parse.blocks import (
    Block,
    Callout,
    Heading,
    Paragraph,
    split_bold_lead,
)
from studyprep.parse.meaning import (
    CARD_SECTION_KINDS,
    is_answer_part,
    looks_like_question,
    section_kind,
)
from studyprep.parse.roles import (
    is_question_title,
)
from studyprep.parse.section import (
    Section,
)

__all__ = ["build_sections"]


def build_sections(blocks: list[Block], skip: Block | None) -> Section:
    root = Section(title="", level=0, line=-1)
    stack = [root]
    for block in blocks:
        if block is skip:
            continue
        if isinstance(block, Callout) and _callout_section(block):
            # "> [!question] Questions to ask": a section of its own, ended by the callout's own last line;
            # "> [!faq] Why do you want this job?": a question, its body the answer.
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
    if is_question_title(question.title) and section.level > above.level:
        del stack[depth:]
        section.level = question.level + 0.25


_QUESTION_CALLOUTS = {"faq", "question", "help"}


def _callout_section(callout: Callout) -> bool:
    """True for a callout naming a section of cards, or asking a question (`> [!faq] Why this job?`)."""
    if section_kind(callout.title or callout.kind) in CARD_SECTION_KINDS:
        return True
    return callout.kind in _QUESTION_CALLOUTS and looks_like_question(callout.title)


_BOLD_QUESTION_WITH_HINT = re.compile(r"^(\*\*|__)(?P<question>\S.*?)\1\s*(?:→|->|=>|⇒|—|–)\s*\S")


def _as_heading(block: Block, stack: list[Section]) -> tuple[Section, Block | None] | None:
    """A real heading, or a paragraph whose first line is only bold text, as a section; else None."""
    if isinstance(block, Heading):
        return Section(block.text, block.level, block.start), None
    if not isinstance(block, Paragraph) or not block.bold_lead:
        return None
    first_line, _, rest = block.text.partition("\n")
    real_level = next((s.level for s in reversed(stack) if not s.pseudo), 0)
    remainder = Paragraph(block.start + 1, block.end, text=rest.strip()) if rest.strip() else None
    hinted = _BOLD_QUESTION_WITH_HINT.match(first_line)
    if hinted and looks_like_question(hinted["question"]):
        # "**Q: Mutex vs binary semaphore?** → priority inheritance": a question like a bold line, its hint
        # kept in the title for the question to split off.
        return Section(first_line, real_level + 0.5, block.start, pseudo=True), remainder
    lead = split_bold_lead(first_line)
    if lead is None or lead[1] or is_answer_part(lead[0]):
        return None  # "**Sample answer:**" alone on its line labels the text below it, inside the question
    if first_line.rstrip("*_ ").endswith((":", "：")) and is_question_title(stack[-1].title):
        return None  # "**How to show it:**" under a question: a part of its answer, not a section
    return Section(lead[0], real_level + 0.5, block.start, pseudo=True), remainder
