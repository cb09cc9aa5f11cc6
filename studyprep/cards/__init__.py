"""The deck's domain: cards and decks as plain data, a document as the parser read it, content-addressed ids,
merging a document into a deck.
"""

__all__ = ["answersheet", "ids", "merge", "models", "parsed", "search"]
