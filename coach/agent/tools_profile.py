"""Tool handlers that change who the trainee is to the coach: profile, persona, schedule, and the plan itself.

Profile fields the plan is built from (goals, experience, session length, equipment, limitations) are stored
and reported as needing a regenerated plan; the model calls `regenerate_plan` when the trainee wants it now.
New training days rebuild the plan at once (`change_training_days`), because the old days no longer exist.
A rebuilt plan starts today while today's workout text is still to come and nothing of today's is done,
else tomorrow (`replan.first_day`): a session the trainee has in hand, or has finished, stays as it was.
"""

from __future__ import annotations

from datetime import date, time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from coach.agent.tools_common import WEEKDAY_NAMES, Outcome, ToolError
from coach.agent.tools_schema import RegeneratePlan, SetSchedule, UpdateProfile
from coach.agent.turn import Turn
from coach.agent.workout_days import next_workout
from coach.models import FitnessPlan, Microcycle, Workout, WorkoutExercise
from coach.models.enums import PlanStatus, WorkoutStatus
from coach.training import replan
from coach.training.render import render_workout, workout_view

PLAN_FIELDS = ("goals", "experience", "session_minutes", "equipment", "limitations")
# Goal weights (they sum to 10) by how many goals, most important first.
GOAL_WEIGHTS = {1: (10,), 2: (7, 3), 3: (5, 3, 2)}


def update_profile(session: Session, turn: Turn, args: UpdateProfile) -> Outcome:
    """Store the given profile fields; say whether the plan should be regenerated for them."""
    given = {key: value for key, value in args.model_dump().items() if value is not None}
    if not given:
        raise ToolError("no field given: set at least one, leave the others null")
    trainee, profile = turn.trainee, turn.trainee.profile
    if profile is None:
        raise ToolError("the trainee has no fitness profile yet (onboarding is not finished)")
    if args.name is not None:
        trainee.name = " ".join(args.name.split())[:100] or None
    if args.goals is not None:
        goals = list(dict.fromkeys(args.goals))
        profile.goals = [
            {"goal": goal.value, "weight": weight}
            for goal, weight in zip(goals, GOAL_WEIGHTS[len(goals)], strict=True)
        ]
    if args.experience is not None:
        profile.experience_level = args.experience
    if args.session_minutes is not None:
        profile.session_minutes = args.session_minutes
    if args.equipment is not None:
        profile.equipment = sorted(set(args.equipment))
    if args.limitations is not None:
        profile.limitations = sorted({item.value for item in args.limitations})
    if args.injury_notes is not None:
        profile.injury_notes = args.injury_notes.strip() or None
    if args.persona_tone is not None:
        trainee.persona_tone = args.persona_tone
    if args.persona_aggression is not None:
        trainee.persona_aggression = args.persona_aggression
    rerendered = 0
    if args.units is not None and args.units is not trainee.units:
        trainee.units = args.units
        rerendered = _rerender_pending(session, turn, turn.local_date)
    session.flush()
    plan_fields = [name for name in PLAN_FIELDS if name in given]
    payload: dict[str, Any] = {"updated": sorted(given), "regenerate_needed": bool(plan_fields)}
    if plan_fields:
        payload["hint"] = (
            "the plan uses " + ", ".join(plan_fields) + ": call regenerate_plan if they want it now"
        )
    if rerendered:
        payload["workouts_rewritten_in_new_units"] = rerendered
    return Outcome(payload, changed=True)


def _rerender_pending(session: Session, turn: Turn, today: date) -> int:
    """Rewrite the text of the pending workouts from today on in the trainee's (new) units."""
    query = (
        sa.select(Workout)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(
            Workout.trainee_id == turn.trainee.id,
            FitnessPlan.trainee_id == turn.trainee.id,
            FitnessPlan.status != PlanStatus.COMPLETED,
            Workout.status == WorkoutStatus.PENDING,
            Workout.scheduled_date >= today,
        )
        .options(
            selectinload(Workout.exercises).joinedload(WorkoutExercise.movement),
            selectinload(Workout.microcycle).joinedload(Microcycle.mesocycle),
        )
    )
    workouts = list(session.scalars(query))
    for workout in workouts:
        phase = workout.microcycle.mesocycle.phase.value
        workout.sms_text = render_workout(workout_view(workout), turn.trainee.units, phase)
    return len(workouts)


def set_schedule(session: Session, turn: Turn, args: SetSchedule) -> Outcome:
    """Change the daily text time, the time zone and/or the training days (which rebuilds the plan)."""
    if args.send_time is None and args.time_zone is None and args.training_days is None:
        raise ToolError("no field given: set send_time, time_zone or training_days")
    trainee = turn.trainee
    payload: dict[str, Any] = {}
    if args.time_zone is not None:
        name = args.time_zone.strip()
        if name not in _zones():
            raise ToolError(f"unknown time zone '{name}': use an IANA name like America/New_York")
        trainee.time_zone = name
        payload["time_zone"] = name
    if args.send_time is not None:
        hours, minutes = (int(part) for part in args.send_time.split(":"))
        trainee.send_time = time(hours, minutes)
        payload["send_time"] = args.send_time
    session.flush()
    if args.training_days is not None:
        days = sorted({WEEKDAY_NAMES.index(day) + 1 for day in args.training_days})
        payload["training_days"] = [WEEKDAY_NAMES[day - 1] for day in days]
        if days != sorted(trainee.training_days):
            start = replan.first_day(session, trainee, turn.local_now)
            result = replan.change_training_days(session, trainee.id, days, start=start)
            payload["plan_rebuilt_from"] = result.start.isoformat()
            payload["first_workout"] = _first_workout(session, trainee.id, result.start)
    return Outcome(payload, changed=True)


def regenerate_plan(session: Session, turn: Turn, args: RegeneratePlan) -> Outcome:
    """Rebuild the rest of the plan from the current profile, from today or tomorrow (`replan.first_day`)."""
    start = replan.first_day(session, turn.trainee, turn.local_now)
    result = replan.regenerate_plan(session, turn.trainee.id, start=start, reason=args.reason)
    payload = {
        "plan_rebuilt_from": result.start.isoformat(),
        "weeks": result.weeks,
        "first_workout": _first_workout(session, turn.trainee.id, result.start),
    }
    return Outcome(payload, changed=True)


def _first_workout(session: Session, trainee_id: int, start: date) -> dict[str, Any] | None:
    """The rebuilt plan's first session from its start (not the day before's, kept in it as it was)."""
    first = next_workout(session, trainee_id, start)
    if first is None:
        return None
    return {"date": first.scheduled_date.isoformat(), "type": first.session_type.value}


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
