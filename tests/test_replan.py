from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coach.models import FitnessPlan, Movement, Workout, WorkoutExercise, WorkoutLog
from coach.models.enums import PlanStatus
from coach.movements.library import load_library
from coach.training.replan import change_equipment, change_training_days
from tests.test_progression import START, entry, log_sets, make_trainee

EQUIPMENT = {m.slug: set(m.equipment) for m in load_library().movements}


def _current_plan(db, trainee_id: int) -> FitnessPlan:
    plan = db.scalar(
        sa.select(FitnessPlan).where(
            FitnessPlan.trainee_id == trainee_id, FitnessPlan.status == PlanStatus.ACTIVE
        )
    )
    assert plan is not None
    return plan


def test_changing_training_days_rebuilds_the_rest_of_the_plan_and_keeps_history(db):
    owner = make_trainee(db)
    old_plan = _current_plan(db, owner.id)
    log_sets(db, owner, START, [entry("bench_press", 80.0, 8, 7.0)])
    restart = START + timedelta(days=14)

    result = change_training_days(db, owner.id, [2, 4, 6], start=restart)

    db.refresh(old_plan)
    assert old_plan.status is PlanStatus.COMPLETED and result.previous_plan_id == old_plan.id
    new_plan = _current_plan(db, owner.id)
    assert new_plan.id == result.plan_id and new_plan.days_per_week == 3
    days = db.scalars(
        sa.select(Workout.scheduled_date)
        .join(Workout.microcycle)
        .where(Workout.microcycle.has(plan_id=new_plan.id))
    ).all()
    assert days and min(days) >= restart
    assert {day.isoweekday() for day in days} <= {2, 4, 6}
    assert (
        db.scalar(sa.select(sa.func.count()).select_from(WorkoutLog).where(WorkoutLog.trainee_id == owner.id))
        == 1
    )


def test_changing_equipment_only_plans_movements_the_trainee_can_do(db):
    owner = make_trainee(db)
    result = change_equipment(db, owner.id, ["dumbbell", "bench"], start=START + timedelta(days=7))
    slugs = db.scalars(
        sa.select(Movement.slug)
        .join(WorkoutExercise, WorkoutExercise.movement_id == Movement.id)
        .join(Workout, Workout.id == WorkoutExercise.workout_id)
        .where(Workout.microcycle.has(plan_id=result.plan_id))
    ).all()
    assert slugs
    allowed = {"dumbbell", "bench", "bodyweight"}
    assert [slug for slug in set(slugs) if not EQUIPMENT[slug] <= allowed] == []


def test_bad_changes_are_clear_errors(db):
    owner = make_trainee(db)
    with pytest.raises(ValueError, match="2 to 7 training days"):
        change_training_days(db, owner.id, [1], start=START)
    with pytest.raises(ValueError, match="unknown equipment: spaceship"):
        change_equipment(db, owner.id, ["dumbbell", "spaceship"], start=START)
