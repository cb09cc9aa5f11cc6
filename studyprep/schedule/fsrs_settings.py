"""A plan's FSRS scheduler settings as plain, typed data: what `fsrs.Scheduler` is built from, kept in the plan
cache as JSON (steps in whole microseconds, which fsrs's own `to_dict` rounds to seconds)."""

from __future__ import annotations

from dataclasses import dataclass

from studyprep.schedule.jsonfields import as_bool, as_float, as_int, as_list, as_number, as_object, as_zone

__all__ = ["SchedulerSettings"]

_KEYS = {"parameters", "desired_retention", "learning_steps", "relearning_steps", "maximum_interval",
         "enable_fuzzing", "day_starts_at_hour", "time_zone"}  # fmt: skip


@dataclass(frozen=True)
class SchedulerSettings:
    """`fsrs.Scheduler`'s keyword arguments, steps in microseconds, with the plan's study day (`studydays`)."""

    parameters: tuple[float, ...]
    desired_retention: float
    learning_steps: tuple[int, ...]
    relearning_steps: tuple[int, ...]
    maximum_interval: int
    enable_fuzzing: bool
    day_starts_at_hour: int
    time_zone: str | None

    @classmethod
    def from_json(cls, data: object) -> SchedulerSettings:
        """The inverse of `result.to_json` (the plan cache's form); `jsonfields.MalformedEntryError` for an entry of
        another shape."""
        found = as_object(data, _KEYS)
        return cls(
            parameters=tuple(as_number(value) for value in as_list(found["parameters"])),
            desired_retention=as_float(found["desired_retention"]),
            learning_steps=tuple(as_int(step) for step in as_list(found["learning_steps"])),
            relearning_steps=tuple(as_int(step) for step in as_list(found["relearning_steps"])),
            maximum_interval=as_int(found["maximum_interval"]),
            enable_fuzzing=as_bool(found["enable_fuzzing"]),
            day_starts_at_hour=as_int(found["day_starts_at_hour"], 0, 23),
            time_zone=as_zone(found["time_zone"]),
        )
