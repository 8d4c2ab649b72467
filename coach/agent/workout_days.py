"""What is on the plan for a day or a week, as the fast path answers "what's today", "what do I have Friday"
or "what's this week".

A day with open workouts gets their stored SMS text, joined the way the daily text joins them, so the answer
reads exactly like the text the scheduler sends. Any other day gets one short line.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from coach.agent.tools_common import current_workouts, day_label
from coach.models import Mesocycle, Microcycle, Trainee, Workout, WorkoutExercise
from coach.models.enums import PlanStatus, WorkoutStatus
from coach.training.changes import current_plan
from coach.training.render import render_workout, workout_view
from coach.training.splits import LIGHTER_WEEK, SESSION_LABELS

PAUSED_TEXT = "Your plan is paused, so nothing is scheduled. Text RESUME when you're ready to train again."


def day_answer(session: Session, trainee: Trainee, day: date, today: date) -> str | None:
    """The workout text(s) for `day`, or a short rest-day line; None when the trainee has no current plan."""
    plan = current_plan(session, trainee.id)
    if plan is None:
        return None
    if plan.status is PlanStatus.PAUSED:
        return PAUSED_TEXT
    workouts = _workouts(session, trainee.id, plan.id, day)
    open_ones = [w for w in workouts if w.status is WorkoutStatus.PENDING]
    if open_ones:
        return "\n\n".join(w.sms_text or _render(w, trainee) for w in open_ones)
    name = day_name(day, today)
    if any(w.status is WorkoutStatus.COMPLETED for w in workouts):
        return f"You've already done {name}'s workout. Nice work!"
    if workouts:
        return f"{name.capitalize()}'s workout is marked skipped. Rest up."
    upcoming = next_workout(session, trainee.id, day + timedelta(days=1))
    if upcoming is None:
        return f"Nothing is scheduled {on_day(name)}, and there are no more workouts in your plan."
    rest = "Rest day today" if name == "today" else f"{name.capitalize()} is a rest day"
    return f"{rest}. Next workout: {day_label(upcoming.scheduled_date)}. Sleep well, eat well!"


_MARKS = {WorkoutStatus.COMPLETED: " (done)", WorkoutStatus.SKIPPED: " (skipped)"}


def _mark(workout: Workout, today: date) -> str:
    if workout.status is WorkoutStatus.PENDING and workout.scheduled_date < today:
        return " (not logged)"
    return _MARKS.get(workout.status, "")


def week_answer(session: Session, trainee: Trainee, first_day: date, today: date) -> str | None:
    """The workouts of the week from `first_day` (a Monday) as one line, "This week: Mon Upper body (done),
    Tue Lower body, ..."; None when the trainee has no current plan."""
    plan = current_plan(session, trainee.id)
    if plan is None:
        return None
    if plan.status is PlanStatus.PAUSED:
        return PAUSED_TEXT
    which = "this week" if first_day <= today else "next week"
    last_day = first_day + timedelta(days=6)
    found = session.execute(
        current_workouts(trainee.id)
        .add_columns(Microcycle.is_deload)
        .where(Workout.scheduled_date.between(first_day, last_day))
        .order_by(Workout.scheduled_date, Workout.id)
    ).all()
    if not found:
        upcoming = next_workout(session, trainee.id, last_day + timedelta(days=1))
        after = f" Next workout: {day_label(upcoming.scheduled_date)}." if upcoming else ""
        return f"Nothing is scheduled {which}.{after}"
    days = ", ".join(
        f"{w.scheduled_date:%a} {SESSION_LABELS[w.session_type]}{_mark(w, today)}" for w, _ in found
    )
    lighter = LIGHTER_WEEK if all(deload for _, deload in found) else ""
    return f"{which.capitalize()}{lighter}: {days}."


def next_workout(session: Session, trainee_id: int, on_or_after: date) -> Workout | None:
    """The first workout still to do in the trainee's current plan, from `on_or_after` on."""
    return session.scalars(
        current_workouts(trainee_id)
        .where(Workout.status == WorkoutStatus.PENDING, Workout.scheduled_date >= on_or_after)
        .order_by(Workout.scheduled_date, Workout.id)
        .limit(1)
    ).first()


def _workouts(session: Session, trainee_id: int, plan_id: int, day: date) -> list[Workout]:
    query = (
        sa.select(Workout)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .where(Microcycle.plan_id == plan_id, Workout.trainee_id == trainee_id, Workout.scheduled_date == day)
        .order_by(Workout.id)
        .options(
            selectinload(Workout.exercises).joinedload(WorkoutExercise.movement),
            joinedload(Workout.microcycle).joinedload(Microcycle.mesocycle).joinedload(Mesocycle.plan),
        )
    )
    return list(session.scalars(query))


def _render(workout: Workout, trainee: Trainee) -> str:
    """A workout whose text was never stored (should not happen): rendered now, as the plan writer would."""
    return render_workout(workout_view(workout), trainee.units, workout.microcycle.mesocycle.phase.value)


def day_name(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"{day:%A}"


def on_day(name: str) -> str:
    return name if name in ("today", "tomorrow") else f"on {name}"
