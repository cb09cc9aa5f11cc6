"""Prep document -> cards: Markdown blocks, an outline of sections, a meaning for each part, then cards.

Stages, each in its own module:
- `blocks`: markdown-it tokens -> a small tree of blocks with their source lines;
- `source`: the text made canonical (line ends, export escapes) keeping line numbers;
- `meaning` and `vocabulary`: what a heading, label or line means (data, in several languages);
- `identity`: the company and the role, from front matter, labels, the title and section names;
- `inline`: tags, markers, links and wiki syntax taken out of a card's text;
- `topics`: a concept line listing several topics -> one topic each;
- `lines` and `tables`: what one line, item, label or table says (hints, Q/A pairs, prompt columns);
- `section` and `outline`: blocks -> a tree of sections (headings, bold lines, callouts), a question's
  labelled parts kept inside it;
- `roles`: what a section or item is (a question, a category, a part of an answer, problems, topics);
- `extract`: the walk that gives every part its role and turns it into cards or reference notes (and, when
  asked, says what each part became: `studyprep import --explain`);
- `document`: the entry point, `parse_document`: front matter, title, company and role, then the walk;
- `review`: cards that look wrong, for import's warnings.
"""

from studyprep.parse.document import MAX_DOCUMENT_BYTES, parse_document
from studyprep.parse.extract import OutlineLine

__all__ = ["MAX_DOCUMENT_BYTES", "OutlineLine", "parse_document"]
