"""Prep document -> cards: Markdown blocks, an outline of sections, a meaning for each part, then cards.

Stages, each in its own module:
- `blocks`: markdown-it tokens -> a small tree of blocks with their source lines;
- `meaning` and `vocabulary`: what a heading, label or line means (data, in several languages);
- `topics`: a concept line listing several topics -> one topic each;
- `extract`: the outline walk that gives every part a role and turns it into cards or reference notes.
"""

from studyprep.parse.extract import MAX_DOCUMENT_BYTES, parse_document

__all__ = ["MAX_DOCUMENT_BYTES", "parse_document"]
