"""studyprep: interview-prep documents -> atomic flashcards, FSRS review, Anki export, readiness."""

__all__ = [
    "anki",
    "cards",
    "cli",
    "clock",
    "commands",
    "errors",
    "parse",
    "progress",
    "render",
    "safetext",
    "schedule",
    "store",
    "wording",
]

__version__ = "0.1.0"
