"""The deck's domain: cards and decks as plain data, content-addressed ids,
merging a document into a deck.
"""

__all__ = ["answersheet", "ids", "merge", "models", "search"]
