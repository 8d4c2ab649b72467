"""Saving a plan: every level lands in PostgreSQL, in a few statements, one current plan at a time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, selectinload

from coach.models import FitnessPlan, FitnessProfile, Mesocycle, Microcycle, TraineeMovementRule, Workout
from coach.models.enums import MovementRuleType, PlanStatus, Units
from coach.movements.library import load_library
from coach.training.blueprint import PlanBlueprint
from coach.training.generator import generate_plan
from coach.training.persist import save_plan
from coach.training.profile import TrainingProfile, profile_from_records
from coach.training.render import render_workout, workout_view
from tests import factories

LIBRARY = load_library()
GYM = ["barbell", "rack", "bench", "dumbbell", "cable", "machine", "pullup_bar"]
MAX_STATEMENTS = 7


def blueprint(weeks: int, days: int, **fields: Any) -> PlanBlueprint:
    profile = TrainingProfile.from_mapping(
        {
            "goals": [{"goal": "hypertrophy", "weight": 10}],
            "experience": "intermediate",
            "days_per_week": days,
            "session_minutes": 60,
            "equipment": GYM,
            "weeks": weeks,
            "e1rm_kg": {"bench_press": 100},
            **fields,
        }
    )
    return generate_plan(profile, LIBRARY, date(2026, 11, 23))


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def load_plan(db: Session, plan_id: int) -> FitnessPlan:
    db.expire_all()
    query = sa.select(FitnessPlan).where(FitnessPlan.id == plan_id)
    query = query.options(
        selectinload(FitnessPlan.mesocycles)
        .selectinload(Mesocycle.microcycles)
        .selectinload(Microcycle.workouts)
        .selectinload(Workout.exercises)
    )
    return db.scalars(query).one()


def test_a_twelve_week_plan_is_stored_level_by_level_with_real_movements(db: Session):
    trainee = factories.trainee(db)
    plan = blueprint(12, 4)

    stored = load_plan(db, save_plan(db, trainee.id, plan))

    assert (stored.name, stored.status, stored.duration_weeks) == (plan.name, PlanStatus.ACTIVE, 12)
    assert [m.name for m in stored.mesocycles] == [m.name for m in plan.mesocycles]
    weeks = [micro for meso in stored.mesocycles for micro in meso.microcycles]
    assert [w.week_number for w in weeks] == list(range(1, 13))
    assert [w.is_deload for w in weeks] == [m.is_deload for m in plan.microcycles()]
    workouts = [w for micro in weeks for w in micro.workouts]
    expected = list(plan.workouts())
    assert [(w.scheduled_date, w.session_type) for w in workouts] == [
        (w.date, w.session_type) for w in expected
    ]
    for row, wanted in zip(workouts, expected, strict=True):
        assert [(e.movement.slug, e.position, e.sets) for e in row.exercises] == [
            (e.movement_slug, e.position, e.sets) for e in wanted.exercises
        ]
    loads = [float(e.load_kg) for w in workouts for e in w.exercises if e.load_kg is not None]
    assert loads and all(load % 2.5 == 0 for load in loads)


def test_saving_costs_the_same_few_statements_for_a_small_and_a_big_plan(db: Session, engine: Engine):
    small, big = blueprint(8, 2), blueprint(16, 6)
    assert sum(1 for _ in big.workouts()) > 10 * sum(1 for _ in small.workouts()) / 2
    trainee = factories.trainee(db)
    db.flush()

    with counted_statements(engine) as small_statements:
        save_plan(db, trainee.id, small)
    with counted_statements(engine) as big_statements:
        save_plan(db, trainee.id, big)

    assert len(small_statements) == len(big_statements) <= MAX_STATEMENTS


def test_saving_a_second_plan_completes_the_first(db: Session):
    trainee = factories.trainee(db)
    first = save_plan(db, trainee.id, blueprint(8, 3))
    second = save_plan(db, trainee.id, blueprint(8, 3))
    db.expire_all()

    statuses = {
        plan_id: status for plan_id, status in db.execute(sa.select(FitnessPlan.id, FitnessPlan.status))
    }
    assert statuses[first] is PlanStatus.COMPLETED
    assert statuses[second] is PlanStatus.ACTIVE


def test_a_stored_workout_renders_the_same_text_as_its_blueprint(db: Session):
    trainee = factories.trainee(db)
    plan = blueprint(8, 4)
    stored = load_plan(db, save_plan(db, trainee.id, plan))
    row = stored.mesocycles[0].microcycles[0].workouts[0]

    text = render_workout(workout_view(row), Units.KG, "accumulation")

    assert text == render_workout(next(plan.workouts()), Units.KG, "accumulation")


def test_the_profile_is_built_from_the_stored_trainee_and_movement_rules(db: Session):
    trainee = factories.trainee(db, training_days=[2, 4, 6], units=Units.LB)
    stored = FitnessProfile(
        trainee_id=trainee.id,
        goals=[{"goal": "strength", "weight": 6}, {"goal": "hypertrophy", "weight": 4}],
        days_per_week=3,
        session_minutes=50,
        equipment=["dumbbell", "bench"],
        limitations=["shoulder"],
    )
    rules = [
        TraineeMovementRule(
            trainee_id=trainee.id, movement_id=factories.movement(db, slug).id, rule_type=kind
        )
        for slug, kind in (("burpee", MovementRuleType.HARD_NO), ("goblet_squat", MovementRuleType.HARD_YES))
    ]
    db.add_all([stored, *rules])
    db.flush()

    profile = profile_from_records(trainee, stored, rules)

    assert profile.training_days == [2, 4, 6] and profile.units is Units.LB
    assert profile.hard_no == ["burpee"] and profile.hard_yes == ["goblet_squat"]
    assert profile.limitations == ["shoulder"] and profile.experience.value == "beginner"
