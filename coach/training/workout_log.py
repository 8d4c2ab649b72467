"""Storing what a trainee reports: the session, its top sets with e1RMs, soreness and readiness.

`record_log` turns a `ParsedLog` into rows for one trainee. It is idempotent on the inbound message: the
workout log row is claimed first with INSERT ... ON CONFLICT (source_message_id) DO NOTHING, and everything
else is written only by the call that won the claim, so a retried (or concurrently duplicated) job writes
nothing and gets the first call's result back. The caller owns the transaction; nothing here commits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from coach.models import FitnessPlan, Microcycle, Movement, Trainee, Workout
from coach.models.enums import E1RMFormula, PlanStatus, WorkoutStatus
from coach.models.logs import ReadinessLog, SetLog, SorenessLog, WorkoutLog
from coach.training.e1rm import MAX_REPS, estimate_1rm, to_kg
from coach.training.log_parsing import ParsedLog, SetEntry, SorenessEntry

E1RM_WINDOW = timedelta(days=90)
_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class LoggedSet:
    """One stored set as the confirmation shows it (weight 0 = bodyweight)."""

    movement_name: str
    sets: int
    reps: int
    weight_kg: float
    e1rm_kg: float | None


@dataclass(frozen=True)
class LogResult:
    """What `record_log` stored (or had already stored, when `created` is False).

    `completed` is True for a done session, False for a skipped one, None when the text did not report a
    session (soreness only). `e1rms` holds the best e1RM per movement name in this log, in kg.
    """

    workout_id: int | None
    workout_log_id: int | None
    sets_logged: int
    e1rms: dict[str, float]
    soreness_logged: int
    created: bool
    completed: bool | None = None
    sets: tuple[LoggedSet, ...] = ()


def record_log(
    session: Session,
    trainee_id: int,
    parsed: ParsedLog,
    *,
    local_date: date,
    source_message_id: int | None,
    now: datetime,
) -> LogResult:
    """Store a trainee's reported session, sets and soreness for `local_date`; the caller commits.

    Sets imply the session was done, even next to "skipped". A text with only soreness writes no workout
    log. Raises LookupError for an unknown trainee or movement, ValueError for a message that another
    trainee's log already claimed, E1RMError (a ValueError) for an impossible weight.
    """
    trainee = session.get(Trainee, trainee_id)
    if trainee is None:
        raise LookupError(f"no trainee with id {trainee_id}")
    completed = _session_outcome(parsed)
    workout = _workout_on(session, trainee_id, local_date) if completed is not None else None
    log_id: int | None = None
    if completed is not None:
        log_id = _claim_log(session, trainee_id, parsed, completed, workout, local_date, source_message_id)
        if log_id is None:
            assert source_message_id is not None  # only a message id can conflict
            return _replay(session, trainee_id, source_message_id)
        _mark_workout(workout, completed, now)
    sets = _store_sets(session, log_id, parsed.sets, trainee.e1rm_formula) if log_id is not None else []
    soreness = _store_soreness(session, trainee_id, parsed.soreness, local_date, source_message_id)
    session.flush()  # surface constraint errors here, not at the caller's commit
    return _result(workout.id if workout else None, log_id, sets, soreness, completed, created=True)


def _session_outcome(parsed: ParsedLog) -> bool | None:
    """True = trained, False = skipped, None = the text says nothing about a session."""
    if parsed.sets or parsed.completion == "done" or parsed.session_rpe is not None:
        return True
    return False if parsed.completion == "skipped" else None


def _workout_on(session: Session, trainee_id: int, local_date: date) -> Workout | None:
    """The trainee's workout for the day in their current plan, locked so two logs update it in turn."""
    query = (
        sa.select(Workout)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(
            Workout.trainee_id == trainee_id,
            FitnessPlan.trainee_id == trainee_id,
            FitnessPlan.status == PlanStatus.ACTIVE,
            Workout.scheduled_date == local_date,
        )
        .order_by(Workout.id)
        .limit(1)
        .with_for_update(of=Workout)
    )
    return session.scalar(query)


def _claim_log(
    session: Session,
    trainee_id: int,
    parsed: ParsedLog,
    completed: bool,
    workout: Workout | None,
    local_date: date,
    source_message_id: int | None,
) -> int | None:
    """Insert the workout log; None when this message was already logged (by us or a concurrent retry)."""
    statement = (
        insert(WorkoutLog)
        .values(
            trainee_id=trainee_id,
            workout_id=workout.id if workout else None,
            source_message_id=source_message_id,
            log_date=local_date,
            completed=completed,
            session_rpe=_decimal(parsed.session_rpe),
            notes="; ".join(parsed.notes) or None,
        )
        # A concurrent insert of the same message waits here for the other transaction, then conflicts.
        .on_conflict_do_nothing(index_elements=[WorkoutLog.source_message_id])
        .returning(WorkoutLog.id)
    )
    return session.execute(statement).scalar_one_or_none()


def _mark_workout(workout: Workout | None, completed: bool, now: datetime) -> None:
    # Training after all beats an earlier "skipped"; a "skipped" never undoes a completed session, and a
    # second log for a completed workout keeps the first completion time.
    if workout is None:
        return
    if completed and workout.status is not WorkoutStatus.COMPLETED:
        workout.status, workout.completed_at = WorkoutStatus.COMPLETED, now
    elif not completed and workout.status is WorkoutStatus.PENDING:
        workout.status = WorkoutStatus.SKIPPED


def _store_sets(
    session: Session, log_id: int, entries: Sequence[SetEntry], formula: E1RMFormula
) -> list[LoggedSet]:
    slugs = {entry.movement_slug for entry in entries}
    movements = {m.slug: m for m in session.scalars(sa.select(Movement).where(Movement.slug.in_(slugs)))}
    logged: list[LoggedSet] = []
    for entry in entries:
        movement = movements.get(entry.movement_slug)
        if movement is None:
            raise LookupError(f"movement {entry.movement_slug!r} is not in the library")
        kg = to_kg(entry.weight, entry.units) if entry.weight else 0.0
        e1rm = _e1rm_kg(kg, entry.reps, formula)
        session.add(
            SetLog(
                workout_log_id=log_id,
                movement_id=movement.id,
                pattern=movement.pattern,
                sets_done=entry.sets,
                weight_kg=Decimal(kg).quantize(_CENTS),
                entered_units=entry.units,
                reps=entry.reps,
                rpe=_decimal(entry.rpe),
                rir=entry.rir,
                e1rm_kg=None if e1rm is None else Decimal(e1rm).quantize(_CENTS),
                e1rm_formula=None if e1rm is None else formula,
            )
        )
        logged.append(LoggedSet(movement.name, entry.sets, entry.reps, round(kg, 2), _round(e1rm)))
    return logged


def _e1rm_kg(kg: float, reps: int, formula: E1RMFormula) -> float | None:
    # Bodyweight sets have no load to estimate from, and long sets say nothing about a single rep.
    if kg <= 0 or not 1 <= reps <= MAX_REPS:
        return None
    return estimate_1rm(kg, reps, formula)


def _store_soreness(
    session: Session,
    trainee_id: int,
    entries: Sequence[SorenessEntry],
    local_date: date,
    source_message_id: int | None,
) -> int:
    """Store soreness once per text and body part (a retried job inserts nothing); returns rows written."""
    for entry in entries:
        if not 1 <= entry.level <= 5:
            raise ValueError(f"soreness level must be 1 to 5, got {entry.level} for {entry.body_part}")
    if not entries:
        return 0
    rows = [
        {
            "trainee_id": trainee_id,
            "log_date": local_date,
            "body_part": entry.body_part,
            "level": entry.level,
            "source_message_id": source_message_id,
        }
        for entry in entries
    ]
    written = session.scalars(
        insert(SorenessLog).values(rows).on_conflict_do_nothing().returning(SorenessLog.id)
    ).all()
    return len(written)


def _replay(session: Session, trainee_id: int, source_message_id: int) -> LogResult:
    """The result of the earlier call that logged this message, rebuilt from its rows."""
    log = session.scalars(
        sa.select(WorkoutLog).where(WorkoutLog.source_message_id == source_message_id)
    ).one()
    if log.trainee_id != trainee_id:
        raise ValueError(f"message {source_message_id} was already logged for another trainee")
    rows = session.execute(
        sa.select(Movement.name, SetLog)
        .join(Movement, Movement.id == SetLog.movement_id)
        .where(SetLog.workout_log_id == log.id)
        .order_by(SetLog.id)
    ).all()
    sets = [
        LoggedSet(name, row.sets_done, row.reps, float(row.weight_kg), _round(row.e1rm_kg))
        for name, row in rows
    ]
    soreness = session.scalar(
        sa.select(sa.func.count())
        .select_from(SorenessLog)
        .where(SorenessLog.source_message_id == source_message_id)
    )
    return _result(log.workout_id, log.id, sets, soreness or 0, log.completed, created=False)


def _result(
    workout_id: int | None,
    log_id: int | None,
    sets: Sequence[LoggedSet],
    soreness: int,
    completed: bool | None,
    *,
    created: bool,
) -> LogResult:
    e1rms: dict[str, float] = {}
    for logged in sets:
        if logged.e1rm_kg is not None:
            e1rms[logged.movement_name] = max(logged.e1rm_kg, e1rms.get(logged.movement_name, 0.0))
    return LogResult(workout_id, log_id, len(sets), e1rms, soreness, created, completed, tuple(sets))


def latest_e1rms(session: Session, trainee_id: int, *, as_of: datetime | None = None) -> dict[str, float]:
    """The best e1RM in kg per movement slug over the 90 days before `as_of` (default: the database's now)."""
    cutoff = sa.func.now() - E1RM_WINDOW if as_of is None else as_of - E1RM_WINDOW
    query = (
        sa.select(Movement.slug, sa.func.max(SetLog.e1rm_kg))
        .join(Movement, Movement.id == SetLog.movement_id)
        .join(WorkoutLog, WorkoutLog.id == SetLog.workout_log_id)
        .where(WorkoutLog.trainee_id == trainee_id, SetLog.e1rm_kg.is_not(None), SetLog.created_at >= cutoff)
        .group_by(Movement.slug)
    )
    # max() over non-null e1RMs is never NULL, but the column type does not know that.
    return {slug: float(best or 0) for slug, best in session.execute(query)}


_READINESS_RANGES = {"sleep_hours": (0, 24), "energy": (1, 5), "stress": (1, 5)}


def record_readiness(
    session: Session,
    trainee_id: int,
    *,
    local_date: date,
    sleep_hours: float | None = None,
    energy: int | None = None,
    stress: int | None = None,
) -> ReadinessLog:
    """Store how recovered the trainee feels; ValueError names the first value out of range."""
    values = {"sleep_hours": sleep_hours, "energy": energy, "stress": stress}
    if all(value is None for value in values.values()):
        raise ValueError("readiness needs at least one of sleep_hours, energy or stress")
    for name, value in values.items():
        _check_readiness(name, value, whole=name != "sleep_hours")
    row = ReadinessLog(
        trainee_id=trainee_id,
        log_date=local_date,
        sleep_hours=None if sleep_hours is None else Decimal(str(round(sleep_hours, 1))),
        energy=energy,
        stress=stress,
    )
    session.add(row)
    session.flush()
    return row


def _check_readiness(name: str, value: float | None, *, whole: bool) -> None:
    if value is None:
        return
    low, high = _READINESS_RANGES[name]
    # bool is an int subclass: energy=True is a caller bug, not a rating of 1.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if whole and not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}, got {value}")


def _decimal(value: float | None) -> Decimal | None:
    # Through str, so 7.5 is stored as 7.5 and not as its binary approximation.
    return None if value is None else Decimal(str(value))


def _round(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)
