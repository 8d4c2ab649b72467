"""Small builders for rows the tests need; each returns a flushed object."""

from __future__ import annotations

import itertools
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.models import (
    Conversation,
    FitnessPlan,
    Mesocycle,
    Microcycle,
    Movement,
    Trainee,
    Workout,
    WorkoutExercise,
)
from coach.models.enums import (
    ExerciseRole,
    Goal,
    MesocyclePhase,
    ProgressionStyle,
    SessionType,
    SplitTemplate,
)

_phones = itertools.count(5550100000)


def trainee(db: Session, **fields: object) -> Trainee:
    fields.setdefault("phone", f"+1{next(_phones)}")
    row = Trainee(**fields)
    db.add(row)
    db.flush()
    return row


def conversation(db: Session, owner: Trainee) -> Conversation:
    row = Conversation(trainee_id=owner.id)
    db.add(row)
    db.flush()
    return row


def movement(db: Session, slug: str = "barbell_back_squat") -> Movement:
    found = db.scalar(sa.select(Movement).where(Movement.slug == slug))
    assert found is not None, f"movement {slug} is not in the library"
    return found


def plan_with_workout(db: Session, owner: Trainee, move: Movement) -> Workout:
    plan = FitnessPlan(
        trainee_id=owner.id,
        name="Strength base",
        goal=Goal.STRENGTH,
        split_template=SplitTemplate.FULL_BODY,
        progression_style=ProgressionStyle.DOUBLE_PROGRESSION,
        start_date=date(2026, 11, 23),
        end_date=date(2027, 1, 31),
        duration_weeks=10,
        days_per_week=3,
    )
    meso = Mesocycle(
        plan=plan,
        sequence=1,
        name="Accumulation",
        phase=MesocyclePhase.ACCUMULATION,
        start_week=1,
        week_count=4,
    )
    db.add_all([plan, meso])
    db.flush()
    micro = Microcycle(mesocycle=meso, plan_id=plan.id, week_number=1, start_date=date(2026, 11, 23))
    workout = Workout(
        microcycle=micro,
        trainee_id=owner.id,
        scheduled_date=date(2026, 11, 23),
        day_number=1,
        session_type=SessionType.FULL_BODY,
    )
    workout.exercises.append(
        WorkoutExercise(
            movement_id=move.id, position=1, section=ExerciseRole.MAIN, sets=3, rep_min=5, rep_max=5
        )
    )
    db.add_all([micro, workout])
    db.flush()
    return workout
