"""Rich rendering of `studyprep optimize`: the fit, how it was judged, and which plans now hold it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from studyprep.render.decks import console
from studyprep.wording import count

if TYPE_CHECKING:
    from studyprep.commands.optimize_cmd import OptimizeReport
    from studyprep.schedule.optimize import Accuracy

__all__ = ["render_optimize"]


def _figures(accuracy: Accuracy) -> str:
    return f"log loss {accuracy.log_loss:.4f}   RMSE {accuracy.rmse:.4f}"


def render_optimize(report: OptimizeReport) -> None:
    """Print the fit: counted reviews and their split, both parameter sets' accuracy on the later part, and each
    deck's outcome (lower is better for both figures)."""
    out = console()
    fit = report.fit
    out.print(
        f"{count(fit.reviews, 'review')} counted (answers on a later study day than the card's previous one):"
        f" fitted on the earlier {fit.fitted_on}, judged on the {fit.judged_on} since"
        f" {fit.split_at.astimezone():%Y-%m-%d %H:%M}"
    )
    out.print(f"defaults   {_figures(fit.default)}")
    out.print(f"fitted     {_figures(fit.fitted)}   (lower is better)")
    for deck in report.decks:
        line = Text(deck.deck, "bold")
        if deck.current is not None:
            line.append(f"  own parameters: {_figures(deck.current)}")
        if deck.written:
            line.append(f"  fitted parameters written to {deck.plan}")
        else:
            line.append("  kept as it was: the fitted parameters do not predict better")
        out.print(line)
