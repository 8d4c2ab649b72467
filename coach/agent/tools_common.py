"""What the tool handlers share: dates as the trainee says them, this trainee's workouts, real movement names.

Every lookup here is scoped to the turn's trainee; a date on which only someone else trains has no workout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.models import FitnessPlan, Microcycle, Workout
from coach.models.enums import PlanStatus, WorkoutStatus
from coach.movements.library import load_library
from coach.training.log_parsing import KnownMovement, MovementIndex

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ToolError(Exception):
    """A tool call the model should correct: the message goes back to it as {"error": ...}."""


@dataclass(frozen=True)
class Outcome:
    """What a handler did: the JSON-able payload for the model, and whether data changed."""

    payload: dict[str, Any]
    changed: bool = False


def resolve_date(text: str, today: date, *, past: bool = False) -> date:
    """An ISO date, "today", "tomorrow", "yesterday" or a weekday name, in the trainee's local calendar.

    A weekday name is the next such day from today on, or with `past` the latest one up to today
    ("log Monday's workout").
    """
    word = re.sub(r"[^a-z0-9-]", "", text.strip().lower())
    relative = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}
    if word in relative:
        return today + timedelta(days=relative[word])
    for index, name in enumerate(WEEKDAY_NAMES):
        if word in (name, name[:3]):
            ahead = (index - today.weekday()) % 7
            return today - timedelta(days=(7 - ahead) % 7) if past else today + timedelta(days=ahead)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ToolError(
            f"can't read the date '{text}': use YYYY-MM-DD, today, tomorrow or a weekday"
        ) from None


def day_label(day: date) -> str:
    """`Tue Nov 24`, as the trainee would say it."""
    return f"{day:%a %b} {day.day}"


def current_workouts(trainee_id: int) -> sa.Select[Workout]:
    """The trainee's workouts in their current (active or paused) plan, to narrow down and order."""
    return (
        sa.select(Workout)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(
            Workout.trainee_id == trainee_id,
            FitnessPlan.trainee_id == trainee_id,
            FitnessPlan.status != PlanStatus.COMPLETED,
        )
    )


def workouts_on(session: Session, trainee_id: int, day: date) -> list[Workout]:
    """The trainee's workouts on `day` in their current (active or paused) plan, pending ones first."""
    query = (
        current_workouts(trainee_id)
        .where(Workout.scheduled_date == day)
        .order_by(Workout.status != WorkoutStatus.PENDING, Workout.id)
    )
    return list(session.scalars(query))


def workout_on(session: Session, trainee_id: int, day: date) -> Workout:
    """The workout the trainee means by `day` (the pending one when there are two); ToolError if none."""
    found = workouts_on(session, trainee_id, day)
    if not found:
        raise ToolError(f"no workout on {day_label(day)} in the current plan")
    return found[0]


def workout_payload(workout: Workout, *, text: bool = True) -> dict[str, Any]:
    """A workout as the model reads it; `text` adds the SMS text the trainee receives."""
    payload: dict[str, Any] = {
        "date": workout.scheduled_date.isoformat(),
        "day": f"{workout.scheduled_date:%a}",
        "type": workout.session_type.value,
        "status": workout.status.value,
        "minutes": workout.estimated_minutes,
    }
    if text:
        payload["text"] = workout.sms_text
    return payload


@cache
def movement_index() -> MovementIndex:
    """Names and aliases of the packaged movement library, for exact lookups."""
    return MovementIndex.from_library(load_library())


def library_movement(name: str) -> KnownMovement | None:
    """The library movement `name` names exactly (name or alias, plurals and abbreviations folded)."""
    return movement_index().lookup(name)
