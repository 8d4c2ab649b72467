"""Changes a trainee asks for by text: swap an exercise; move, skip, shorten or ease a workout; pause.

Every operation works only on the given trainee's rows (a workout id of someone else is ``WorkoutNotFound``),
re-renders the touched workout's ``sms_text`` because the scheduler sends that text as is, and leaves the
commit to the caller. Results are small frozen records the agent can confirm in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from coach.messaging.quiet import zone
from coach.models import FitnessPlan, Mesocycle, Microcycle, Movement, Trainee, Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, PlanStatus, TraineeStatus, WorkoutStatus
from coach.movements.library import LibrarySpec, load_library
from coach.training.changes_swap import (
    ExerciseNotFound,
    NoSubstitute,
    check_requested,
    choose_replacement,
    find_exercise,
    joints_named,
)
from coach.training.changes_workload import (
    RPE_CEILING,
    WORK_SECTIONS,
    estimate_minutes,
    step_effort,
    step_load,
    trim_to,
)
from coach.training.limitations import Limitation, rpe_cap
from coach.training.profile import ProfileError, TrainingProfile, profile_from_records
from coach.training.render import render_workout, workout_view

__all__ = [
    "DifficultyResult",
    "ExerciseNotFound",
    "NoSubstitute",
    "PlanNotFound",
    "PlanStatusResult",
    "ShortenResult",
    "SkipResult",
    "SwapResult",
    "WorkoutNotFound",
    "WorkoutNotPending",
    "adjust_difficulty",
    "current_plan",
    "move_workout",
    "pause_plan",
    "resume_plan",
    "shorten_workout",
    "skip_workout",
    "swap_exercise",
]

# A movement the trainee has never done has no e1RM, so it starts on effort, leaving room to learn it.
NEW_MOVEMENT_RPE = Decimal("7.5")


class WorkoutNotFound(LookupError):
    """No workout with this id belongs to the trainee."""


class WorkoutNotPending(ValueError):
    """The workout is already done or skipped, so it cannot be changed."""


class PlanNotFound(LookupError):
    """The trainee has no current (active or paused) plan."""


@dataclass(frozen=True)
class SwapResult:
    workout_id: int
    old_movement: str
    new_movement: str
    new_slug: str


@dataclass(frozen=True)
class SkipResult:
    workout_id: int
    scheduled_date: date


@dataclass(frozen=True)
class ShortenResult:
    workout_id: int
    minutes_before: int
    minutes_after: int
    sets_removed: int
    exercises_removed: tuple[str, ...]
    fits: bool
    main_sets_removed: int
    has_main_lifts: bool


@dataclass(frozen=True)
class DifficultyResult:
    workout_id: int
    direction: Literal["easier", "harder"]
    exercises_changed: tuple[str, ...]
    sets_removed: int


@dataclass(frozen=True)
class PlanStatusResult:
    plan_id: int
    plan_status: PlanStatus
    trainee_status: TraineeStatus
    changed: bool


@cache
def _packaged_library() -> LibrarySpec:
    return load_library()


def swap_exercise(
    session: Session,
    trainee_id: int,
    workout_id: int,
    movement_slug_or_name: str,
    reason: str | None = None,
    replacement_slug: str | None = None,
    library: LibrarySpec | None = None,
    *,
    exercise_id: int | None = None,
) -> SwapResult:
    """Replace one exercise, keeping its sets, reps and effort; a body part in `reason` is spared.

    `exercise_id` picks the workout's exercise row itself, for a movement that appears twice (in the
    warm-up and the main work); without it the first row the name matches is swapped.
    """
    library = library or _packaged_library()
    trainee, workout = _pending_workout(session, trainee_id, workout_id)
    row = find_exercise(workout, movement_slug_or_name, exercise_id)
    profile = _training_profile(trainee)
    sore = joints_named(reason)
    if replacement_slug is not None:
        by_slug = {m.slug: m for m in library.movements}
        spec = check_requested(by_slug.get(replacement_slug), replacement_slug, row, profile, sore)
    else:
        spec = choose_replacement(row, profile, library, sore)
    old_name = row.movement.name
    new = session.scalar(sa.select(Movement).where(Movement.slug == spec.slug))
    if new is None:
        raise NoSubstitute(f"{spec.name} is not in the movement table yet (seed the library)")
    row.movement = new
    row.load_kg = None
    row.percent_e1rm = None
    if row.duration_seconds is None and row.target_rpe is None and row.target_rir is None:
        row.target_rpe = min(NEW_MOVEMENT_RPE, Decimal(str(rpe_cap(profile.limitations))))
    _refresh(workout, trainee, library)
    return SwapResult(workout.id, old_name, new.name, new.slug)


def take_out_if_it_hurts(
    session: Session,
    trainee_id: int,
    workout_id: int,
    exercise_id: int,
    reason: str | None,
    library: LibrarySpec | None = None,
) -> str | None:
    """For an exercise nothing stands in for (`NoSubstitute`): when it loads a sore joint `reason` names, take
    it out of the pending workout and return its name, as a coach would rather than have it done through pain.
    None, and it stays, when it loads no joint named, or it is the workout's last piece of work (a workout of
    only stretches is a skip, which is the trainee's call)."""
    sore = joints_named(reason)
    if not sore:
        return None
    trainee, workout = _pending_workout(session, trainee_id, workout_id)
    row = find_exercise(workout, "", exercise_id)
    if not sore & set(row.movement.joint_stress):
        return None  # it spares the joint: something else (equipment, the rules) left nothing to swap in
    if not any(other.section in WORK_SECTIONS for other in workout.exercises if other is not row):
        return None
    workout.exercises.remove(row)
    _refresh(workout, trainee, library or _packaged_library())
    return row.movement.name


def move_workout(
    session: Session, trainee_id: int, workout_id: int, to_date: date, today: date | None = None
) -> Workout:
    """Move a pending workout to another day of its plan (not in the past, not after the plan ends).

    A day that already has a workout is fine: the scheduler texts both.
    """
    trainee, workout = _pending_workout(session, trainee_id, workout_id)
    today = today or datetime.now(zone(trainee.time_zone)).date()
    plan = workout.microcycle.mesocycle.plan
    if to_date < today:
        raise ValueError(f"{to_date:%a %b %d} is in the past")
    if not plan.start_date <= to_date <= plan.end_date:
        raise ValueError(f"{to_date:%a %b %d} is outside your plan ({plan.start_date} to {plan.end_date})")
    weeks = session.scalars(
        sa.select(Microcycle)
        .where(Microcycle.plan_id == plan.id, Microcycle.start_date <= to_date)
        .order_by(Microcycle.start_date.desc())
        .limit(1)
    )
    workout.microcycle = weeks.one_or_none() or workout.microcycle
    workout.scheduled_date = to_date
    _refresh(workout, trainee)
    return workout


def skip_workout(session: Session, trainee_id: int, workout_id: int) -> SkipResult:
    """Mark a pending workout skipped so it is neither sent nor counted as missed."""
    trainee, workout = _pending_workout(session, trainee_id, workout_id)
    workout.status = WorkoutStatus.SKIPPED
    _refresh(workout, trainee)
    return SkipResult(workout.id, workout.scheduled_date)


def shorten_workout(
    session: Session, trainee_id: int, workout_id: int, minutes: int, library: LibrarySpec | None = None
) -> ShortenResult:
    """Fit a workout into `minutes` (`changes_workload.trim_to`): extras first, then the cool-down, a shorter
    warm-up and main-lift sets; the main lifts themselves stay.

    `fits` is False when the main lifts alone take longer; they are kept and the estimate says so.
    """
    if minutes < 1:
        raise ValueError("a workout needs at least one minute")
    library = library or _packaged_library()
    trainee, workout = _pending_workout(session, trainee_id, workout_id)
    before = estimate_minutes(workout, library)
    trimmed = trim_to(workout, minutes, library)
    _refresh(workout, trainee, library)
    after = workout.estimated_minutes or 0
    return ShortenResult(
        workout.id,
        before,
        after,
        trimmed.sets_removed,
        trimmed.exercises_removed,
        after <= minutes,
        trimmed.main_sets_removed,
        trimmed.has_main_lifts,
    )


def adjust_difficulty(
    session: Session,
    trainee_id: int,
    workout_id: int,
    direction: Literal["easier", "harder"],
    library: LibrarySpec | None = None,
) -> DifficultyResult:
    """One notch easier (RPE -1, load -5%, one accessory set fewer) or harder (RPE +1, load +5%).

    Effort stays within RPE 5..9.5 and under any cap the trainee's limitations set.
    """
    if direction not in ("easier", "harder"):
        raise ValueError("direction must be 'easier' or 'harder'")
    trainee, workout = _pending_workout(session, trainee_id, workout_id)
    step = -1 if direction == "easier" else 1
    ceiling = min(RPE_CEILING, rpe_cap(_limitations(trainee)))
    changed: list[str] = []
    sets_removed = 0
    for row in workout.exercises:
        if row.section not in WORK_SECTIONS:
            continue
        before = (row.target_rpe, row.target_rir, row.load_kg, row.sets)
        step_effort(row, step, ceiling)
        step_load(row, step, trainee.units)
        if step < 0 and row.section is ExerciseRole.ACCESSORY and row.sets > 1:
            row.sets -= 1
            sets_removed += 1
        if before != (row.target_rpe, row.target_rir, row.load_kg, row.sets):
            changed.append(row.movement.name)
    _refresh(workout, trainee, library or _packaged_library())
    return DifficultyResult(workout.id, direction, tuple(changed), sets_removed)


def pause_plan(session: Session, trainee_id: int) -> PlanStatusResult:
    """Pause the current plan and the trainee's daily texts (an opted-out trainee is left as they are)."""
    return _set_status(session, trainee_id, PlanStatus.PAUSED, TraineeStatus.PAUSED)


def resume_plan(session: Session, trainee_id: int) -> PlanStatusResult:
    """Resume the current plan and the trainee's daily texts (an opted-out trainee stays opted out)."""
    return _set_status(session, trainee_id, PlanStatus.ACTIVE, TraineeStatus.ACTIVE)


def current_plan(session: Session, trainee_id: int) -> FitnessPlan | None:
    """The trainee's current plan (active or paused; a new plan completes the one before), if any."""
    return session.scalar(
        sa.select(FitnessPlan).where(
            FitnessPlan.trainee_id == trainee_id, FitnessPlan.status != PlanStatus.COMPLETED
        )
    )


def _set_status(
    session: Session, trainee_id: int, plan_status: PlanStatus, trainee_status: TraineeStatus
) -> PlanStatusResult:
    plan = current_plan(session, trainee_id)
    trainee = session.get(Trainee, trainee_id)
    if plan is None or trainee is None:
        raise PlanNotFound(f"trainee {trainee_id} has no current plan")
    changed = plan.status is not plan_status
    plan.status = plan_status
    if trainee.status in (TraineeStatus.ACTIVE, TraineeStatus.PAUSED):
        changed = changed or trainee.status is not trainee_status
        trainee.status = trainee_status
    return PlanStatusResult(plan.id, plan.status, trainee.status, changed)


def _pending_workout(session: Session, trainee_id: int, workout_id: int) -> tuple[Trainee, Workout]:
    query = (
        sa.select(Workout)
        .where(Workout.id == workout_id, Workout.trainee_id == trainee_id)
        .options(
            selectinload(Workout.exercises).joinedload(WorkoutExercise.movement),
            joinedload(Workout.microcycle).joinedload(Microcycle.mesocycle).joinedload(Mesocycle.plan),
        )
    )
    workout = session.scalar(query)
    trainee = session.get(Trainee, trainee_id)
    if workout is None or trainee is None:
        raise WorkoutNotFound(f"no workout {workout_id} for trainee {trainee_id}")
    if workout.status is not WorkoutStatus.PENDING:
        raise WorkoutNotPending(
            f"the {workout.scheduled_date:%a %b %d} workout is already {workout.status.value}"
        )
    return trainee, workout


def _training_profile(trainee: Trainee) -> TrainingProfile:
    if trainee.profile is None:
        raise ProfileError(f"trainee {trainee.id} has no fitness profile")
    return profile_from_records(trainee, trainee.profile, trainee.movement_rules)


def _limitations(trainee: Trainee) -> list[Limitation]:
    known = {item.value for item in Limitation}
    stored = trainee.profile.limitations if trainee.profile else []
    return [Limitation(item) for item in stored if item in known]


def _refresh(workout: Workout, trainee: Trainee, library: LibrarySpec | None = None) -> None:
    """Re-render the text the scheduler will send, and the time estimate when the work changed."""
    if library is not None:
        workout.estimated_minutes = estimate_minutes(workout, library)
    phase = workout.microcycle.mesocycle.phase.value
    workout.sms_text = render_workout(workout_view(workout), trainee.units, phase)
