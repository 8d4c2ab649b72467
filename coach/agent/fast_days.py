"""The fast path's new training days: "3 days a week instead of 4", "switch to Mon Wed Fri", without an LLM.

The plan is rebuilt on the new days (`replan.change_training_days`, as the LLM's `set_schedule` tool does),
from today while today's workout text is still to come, else from tomorrow (`replan.first_day`); the split
follows the number of days (three days is full body, four upper/lower). For a count, the coach picks the
days: as many of the current ones as fit, spread out (`spread_days`), and says how to choose others. A
paused plan, or none yet, is left to the LLM. Nothing here commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coach.agent.days_request import TrainingDaysRequest
from coach.agent.onboarding.finish import SPLIT_LABELS
from coach.agent.onboarding.items import MIN_DAYS
from coach.agent.onboarding.questions import WEEKDAYS, describe_days
from coach.agent.tools_common import day_label
from coach.agent.turn import Turn
from coach.agent.workout_days import next_workout
from coach.models import FitnessPlan
from coach.models.enums import PlanStatus, TraineeStatus
from coach.training import replan
from coach.training.changes import current_plan
from coach.training.splits import SESSION_LABELS
from coach.training.weekdays import WEEK, spread_days

TOO_FEW_TEXT = (
    "A plan needs at least 2 training days a week to make progress. Want 2 days, e.g. 'switch to Mon Thu'? "
    "Or text 'pause' to take a break."
)


def change_days(session: Session, turn: Turn, request: TrainingDaysRequest) -> tuple[str, str] | None:
    """(path, reply) once the days are changed, or why not; None to leave the text to the LLM."""
    trainee = turn.trainee
    plan = current_plan(session, trainee.id)
    if trainee.status is not TraineeStatus.ACTIVE or plan is None or plan.status is not PlanStatus.ACTIVE:
        return None
    now = tuple(sorted(trainee.training_days or ()))
    if request.count is not None:
        if request.count < MIN_DAYS:
            return "training_days_too_few", TOO_FEW_TEXT
        days = _pick(now, request.count)
    else:
        assert request.days is not None
        days = tuple(sorted(request.days))
    if days == now:
        return "training_days", f"You already train {len(days)} days a week ({describe_days(days)})."
    start = replan.first_day(session, trainee, turn.local_now)
    result = replan.change_training_days(session, trainee.id, days, start=start)
    return "training_days", _done(session, turn, days, now, result, picked=request.count is not None)


def _pick(now: tuple[int, ...], count: int) -> tuple[int, ...]:
    """`count` days: fewer are the best spread of the current ones, more keep them all and add days."""
    if count <= len(now):
        return spread_days(count, within=now)
    return spread_days(count, within=WEEK, keep=now)


def _done(
    session: Session,
    turn: Turn,
    days: tuple[int, ...],
    was: tuple[int, ...],
    result: replan.Replanned,
    *,
    picked: bool,
) -> str:
    """ "Done: from tomorrow you train Mon/Wed/Fri (was Mon/Tue/Thu/Fri), full body. First up: ..." """
    plan = session.get(FitnessPlan, result.plan_id)
    split = SPLIT_LABELS.get(plan.split_template) if plan is not None else None
    today = turn.local_date
    done = f"Done: from {'today' if result.start == today else 'tomorrow'} you train {describe_days(days)}"
    if was:
        done += f" (was {describe_days(was)})"
    parts = [done + (f", {split}." if split else ".")]
    first = next_workout(session, turn.trainee.id, result.start)
    if first is not None:
        days_ahead = (first.scheduled_date - today).days
        when = {0: "today", 1: "tomorrow"}.get(days_ahead, f"on {day_label(first.scheduled_date)}")
        parts.append(f"First up: {SESSION_LABELS[first.session_type]} {when}.")
    if picked:
        other = " ".join(WEEKDAYS[day % 7] for day in days)  # each a day later: other days, as many
        parts.append(f"Prefer other days? Tell me which, e.g. 'switch to {other}'.")
    return " ".join(parts)
