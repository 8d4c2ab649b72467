"""Regenerating the rest of a trainee's plan after something it was built on changed (days, equipment).

The new plan starts at the given date (`first_day`: today or tomorrow); the old plan is marked completed,
so its workouts, logs and e1RMs stay as history, and the scheduler (which reads only the active plan) never
texts its leftover days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from coach.models import FitnessPlan, Microcycle, OutboundMessage, Trainee, TraineeMovementRule, Workout
from coach.models.enums import PlanStatus, WorkoutStatus
from coach.movements.library import EQUIPMENT, load_library
from coach.training.changes import current_plan
from coach.training.generator import generate_plan
from coach.training.persist import save_plan
from coach.training.profile import profile_from_records
from coach.training.workout_log import latest_e1rms

SEND_MARGIN = timedelta(minutes=15)


@dataclass(frozen=True)
class Replanned:
    plan_id: int
    previous_plan_id: int | None
    start: date
    weeks: int


def first_day(session: Session, trainee: Trainee, now: datetime) -> date:
    """The day a rebuilt plan starts (`now` in the trainee's zone): today while nothing of today's has
    happened (the daily text more than SEND_MARGIN ahead and nothing queued for today, no workout of today's
    done or skipped), so the new plan's session replaces the old one before it goes out; else tomorrow, and
    today's workout, in hand or finished, stays as it was (`_carry_over`). Never before the current plan's
    own start: a trainee who signed up tonight was told their first workout comes tomorrow."""
    day = _first_free_day(session, trainee, now)
    plan = current_plan(session, trainee.id)
    return max(day, plan.start_date) if plan is not None else day  # not before the plan they agreed to


def _first_free_day(session: Session, trainee: Trainee, now: datetime) -> date:
    today, tomorrow = now.date(), now.date() + timedelta(days=1)
    if trainee.send_time is None:
        return tomorrow
    # A few minutes' margin: the scheduler may queue the text while this turn is still being answered.
    cutoff = datetime.combine(today, trainee.send_time, now.tzinfo) - SEND_MARGIN
    if now >= cutoff:
        return tomorrow
    queued = session.scalar(
        sa.select(sa.exists().where(OutboundMessage.idempotency_key == f"daily:{trainee.id}:{today}"))
    )
    touched = session.scalar(
        sa.select(
            sa.exists()
            .where(
                Workout.trainee_id == trainee.id,
                Workout.scheduled_date == today,
                Workout.status != WorkoutStatus.PENDING,
                FitnessPlan.status != PlanStatus.COMPLETED,
            )
            .where(Microcycle.id == Workout.microcycle_id, FitnessPlan.id == Microcycle.plan_id)
        )
    )
    return tomorrow if queued or touched else today


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
    if previous is not None:
        _carry_over(session, previous, plan_id, start - timedelta(days=1))
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


def _carry_over(session: Session, old_plan_id: int, new_plan_id: int, day: date) -> None:
    """The old plan's workouts still to do on `day`, the new plan's eve (today, when it starts tomorrow), join
    the new plan's first week as they are: a workout the trainee has in hand stays theirs to do, to ask
    about and to log, and the scheduler still texts it if its time has not come. The new week's progression
    leaves them out (`progression._history`): they answered the old plan's prescriptions."""
    first_week = session.scalars(
        sa.select(Microcycle)
        .where(Microcycle.plan_id == new_plan_id)
        .order_by(Microcycle.start_date)
        .limit(1)
    ).first()
    if first_week is None:
        return
    kept = session.scalars(
        sa.select(Workout).where(
            Workout.microcycle_id.in_(sa.select(Microcycle.id).where(Microcycle.plan_id == old_plan_id)),
            Workout.scheduled_date == day,
            Workout.status == WorkoutStatus.PENDING,
        )
    )
    for workout in kept:  # through the ORM, so a workout already loaded sees its new week at once
        workout.microcycle = first_week
    session.flush()
