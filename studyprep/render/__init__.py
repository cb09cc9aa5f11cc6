"""What reaches the terminal: text made safe, tables, and the interactive review screen."""

__all__ = [
    "anki",
    "cards",
    "check",
    "decks",
    "editor",
    "importing",
    "keys",
    "mock_screen",
    "readiness",
    "review",
    "review_screen",
    "terminal",
]
