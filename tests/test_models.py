from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from coach.models import (
    FitnessPlan,
    FitnessProfile,
    Message,
    Movement,
    OutboundMessage,
    SetLog,
    Trainee,
    Workout,
    WorkoutExercise,
    WorkoutLog,
)
from coach.models.enums import (
    DeliveryState,
    Direction,
    Goal,
    OutboundKind,
    PlanStatus,
    ProgressionStyle,
    SplitTemplate,
    TraineeStatus,
    Units,
)
from tests import factories


def _violates(db: Session, *rows: object) -> None:
    with pytest.raises((IntegrityError, DataError)), db.begin_nested():
        db.add_all(rows)
        db.flush()


def test_a_phone_number_belongs_to_one_trainee(db):
    first = factories.trainee(db)
    _violates(db, Trainee(phone=first.phone))


@pytest.mark.parametrize(
    "phone", ["5551234567", "+0123456789", "+1 555 123 4567", "+1555", "+1234567890123456"]
)
def test_phone_numbers_must_be_e164(db, phone):
    _violates(db, Trainee(phone=phone))


def test_new_trainees_start_onboarding_with_sane_defaults(db):
    row = factories.trainee(db)
    db.refresh(row)
    assert row.status is TraineeStatus.ONBOARDING
    assert row.units is Units.KG
    assert row.time_zone == "UTC"
    assert row.persona_aggression == 3
    assert row.created_at.tzinfo is not None


def test_training_days_are_iso_weekdays(db):
    _violates(db, Trainee(phone="+15557770000", training_days=[1, 8]))


def test_a_provider_sid_is_stored_once(db):
    owner = factories.trainee(db)
    convo = factories.conversation(db, owner)
    sid = "SM" + "a" * 32

    def message() -> Message:
        return Message(
            conversation_id=convo.id,
            trainee_id=owner.id,
            direction=Direction.INBOUND,
            body="hi",
            provider_sid=sid,
            status=DeliveryState.RECEIVED,
        )

    db.add(message())
    db.flush()
    _violates(db, message())


def test_an_idempotency_key_is_queued_once(db):
    owner = factories.trainee(db)

    def row() -> OutboundMessage:
        return OutboundMessage(
            trainee_id=owner.id,
            kind=OutboundKind.DAILY_WORKOUT,
            body="Squats today",
            idempotency_key=f"daily:{owner.id}:2026-11-23",
        )

    db.add(row())
    db.flush()
    _violates(db, row())


def test_a_trainees_queued_texts_are_numbered_in_order(db):
    owner = factories.trainee(db)
    rows = [
        OutboundMessage(trainee_id=owner.id, kind=OutboundKind.REPLY, body=str(i), idempotency_key=f"k{i}")
        for i in range(3)
    ]
    for row in rows:
        db.add(row)
        db.flush()
    sequences = [row.sequence for row in rows]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    db.refresh(rows[0])
    assert rows[0].state is DeliveryState.QUEUED


def test_deleting_a_trainee_removes_everything_that_is_theirs(db):
    owner = factories.trainee(db)
    db.add(FitnessProfile(trainee_id=owner.id, goals=[{"goal": "strength", "weight": 10}]))
    convo = factories.conversation(db, owner)
    db.add(
        Message(
            conversation_id=convo.id,
            trainee_id=owner.id,
            direction=Direction.INBOUND,
            body="hi",
            status=DeliveryState.RECEIVED,
        )
    )
    workout = factories.plan_with_workout(db, owner, factories.movement(db))
    log = WorkoutLog(trainee_id=owner.id, workout_id=workout.id, log_date=date(2026, 11, 23))
    db.add(log)
    db.flush()
    db.add(
        SetLog(
            workout_log_id=log.id,
            movement_id=factories.movement(db).id,
            pattern="squat",
            weight_kg=Decimal("100"),
            entered_units=Units.KG,
            reps=5,
        )
    )
    db.flush()
    owner_id, workout_id, log_id = owner.id, workout.id, log.id

    db.execute(sa.delete(Trainee).where(Trainee.id == owner_id))
    db.expire_all()
    for model in (FitnessProfile, FitnessPlan, Workout, Message, WorkoutLog):
        assert (
            db.scalar(sa.select(sa.func.count()).select_from(model).where(model.trainee_id == owner_id)) == 0
        )
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(WorkoutExercise)
            .where(WorkoutExercise.workout_id == workout_id)
        )
        == 0
    )
    assert (
        db.scalar(sa.select(sa.func.count()).select_from(SetLog).where(SetLog.workout_log_id == log_id)) == 0
    )


def test_a_movement_in_use_cannot_be_deleted(db):
    owner = factories.trainee(db)
    move = factories.movement(db)
    factories.plan_with_workout(db, owner, move)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(sa.delete(Movement).where(Movement.id == move.id))


def test_deleting_a_workout_keeps_its_log_as_history(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))
    log = WorkoutLog(trainee_id=owner.id, workout_id=workout.id, log_date=date(2026, 11, 23))
    db.add(log)
    db.flush()
    db.execute(sa.delete(Workout).where(Workout.id == workout.id))
    db.refresh(log)
    assert log.workout_id is None


def test_a_trainee_has_at_most_one_current_plan(db):
    owner = factories.trainee(db)
    move = factories.movement(db)
    factories.plan_with_workout(db, owner, move)

    def plan(status: PlanStatus) -> FitnessPlan:
        return FitnessPlan(
            trainee_id=owner.id,
            name="Next",
            goal=Goal.HYPERTROPHY,
            split_template=SplitTemplate.UPPER_LOWER,
            progression_style=ProgressionStyle.DOUBLE_PROGRESSION,
            status=status,
            start_date=date(2027, 2, 1),
            end_date=date(2027, 4, 1),
            duration_weeks=8,
            days_per_week=4,
        )

    _violates(db, plan(PlanStatus.PAUSED))
    db.add(plan(PlanStatus.COMPLETED))
    db.flush()


@pytest.mark.parametrize(
    ("table", "check"),
    [
        ("workout_exercises", "UPDATE workout_exercises SET target_rpe = 11"),
        ("workout_exercises", "UPDATE workout_exercises SET rep_max = 1, rep_min = 5"),
        ("trainees", "UPDATE trainees SET persona_aggression = 6"),
    ],
)
def test_numeric_prescriptions_stay_in_range(db, table, check):
    owner = factories.trainee(db)
    factories.plan_with_workout(db, owner, factories.movement(db))
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(sa.text(check))


def test_every_timestamp_column_is_timezone_aware(db):
    naive = db.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'"
        )
    ).all()
    assert naive == []


# The semantic values from the seeds (Gainsly's enums, GymText's statuses) are the contract.
SEED_ENUMS = {
    "movement_pattern": [
        "squat",
        "hinge",
        "horizontal_push",
        "vertical_push",
        "horizontal_pull",
        "vertical_pull",
        "carry",
        "core",
        "lunge",
        "rotation",
        "plyometric",
        "olympic",
        "isolation",
        "mobility",
        "isometric",
        "conditioning",
        "cardio",
    ],
    "primary_region": [
        "anterior lower",
        "posterior lower",
        "shoulder",
        "anterior upper",
        "posterior upper",
        "full body",
        "lower body",
        "upper body",
    ],
    "primary_muscle": [
        "quadriceps",
        "hamstrings",
        "glutes",
        "calves",
        "chest",
        "lats",
        "upper_back",
        "rear_delts",
        "front_delts",
        "side_delts",
        "biceps",
        "triceps",
        "forearms",
        "core",
        "obliques",
        "lower_back",
        "hip_flexors",
        "adductors",
        "full_body",
    ],
    "metric_type": ["reps", "time", "time_under_tension", "distance"],
    "skill_level": ["beginner", "intermediate", "advanced", "expert", "elite"],
    "cns_load": ["very_low", "low", "moderate", "high", "very_high"],
    "goal": ["strength", "hypertrophy", "endurance", "fat_loss", "mobility", "explosiveness", "speed"],
    "split_template": ["upper_lower", "ppl", "full_body", "hybrid"],
    "progression_style": [
        "single_progression",
        "double_progression",
        "paused_variations",
        "build_to_drop",
        "wave_loading",
    ],
    "movement_rule_type": ["hard_no", "hard_yes", "preferred"],
    "rule_cadence": ["per_microcycle", "weekly", "biweekly"],
    "session_type": [
        "upper",
        "lower",
        "push",
        "pull",
        "legs",
        "full_body",
        "cardio",
        "mobility",
        "recovery",
        "skill",
        "custom",
    ],
    "exercise_role": ["warmup", "main", "accessory", "skill", "finisher", "cooldown"],
    "microcycle_status": ["planned", "active", "complete"],
    "e1rm_formula": ["epley", "brzycki", "lombardi", "oconner"],
    "recovery_source": ["dummy", "manual", "garmin", "apple", "aura ring", "whoop band"],
    "persona_tone": ["drill_sergeant", "supportive", "analytical", "motivational", "minimalist"],
    "relationship_type": ["progression", "regression", "variation", "antagonist", "prep"],
    "experience_level": ["beginner", "intermediate", "advanced", "expert"],
    "plan_status": ["active", "completed", "paused"],
    "workout_status": ["pending", "completed", "skipped"],
    "conversation_status": ["active", "archived"],
    "message_direction": ["inbound", "outbound"],
    "trainee_status": ["onboarding", "active", "paused", "opted_out"],
}


def test_database_enum_values_are_the_seeds_semantic_values(db):
    rows = db.execute(
        sa.text(
            "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "ORDER BY t.typname, e.enumsortorder"
        )
    ).all()
    stored: dict[str, list[str]] = {}
    for name, label in rows:
        stored.setdefault(name, []).append(label)
    for name, values in SEED_ENUMS.items():
        assert stored[name] == values, name


def test_enums_are_written_as_their_values_not_python_names(db):
    owner = factories.trainee(db, status=TraineeStatus.OPTED_OUT)
    raw = db.execute(sa.text("SELECT status::text FROM trainees WHERE id = :id"), {"id": owner.id}).scalar()
    assert raw == "opted_out"
