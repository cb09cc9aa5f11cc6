"""One module per command: each exposes a core function that takes data (and `now`) and returns data."""

__all__ = [
    "anki_pull",
    "answers_cmd",
    "brief_cmd",
    "card_actions",
    "cards_cmd",
    "check",
    "due",
    "export",
    "importing",
    "listing",
    "mock_cmd",
    "plan_cmd",
    "readiness_cmd",
    "restore",
    "review",
    "stats_cmd",
]
