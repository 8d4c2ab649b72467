"""A plan as plain data, before it touches a database.

plan -> mesocycles -> microcycles -> workouts -> exercises.

Every field is a number, a date, an enum or a slug, so the same blueprint can be saved, rendered as a text,
compared in a test or printed as JSON (``to_dict``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Any

from coach.models.enums import (
    ExerciseRole,
    Goal,
    MesocyclePhase,
    MovementPattern,
    ProgressionStyle,
    SessionType,
    SplitTemplate,
)


@dataclasses.dataclass(frozen=True)
class ExerciseBlueprint:
    movement_slug: str
    movement_name: str
    pattern: MovementPattern
    equipment: tuple[str, ...]
    section: ExerciseRole
    position: int
    superset_group: int | None
    sets: int
    rep_min: int | None
    rep_max: int | None
    duration_seconds: int | None
    load_kg: float | None
    percent_e1rm: float | None
    target_rpe: float | None
    target_rir: int | None
    rest_seconds: int
    estimated_minutes: float


@dataclasses.dataclass(frozen=True)
class WorkoutBlueprint:
    date: date
    day_number: int
    session_type: SessionType
    focus: str
    estimated_minutes: int
    exercises: tuple[ExerciseBlueprint, ...]


@dataclasses.dataclass(frozen=True)
class MicrocycleBlueprint:
    week_number: int
    start_date: date
    is_deload: bool
    focus: str
    workouts: tuple[WorkoutBlueprint, ...]


@dataclasses.dataclass(frozen=True)
class MesocycleBlueprint:
    name: str
    phase: MesocyclePhase
    focus: str
    start_week: int
    week_count: int
    microcycles: tuple[MicrocycleBlueprint, ...]


@dataclasses.dataclass(frozen=True)
class PlanBlueprint:
    name: str
    goal: Goal
    split: SplitTemplate
    progression_style: ProgressionStyle
    start_date: date
    weeks: int
    deload_every: int
    days_per_week: int
    session_minutes: int
    volume_band: tuple[int, int]
    mesocycles: tuple[MesocycleBlueprint, ...]
    # Requests the engine could not honour (e.g. a must-have movement the trainee has no equipment for).
    notes: tuple[str, ...] = ()

    @property
    def end_date(self) -> date:
        return date.fromordinal(self.start_date.toordinal() + 7 * self.weeks - 1)

    def microcycles(self) -> Iterator[MicrocycleBlueprint]:
        for mesocycle in self.mesocycles:
            yield from mesocycle.microcycles

    def workouts(self) -> Iterator[WorkoutBlueprint]:
        for microcycle in self.microcycles():
            yield from microcycle.workouts

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO strings, enums as their values, tuples as lists."""
        data = _jsonable(dataclasses.asdict(self))
        data["end_date"] = self.end_date.isoformat()
        assert isinstance(data, dict)
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
