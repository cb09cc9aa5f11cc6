"""Shared setup for the review tests: a small real workspace and a clock the test moves by hand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from helpers import FIXED_NOW

from studyprep.commands.importing import import_document
from studyprep.commands.review import open_session
from studyprep.schedule.session import ReviewSession
from studyprep.store.plan import load_plan, save_plan
from studyprep.store.workspace import Workspace

SLUG = "acme-sre"
DOC = """# Interview Prep: Acme – SRE

## Interview Questions

### Networking
- What happens when you type a URL into a browser? Mention DNS and [bold]caching[/bold] <script>x</script>
- How does TCP slow start work?
- Explain BGP route flapping.

### Linux
- How do you find what is using a port?
- What does the OOM killer do?

## Concepts to Review
- Networking: DNS, BGP, anycast
"""
PROMPTS = [
    "What happens when you type a URL into a browser? Mention DNS and [bold]caching[/bold] <script>x</script>",
    "How does TCP slow start work?",
    "Explain BGP route flapping.",
    "How do you find what is using a port?",
    "What does the OOM killer do?",
    "DNS",
    "BGP",
    "anycast",
]


@dataclass
class Clock:
    """An injected clock the test moves forward by hand."""

    now: datetime = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move time forward and return the new moment."""
        self.now += timedelta(**delta)
        return self.now


def make_workspace(root: Path, text: str = DOC, now: datetime = FIXED_NOW, **plan: object) -> Workspace:
    """Import `text` into a fresh workspace; plans use UTC days (and any `plan` overrides, e.g. fuzz)."""
    workspace = Workspace(root / "ws")
    document = root / "prep.md"
    document.write_text(text, encoding="utf-8")
    result = import_document(workspace, document, now)
    set_plan(workspace, result.deck, **plan)
    return workspace


def set_plan(workspace: Workspace, slug: str = SLUG, **changes: object) -> None:
    """Edit a deck's plan: top-level fields, or `fuzz`, `learning_steps`... for the scheduler settings."""
    plan = load_plan(workspace, slug)
    scheduler_fields = set(type(plan.scheduler).model_fields)
    top = {"time_zone": "UTC", **{k: v for k, v in changes.items() if k not in scheduler_fields}}
    scheduler = plan.scheduler.model_copy(update={k: v for k, v in changes.items() if k in scheduler_fields})
    save_plan(workspace, plan.model_copy(update={**top, "scheduler": scheduler}))


@contextmanager
def session_at(workspace: Workspace, clock: Clock, decks: list[str] | None = None,
               **options: object) -> Iterator[ReviewSession]:  # fmt: skip
    """A started session at the clock's time, driven by that clock."""
    with open_session(workspace, decks or [], clock(), clock=clock, **options) as session:
        yield session


def shown_prompt(session: ReviewSession) -> str:
    """The prompt of the card on screen."""
    assert session.current is not None
    return session.current.card.prompt


def answer_all(session: ReviewSession, rating: int) -> list[str]:
    """Answer every card the session shows with `rating`; return their prompts in order."""
    seen = []
    while session.current is not None:
        seen.append(shown_prompt(session))
        session.reveal()
        session.answer(rating)
    return seen
