"""Scheduling with FSRS: today's queue and counts, the review session, the deadline policy,
projection, readiness.
"""

__all__ = [
    "answered",
    "deadline",
    "deadline_plan",
    "deadline_queue",
    "deck_day",
    "deck_readiness",
    "fsrs_settings",
    "jsonfields",
    "mock",
    "practice",
    "projection",
    "queue",
    "readiness",
    "replays",
    "scheduling",
    "session",
    "studydays",
    "today",
]
