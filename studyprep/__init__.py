"""studyprep: interview-prep documents -> atomic flashcards, FSRS review, Anki export, readiness."""

__version__ = "0.1.0"
