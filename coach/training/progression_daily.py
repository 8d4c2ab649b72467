"""Day-to-day rules: adapt today's workout to readiness and soreness, and deal with missed workouts.

Readiness (the latest report dated today or yesterday): under 6 hours of sleep or energy 2 or lower makes
the workout one notch easier (``adjust_difficulty("easier")``). Soreness (the latest level per body part,
reported today or yesterday): a part at 4 or 5 swaps out the exercises loading it (``swap_exercise`` with a
reason naming the part, so the replacement spares it too). A workout is adapted once: the change is noted
on it, and a second call leaves it alone.

Missed workouts (pending, dated before today, in the current plan): the most recent one, if it was due at
most 2 days ago and nothing is scheduled today, moves to today; every other missed workout is marked
skipped with the note "dropped by rule", since doubling up sessions costs more recovery than it gains.
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.models import FitnessPlan, Microcycle, Movement, Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, PlanStatus, WorkoutStatus
from coach.models.logs import ReadinessLog, SorenessLog
from coach.training import changes
from coach.training.changes_swap import NoSubstitute, joints_named

MIN_SLEEP_HOURS = 6.0
LOW_ENERGY = 2
SORE_LEVEL = 4
RECENT = timedelta(days=1)
MOVE_WINDOW = timedelta(days=2)
ADAPTED_NOTE = "Adapted today:"
DROPPED_NOTE = "dropped by rule"
SWAPPED_SECTIONS = frozenset({ExerciseRole.MAIN, ExerciseRole.ACCESSORY, ExerciseRole.FINISHER})

# Body parts as the log parser names them, mapped to the muscles that would load them.
SORE_MUSCLES: dict[str, frozenset[str]] = {
    "legs": frozenset({"quadriceps", "hamstrings", "glutes", "calves", "adductors"}),
    "quads": frozenset({"quadriceps"}),
    "hamstrings": frozenset({"hamstrings"}),
    "glutes": frozenset({"glutes"}),
    "calves": frozenset({"calves"}),
    "chest": frozenset({"chest"}),
    "back": frozenset({"lats", "upper_back", "lower_back"}),
    "lower back": frozenset({"lower_back"}),
    "upper back": frozenset({"upper_back", "rear_delts"}),
    "lats": frozenset({"lats"}),
    "traps": frozenset({"upper_back"}),
    "shoulders": frozenset({"front_delts", "side_delts", "rear_delts"}),
    "arms": frozenset({"biceps", "triceps", "forearms"}),
    "biceps": frozenset({"biceps"}),
    "triceps": frozenset({"triceps"}),
    "forearms": frozenset({"forearms"}),
    "abs": frozenset({"core", "obliques"}),
}


@dataclass(frozen=True)
class AdaptationResult:
    """What changed today, in words for a one-line text; `changed` False means the workout stands."""

    workout_id: int | None
    changed: bool
    easier: bool
    swaps: tuple[tuple[str, str], ...]  # (old movement, new movement)
    summary: str


@dataclass(frozen=True)
class MissedResult:
    moved_workout_id: int | None
    moved_from: date | None
    dropped: tuple[int, ...]


def adapt_today(session: Session, trainee_id: int, local_date: date, *, now: datetime) -> AdaptationResult:
    """Adapt the trainee's pending workout on `local_date` to their latest readiness and soreness, once."""
    workout = _pending_on(session, trainee_id, local_date)
    if workout is None or (workout.notes or "").startswith(ADAPTED_NOTE):
        return AdaptationResult(workout.id if workout else None, False, False, (), "")
    readiness = session.scalar(
        sa.select(ReadinessLog)
        .where(
            ReadinessLog.trainee_id == trainee_id,
            ReadinessLog.log_date.between(local_date - RECENT, local_date),
        )
        .order_by(ReadinessLog.log_date.desc(), ReadinessLog.created_at.desc(), ReadinessLog.id.desc())
        .limit(1)
    )
    easier = readiness is not None and (
        (readiness.sleep_hours is not None and float(readiness.sleep_hours) < MIN_SLEEP_HOURS)
        or (readiness.energy is not None and readiness.energy <= LOW_ENERGY)
    )
    swaps = _spare_sore_parts(session, trainee_id, workout, _sore_parts(session, trainee_id, local_date))
    if easier:
        changes.adjust_difficulty(session, trainee_id, workout.id, "easier")
    parts = (["easier today (low sleep or energy)"] if easier else []) + [
        f"{new} instead of {old} ({part})" for old, new, part in swaps
    ]
    if not parts:
        return AdaptationResult(workout.id, False, False, (), "")
    summary = "; ".join(parts)
    workout.notes = f"{ADAPTED_NOTE} {summary}"[:500]
    session.flush()
    return AdaptationResult(workout.id, True, easier, tuple((old, new) for old, new, _ in swaps), summary)


def _pending_on(session: Session, trainee_id: int, day: date) -> Workout | None:
    return session.scalar(
        sa.select(Workout)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(
            Workout.trainee_id == trainee_id,
            FitnessPlan.status == PlanStatus.ACTIVE,
            Workout.scheduled_date == day,
            Workout.status == WorkoutStatus.PENDING,
        )
        .order_by(Workout.id)
        .limit(1)
        .with_for_update(of=Workout)  # a concurrent run waits, then sees the note and leaves it alone
    )


def _sore_parts(session: Session, trainee_id: int, day: date) -> list[str]:
    """Body parts whose latest soreness (today or yesterday) is at least SORE_LEVEL, in a fixed order."""
    rows = session.execute(
        sa.select(SorenessLog.body_part, SorenessLog.level)
        .where(SorenessLog.trainee_id == trainee_id, SorenessLog.log_date.between(day - RECENT, day))
        .order_by(SorenessLog.log_date, SorenessLog.created_at, SorenessLog.id)
    )
    latest = {part.lower(): level for part, level in rows}
    return sorted(part for part, level in latest.items() if level >= SORE_LEVEL)


def _loads_part(movement: Movement, part: str) -> bool:
    """The movement's main muscle is in the part, or it stresses a joint the part names (knee, shoulder)."""
    muscles = SORE_MUSCLES.get(part, frozenset())
    return movement.primary_muscle.value in muscles or bool(joints_named(part) & set(movement.joint_stress))


def _spare_sore_parts(
    session: Session, trainee_id: int, workout: Workout, parts: list[str]
) -> list[tuple[str, str, str]]:
    swaps: list[tuple[str, str, str]] = []
    for part in parts:
        rows: list[WorkoutExercise] = [
            row
            for row in workout.exercises
            if row.section in SWAPPED_SECTIONS and _loads_part(row.movement, part)
        ]
        for row in rows:
            try:
                result = changes.swap_exercise(
                    session, trainee_id, workout.id, row.movement.slug, reason=f"{part} sore"
                )
            except NoSubstitute:
                continue  # nothing safe to swap in: the exercise stays and the trainee can skip it
            swaps.append((result.old_movement, result.new_movement, part))
    return swaps


def handle_missed(session: Session, trainee_id: int, today: date, *, now: datetime) -> MissedResult:
    """Move the latest missed workout (due within 2 days) to an empty today; drop the other missed ones."""
    missed = list(
        session.scalars(
            sa.select(Workout)
            .join(Microcycle, Microcycle.id == Workout.microcycle_id)
            .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
            .where(
                Workout.trainee_id == trainee_id,
                FitnessPlan.status == PlanStatus.ACTIVE,
                Workout.status == WorkoutStatus.PENDING,
                Workout.scheduled_date < today,
            )
            .order_by(Workout.scheduled_date.desc(), Workout.id.desc())
            .with_for_update(of=Workout)
        )
    )
    busy_today = session.scalar(
        sa.select(sa.func.count())
        .select_from(Workout)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(
            Workout.trainee_id == trainee_id,
            FitnessPlan.status == PlanStatus.ACTIVE,
            Workout.scheduled_date == today,
        )
    )
    moved: Workout | None = None
    moved_from: date | None = None
    if missed and not busy_today and today - missed[0].scheduled_date <= MOVE_WINDOW:
        moved = missed.pop(0)
        moved_from = moved.scheduled_date
        changes.move_workout(session, trainee_id, moved.id, today, today=today)
    for workout in missed:
        changes.skip_workout(session, trainee_id, workout.id)
        workout.notes = f"{DROPPED_NOTE}: missed on {workout.scheduled_date:%a %b %d}"
    session.flush()
    return MissedResult(moved.id if moved else None, moved_from, tuple(w.id for w in missed))
