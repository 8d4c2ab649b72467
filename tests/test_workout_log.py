from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.bootstrap import Services
from coach.messaging.text import describe
from coach.models import Message, Trainee
from coach.models.enums import (
    DeliveryState,
    Direction,
    E1RMFormula,
    Encoding,
    MovementPattern,
    PlanStatus,
    Units,
    WorkoutStatus,
)
from coach.models.logs import ReadinessLog, SetLog, SorenessLog, WorkoutLog
from coach.training.log_confirmation import confirmation
from coach.training.log_parsing import ParsedLog, SetEntry, SorenessEntry
from coach.training.workout_log import (
    LoggedSet,
    LogResult,
    latest_e1rms,
    record_log,
    record_readiness,
)
from tests import factories

WORKOUT_DAY = date(2026, 11, 23)  # the day factories.plan_with_workout schedules
NOW = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


def squat(weight: float | None = 100, units: Units = Units.KG, reps: int = 5, sets: int = 5) -> SetEntry:
    return SetEntry("barbell_back_squat", "Barbell Back Squat", weight, units, reps, sets, 8.0, None, None)


def parsed(
    sets: list[SetEntry] | None = None,
    completion: str | None = None,
    soreness: list[SorenessEntry] | None = None,
    session_rpe: float | None = None,
) -> ParsedLog:
    return ParsedLog(sets or [], completion, soreness or [], session_rpe, [], [])  # type: ignore[arg-type]


def inbound(db: Session, owner: Trainee) -> int:
    convo = factories.conversation(db, owner)
    message = Message(
        conversation_id=convo.id,
        trainee_id=owner.id,
        direction=Direction.INBOUND,
        body="squats 100kg 5x5",
        status=DeliveryState.RECEIVED,
    )
    db.add(message)
    db.flush()
    return message.id


def log(db: Session, owner: Trainee, report: ParsedLog, message_id: int | None = None) -> LogResult:
    return record_log(db, owner.id, report, local_date=WORKOUT_DAY, source_message_id=message_id, now=NOW)


def set_rows(db: Session, owner: Trainee) -> list[SetLog]:
    query = sa.select(SetLog).join(WorkoutLog).where(WorkoutLog.trainee_id == owner.id).order_by(SetLog.id)
    return list(db.scalars(query))


def test_done_with_sets_completes_the_workout_and_stores_kg_and_e1rm(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))
    bench_lb = SetEntry("bench_press", "Barbell Bench Press", 225, Units.LB, 5, 1, None, 2, None)

    result = log(db, owner, parsed([squat(), bench_lb], completion="done"))

    assert (workout.status, workout.completed_at) == (WorkoutStatus.COMPLETED, NOW)
    squat_row, bench_row = set_rows(db, owner)
    # Epley: 100 * (1 + 5/30) = 116.67; 225 lb = 102.0583 kg, * (1 + 5/30) = 119.07.
    assert (squat_row.weight_kg, squat_row.e1rm_kg, squat_row.sets_done) == (
        Decimal("100"),
        Decimal("116.67"),
        5,
    )
    assert (squat_row.pattern, squat_row.rpe, squat_row.e1rm_formula) == (
        MovementPattern.SQUAT,
        Decimal("8.0"),
        E1RMFormula.EPLEY,
    )
    assert (bench_row.weight_kg, bench_row.entered_units, bench_row.rir) == (Decimal("102.06"), Units.LB, 2)
    assert bench_row.e1rm_kg == Decimal("119.07")
    assert result.workout_id == workout.id and result.created and result.sets_logged == 2
    assert result.e1rms == {"Barbell Back Squat": 116.67, "Barbell Bench Press": 119.07}


def test_the_trainees_own_e1rm_formula_is_used(db):
    owner = factories.trainee(db, e1rm_formula=E1RMFormula.BRZYCKI)

    result = log(db, owner, parsed([squat()]))

    # Brzycki: 100 * 36 / (37 - 5) = 112.5.
    assert result.e1rms == {"Barbell Back Squat": 112.5}


def test_sets_without_a_completion_word_still_mark_the_workout_done(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))

    log(db, owner, parsed([squat()]))

    assert workout.status is WorkoutStatus.COMPLETED
    assert db.scalar(sa.select(WorkoutLog.completed).where(WorkoutLog.trainee_id == owner.id)) is True


def test_a_bodyweight_set_stores_zero_weight_and_no_e1rm(db):
    owner = factories.trainee(db)
    pull_ups = SetEntry("pull_up", "Pull-Up", None, Units.KG, 8, 3, None, None, None)

    result = log(db, owner, parsed([pull_ups], completion="done"))

    (row,) = set_rows(db, owner)
    assert (row.weight_kg, row.e1rm_kg, row.e1rm_formula, row.sets_done) == (Decimal("0"), None, None, 3)
    assert result.e1rms == {}


def test_skipped_marks_the_workout_skipped(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))

    result = log(db, owner, parsed(completion="skipped"))

    assert workout.status is WorkoutStatus.SKIPPED and workout.completed_at is None
    assert result.completed is False and result.workout_id == workout.id
    assert db.scalar(sa.select(WorkoutLog.completed).where(WorkoutLog.id == result.workout_log_id)) is False


def test_soreness_and_session_rpe_are_stored(db):
    owner = factories.trainee(db)
    report = parsed(
        completion="done",
        soreness=[SorenessEntry("legs", 3), SorenessEntry("lower back", 2)],
        session_rpe=7.5,
    )

    result = log(db, owner, report)

    rows = db.scalars(
        sa.select(SorenessLog).where(SorenessLog.trainee_id == owner.id).order_by(SorenessLog.id)
    )
    assert [(r.body_part, r.level, r.log_date) for r in rows] == [
        ("legs", 3, WORKOUT_DAY),
        ("lower back", 2, WORKOUT_DAY),
    ]
    assert db.get(WorkoutLog, result.workout_log_id).session_rpe == Decimal("7.5")
    assert result.soreness_logged == 2


def test_soreness_alone_writes_no_workout_log_and_leaves_the_workout_pending(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))

    result = log(db, owner, parsed(soreness=[SorenessEntry("quads", 4)]))

    assert result.workout_log_id is None and result.soreness_logged == 1
    assert workout.status is WorkoutStatus.PENDING


def test_the_same_message_logged_twice_is_written_once(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))
    message_id = inbound(db, owner)
    report = parsed([squat()], completion="done", soreness=[SorenessEntry("legs", 3)])

    first = log(db, owner, report, message_id)
    second = log(db, owner, report, message_id)

    assert db.scalar(sa.select(sa.func.count()).where(WorkoutLog.trainee_id == owner.id)) == 1
    assert len(set_rows(db, owner)) == 1
    assert db.scalar(sa.select(sa.func.count()).where(SorenessLog.trainee_id == owner.id)) == 1
    assert (first.created, second.created) == (True, False)
    assert second == LogResult(**{**first.__dict__, "created": False})
    assert second.workout_id == workout.id


def test_a_retried_soreness_only_text_is_written_once(db):
    owner = factories.trainee(db)
    message_id = inbound(db, owner)
    report = parsed(soreness=[SorenessEntry("quads", 4), SorenessEntry("calves", 2)])

    first = log(db, owner, report, message_id)
    second = log(db, owner, report, message_id)

    assert (first.soreness_logged, second.soreness_logged) == (2, 0)
    assert db.scalar(sa.select(sa.func.count()).where(SorenessLog.trainee_id == owner.id)) == 2


def test_a_message_logged_for_another_trainee_is_refused(db):
    owner, other = factories.trainee(db), factories.trainee(db)
    message_id = inbound(db, owner)
    log(db, owner, parsed(completion="done"), message_id)

    with pytest.raises(ValueError, match="another trainee"):
        log(db, other, parsed(completion="done"), message_id)


def test_another_trainees_workout_is_never_touched(db):
    owner, other = factories.trainee(db), factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))

    result = log(db, other, parsed([squat()], completion="done"))

    assert workout.status is WorkoutStatus.PENDING and workout.completed_at is None
    assert result.workout_id is None
    assert set_rows(db, owner) == []


def test_a_day_without_a_workout_still_logs(db):
    owner = factories.trainee(db)
    factories.plan_with_workout(db, owner, factories.movement(db))

    result = record_log(
        db,
        owner.id,
        parsed([squat()]),
        local_date=WORKOUT_DAY + timedelta(days=1),
        source_message_id=None,
        now=NOW,
    )

    assert result.workout_id is None and result.workout_log_id is not None and result.sets_logged == 1


def test_a_workout_of_a_plan_that_is_not_active_is_not_touched(db):
    owner = factories.trainee(db)
    workout = factories.plan_with_workout(db, owner, factories.movement(db))
    workout.microcycle.mesocycle.plan.status = PlanStatus.PAUSED
    db.flush()

    result = log(db, owner, parsed(completion="done"))

    assert result.workout_id is None and workout.status is WorkoutStatus.PENDING


def test_readiness_is_stored(db):
    owner = factories.trainee(db)

    row = record_readiness(db, owner.id, local_date=WORKOUT_DAY, sleep_hours=7.5, energy=4, stress=2)

    stored = db.get(ReadinessLog, row.id)
    assert (stored.sleep_hours, stored.energy, stored.stress, stored.log_date) == (
        Decimal("7.5"),
        4,
        2,
        WORKOUT_DAY,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"energy": 6}, "energy must be from 1 to 5, got 6"),
        ({"stress": 0}, "stress must be from 1 to 5, got 0"),
        ({"sleep_hours": 25}, "sleep_hours must be from 0 to 24, got 25"),
        ({"sleep_hours": float("nan")}, "sleep_hours must be a number"),
        ({"energy": 2.5}, "energy must be a whole number from 1 to 5, got 2.5"),
        ({}, "at least one of sleep_hours, energy or stress"),
    ],
)
def test_out_of_range_readiness_is_a_clear_error(db, values, message):
    owner = factories.trainee(db)

    with pytest.raises(ValueError, match=message):
        record_readiness(db, owner.id, local_date=WORKOUT_DAY, **values)

    assert db.scalar(sa.select(sa.func.count()).where(ReadinessLog.trainee_id == owner.id)) == 0


def test_latest_e1rms_picks_the_best_value_of_the_last_90_days(db):
    owner, other = factories.trainee(db), factories.trainee(db)
    old = log(db, owner, parsed([squat(weight=200)]))
    log(db, owner, parsed([squat(weight=100), squat(weight=120)]))
    log(db, owner, parsed([SetEntry("pull_up", "Pull-Up", None, Units.KG, 8, 3, None, None, None)]))
    log(db, other, parsed([squat(weight=150)]))
    db.execute(
        sa.update(SetLog)
        .where(SetLog.workout_log_id == old.workout_log_id)
        .values(created_at=sa.func.now() - timedelta(days=91))
    )

    # Epley: 120 * (1 + 5/30) = 140; the 200 kg set is too old, the bodyweight set has no e1RM.
    assert latest_e1rms(db, owner.id) == {"barbell_back_squat": 140.0}


def test_the_confirmation_is_one_gsm7_segment(db):
    owner = factories.trainee(db)
    result = log(db, owner, parsed([squat()], completion="done"))

    text = confirmation(result, Units.KG)

    assert text == "Logged: Barbell Back Squat 5x5 @ 100kg (e1RM 117kg). Nice work!"
    assert (describe(text).encoding, describe(text).segments) == (Encoding.GSM7, 1)


def test_the_confirmation_speaks_the_trainees_units():
    result = LogResult(1, 2, 1, {}, 0, True, True, (LoggedSet("Barbell Bench Press", 3, 5, 102.06, 119.07),))

    assert (
        confirmation(result, Units.LB) == "Logged: Barbell Bench Press 3x5 @ 225lb (e1RM 263lb). Nice work!"
    )


def test_a_long_log_is_shortened_to_one_segment():
    many = tuple(LoggedSet(f"Movement Number {i}", 3, 8, 60.0, 76.0) for i in range(8))
    result = LogResult(None, 1, 8, {}, 0, True, True, many)

    text = confirmation(result, Units.KG)

    assert describe(text).segments == 1 and describe(text).encoding is Encoding.GSM7
    assert "more. Nice work!" in text


def test_a_skip_is_confirmed(db):
    owner = factories.trainee(db)
    result = log(db, owner, parsed(completion="skipped"))

    assert confirmation(result, Units.KG) == "Marked today's workout as skipped. Rest up."


def test_two_concurrent_retries_of_one_message_write_once(committed: Services):
    with committed.sessions() as setup:
        owner = factories.trainee(setup)
        message_id = inbound(setup, owner)
        setup.commit()
        owner_id = owner.id
    report = parsed([squat()], completion="done")
    results: list[LogResult] = []

    def retry() -> None:
        with committed.sessions() as session:
            results.append(
                record_log(
                    session, owner_id, report, local_date=WORKOUT_DAY, source_message_id=message_id, now=NOW
                )
            )
            session.commit()

    with committed.sessions() as first:
        results.append(
            record_log(first, owner_id, report, local_date=WORKOUT_DAY, source_message_id=message_id, now=NOW)
        )
        racer = threading.Thread(target=retry)
        racer.start()
        racer.join(timeout=0.5)  # the retry waits on the unique index while our insert is uncommitted
        assert racer.is_alive()
        first.commit()
    racer.join(timeout=10)

    assert [r.created for r in results] == [True, False]
    with committed.sessions() as check:
        logs = check.scalars(sa.select(WorkoutLog).where(WorkoutLog.trainee_id == owner_id)).all()
        assert [len(row.sets) for row in logs] == [1]
