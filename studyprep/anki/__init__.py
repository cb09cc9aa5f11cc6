"""Anki's side: the note model, card HTML, and the package written for Anki."""

__all__ = ["answers", "collection", "exchange", "html", "model", "progress"]
