"""Prep document -> cards: Markdown blocks, an outline of sections, a meaning for each part, then cards.

Stages, each in its own module:
- `blocks`: markdown-it tokens -> a small tree of blocks with their source lines;
- `source`: the text made canonical (line ends, export escapes) keeping line numbers;
- `meaning` and `vocabulary`: what a heading, label or line means (data, in several languages);
- `identity`: the company and the role, from front matter, labels, the title and section names;
- `inline`: tags, markers, links and wiki syntax taken out of a card's text;
- `topics`: a concept line listing several topics -> one topic each;
- `extract`: the outline walk that gives every part a role and turns it into cards or reference notes
  (and, when asked, an outline saying what each part became: `studyprep import --explain`).
"""

from studyprep.parse.extract import MAX_DOCUMENT_BYTES, OutlineLine, parse_document

__all__ = ["MAX_DOCUMENT_BYTES", "OutlineLine", "parse_document"]
