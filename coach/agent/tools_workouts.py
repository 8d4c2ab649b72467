"""Tool handlers that read or change the trainee's plan and workouts, through `coach.training.changes`."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.tools_common import (
    Outcome,
    ToolError,
    day_label,
    library_movement,
    resolve_date,
    workout_on,
    workout_payload,
    workouts_on,
)
from coach.agent.tools_schema import (
    AdjustDifficulty,
    GetWeek,
    GetWorkout,
    MoveWorkout,
    PausePlan,
    ResumePlan,
    ShortenWorkout,
    SkipWorkout,
    SwapExercise,
)
from coach.agent.turn import Turn
from coach.models import FitnessPlan, Mesocycle, Microcycle, Workout
from coach.models.enums import PlanStatus
from coach.training import changes
from coach.training.changes_swap import NoSubstitute, find_exercise


def get_workout(session: Session, turn: Turn, args: GetWorkout) -> Outcome:
    """The workout(s) on a date, with the text the trainee receives."""
    day = resolve_date(args.date, turn.local_date)
    found = workouts_on(session, turn.trainee.id, day)
    if not found:
        raise ToolError(f"no workout on {day_label(day)} (a rest day, or outside the plan)")
    return Outcome({"workouts": [workout_payload(workout) for workout in found]})


def get_week(session: Session, turn: Turn, args: GetWeek) -> Outcome:
    """The plan week holding today + `offset` weeks: its number, phase and workouts."""
    day = turn.local_date + timedelta(weeks=args.offset)
    query = (
        sa.select(Microcycle, Mesocycle, FitnessPlan)
        .join(Mesocycle, Mesocycle.id == Microcycle.mesocycle_id)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(
            FitnessPlan.trainee_id == turn.trainee.id,
            FitnessPlan.status != PlanStatus.COMPLETED,
            Microcycle.start_date <= day,
        )
        .order_by(Microcycle.start_date.desc())
        .limit(1)
    )
    row = session.execute(query).one_or_none()
    if row is None or day >= row.Microcycle.start_date + timedelta(days=row.Microcycle.length_days):
        raise ToolError(f"the plan has no week around {day_label(day)}")
    week, block, plan = row.Microcycle, row.Mesocycle, row.FitnessPlan
    workouts = session.scalars(
        sa.select(Workout)
        .where(Workout.microcycle_id == week.id, Workout.trainee_id == turn.trainee.id)
        .order_by(Workout.scheduled_date, Workout.id)
    )
    return Outcome(
        {
            "week": week.week_number,
            "of": plan.duration_weeks,
            "phase": block.phase.value,
            "deload": week.is_deload,
            "starts": week.start_date.isoformat(),
            "workouts": [workout_payload(workout, text=False) for workout in workouts],
        }
    )


def swap_exercise(session: Session, turn: Turn, args: SwapExercise) -> Outcome:
    """Swap one exercise; the replacement, when named, must be a library movement."""
    workout = workout_on(session, turn.trainee.id, resolve_date(args.date, turn.local_date))
    replacement_slug = None
    if args.replacement:
        known = library_movement(args.replacement)
        if known is None:
            raise ToolError(f"'{args.replacement}' is not in the movement library; leave replacement null")
        replacement_slug = known.slug
    try:
        result = changes.swap_exercise(
            session, turn.trainee.id, workout.id, args.exercise, args.reason, replacement_slug
        )
    except NoSubstitute:
        row = find_exercise(workout, args.exercise)
        taken_out = None
        if replacement_slug is None:
            taken_out = changes.take_out_if_it_hurts(
                session, turn.trainee.id, workout.id, row.id, args.reason
            )
        if taken_out is None:
            raise
        payload = {"removed": taken_out, "why": "no stand-in spares the sore joint"}
        return Outcome({**payload, "workout": workout_payload(workout)}, changed=True)
    return Outcome(
        {"swapped": result.old_movement, "for": result.new_movement, "workout": workout_payload(workout)},
        changed=True,
    )


def move_workout(session: Session, turn: Turn, args: MoveWorkout) -> Outcome:
    """Move a pending workout to another day of the plan."""
    today = turn.local_date
    workout = workout_on(session, turn.trainee.id, resolve_date(args.from_date, today))
    moved_from = workout.scheduled_date
    to_date = resolve_date(args.to_date, today)
    if to_date == moved_from:
        raise ToolError(f"the workout is already on {day_label(to_date)}")
    changes.move_workout(session, turn.trainee.id, workout.id, to_date, today=today)
    return Outcome({"moved_from": moved_from.isoformat(), "workout": workout_payload(workout)}, changed=True)


def skip_workout(session: Session, turn: Turn, args: SkipWorkout) -> Outcome:
    """Skip a pending workout (it is not sent and not counted as missed)."""
    workout = workout_on(session, turn.trainee.id, resolve_date(args.date, turn.local_date))
    result = changes.skip_workout(session, turn.trainee.id, workout.id)
    return Outcome({"skipped": result.scheduled_date.isoformat()}, changed=True)


def shorten_workout(session: Session, turn: Turn, args: ShortenWorkout) -> Outcome:
    """Fit a pending workout into fewer minutes."""
    workout = workout_on(session, turn.trainee.id, resolve_date(args.date, turn.local_date))
    result = changes.shorten_workout(session, turn.trainee.id, workout.id, args.minutes)
    payload = {
        "minutes_before": result.minutes_before,
        "minutes_after": result.minutes_after,
        "fits": result.fits,
        "removed": list(result.exercises_removed),
        "workout": workout_payload(workout),
    }
    return Outcome(payload, changed=result.minutes_after != result.minutes_before or result.sets_removed > 0)


def adjust_difficulty(session: Session, turn: Turn, args: AdjustDifficulty) -> Outcome:
    """One notch easier or harder."""
    workout = workout_on(session, turn.trainee.id, resolve_date(args.date, turn.local_date))
    result = changes.adjust_difficulty(session, turn.trainee.id, workout.id, args.direction)
    payload = {
        "direction": result.direction,
        "changed": list(result.exercises_changed),
        "workout": workout_payload(workout),
    }
    return Outcome(payload, changed=bool(result.exercises_changed))


def pause_plan(session: Session, turn: Turn, args: PausePlan) -> Outcome:
    """Pause the plan and the daily texts."""
    result = changes.pause_plan(session, turn.trainee.id)
    return Outcome({"plan": result.plan_status.value, "already": not result.changed}, changed=result.changed)


def resume_plan(session: Session, turn: Turn, args: ResumePlan) -> Outcome:
    """Resume the plan and the daily texts."""
    result = changes.resume_plan(session, turn.trainee.id)
    return Outcome({"plan": result.plan_status.value, "already": not result.changed}, changed=result.changed)
