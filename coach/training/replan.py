"""Regenerating the rest of a trainee's plan after something it was built on changed (days, equipment).

The new plan starts at the given date; the old plan is marked completed, so its workouts, logs and e1RMs
stay as history, and the scheduler (which reads only the active plan) never texts its leftover days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from coach.models import FitnessPlan, Trainee, TraineeMovementRule
from coach.movements.library import EQUIPMENT, load_library
from coach.training.generator import generate_plan
from coach.training.persist import save_plan
from coach.training.profile import profile_from_records
from coach.training.workout_log import latest_e1rms


@dataclass(frozen=True)
class Replanned:
    plan_id: int
    previous_plan_id: int | None
    start: date
    weeks: int


def regenerate_plan(session: Session, trainee_id: int, *, start: date, reason: str) -> Replanned:
    """Build and store a new plan from the trainee's current profile, starting at `start`. No commit."""
    trainee = session.scalars(
        sa.select(Trainee)
        .where(Trainee.id == trainee_id)
        .options(
            selectinload(Trainee.profile),
            selectinload(Trainee.movement_rules).selectinload(TraineeMovementRule.movement),
        )
    ).one_or_none()
    if trainee is None or trainee.profile is None:
        raise LookupError(f"trainee {trainee_id} has no fitness profile to plan from")
    previous = session.scalar(
        sa.select(FitnessPlan.id).where(
            FitnessPlan.trainee_id == trainee_id, FitnessPlan.status != "completed"
        )
    )
    training = profile_from_records(
        trainee, trainee.profile, trainee.movement_rules, latest_e1rms(session, trainee_id)
    )
    blueprint = generate_plan(training, load_library(), start)
    plan_id = save_plan(session, trainee_id, blueprint, units=trainee.units)
    session.execute(sa.update(FitnessPlan).where(FitnessPlan.id == plan_id).values(reason=reason[:500]))
    return Replanned(plan_id=plan_id, previous_plan_id=previous, start=start, weeks=blueprint.weeks)


def change_training_days(
    session: Session, trainee_id: int, training_days: Sequence[int], *, start: date
) -> Replanned:
    """Train on these ISO weekdays (2..7 of them) from `start` on; the rest of the plan is rebuilt."""
    days = sorted(set(training_days))
    if not 2 <= len(days) <= 7 or not all(1 <= day <= 7 for day in days):
        raise ValueError("pick 2 to 7 training days (Monday = 1 ... Sunday = 7)")
    trainee = _trainee_with_profile(session, trainee_id)
    trainee.training_days = days
    assert trainee.profile is not None
    trainee.profile.days_per_week = len(days)
    session.flush()
    return regenerate_plan(session, trainee_id, start=start, reason=f"training days changed to {days}")


def change_equipment(
    session: Session, trainee_id: int, equipment: Sequence[str], *, start: date
) -> Replanned:
    """Plan with this equipment from `start` on; the rest of the plan is rebuilt."""
    unknown = sorted(set(equipment) - EQUIPMENT)
    if unknown:
        raise ValueError(f"unknown equipment: {', '.join(unknown)}")
    trainee = _trainee_with_profile(session, trainee_id)
    assert trainee.profile is not None
    trainee.profile.equipment = sorted(set(equipment))
    session.flush()
    return regenerate_plan(session, trainee_id, start=start, reason="equipment changed")


def _trainee_with_profile(session: Session, trainee_id: int) -> Trainee:
    trainee = session.scalars(
        sa.select(Trainee).where(Trainee.id == trainee_id).options(selectinload(Trainee.profile))
    ).one_or_none()
    if trainee is None or trainee.profile is None:
        raise LookupError(f"trainee {trainee_id} has no fitness profile")
    return trainee
