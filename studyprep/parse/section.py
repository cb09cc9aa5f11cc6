"""The outline's node: a heading (or a bold line, or a callout) with its blocks and sub-sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from studyprep.parse.blocks import (
    Block,
)

__all__ = ["Section", "all_sections", "section_end"]


@dataclass
class Section:
    """A heading (real, or a bold line acting as one) with its own blocks and its sub-sections."""

    title: str
    level: float
    line: int
    pseudo: bool = False
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    # Whether the section reads as a question, alone or among questions (`roles.is_question_section`), once
    # found: asked several times per heading as the outline is read (by its parent's walk, by the kind of the
    # section above, by the section's own visit).
    asked: dict[bool, bool] = field(default_factory=dict, compare=False, repr=False)


def all_sections(section: Section):
    for child in section.children:
        yield child
        yield from all_sections(child)


def section_end(section: Section) -> int:
    """The line after the last line of a section, its sub-sections included."""
    ends = [section.line + 1, *(block.end for block in section.blocks)]
    ends.extend(section_end(child) for child in section.children)
    return max(ends)
