"""Rolling generation: set a week's prescriptions from the logs of the weeks before it.

A saved plan already holds every week; `progress_week` rewrites one week's loads (and, for double
progression, the bottom of its rep range) from what the trainee logged, following `progression_rules`.
It runs once per week (``Microcycle.progressed_at``), in a fixed number of SQL statements whatever the
plan's size, and re-renders the text of every workout it changes. The caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from coach.models import FitnessPlan, Mesocycle, Microcycle, Trainee, Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, PlanStatus, ProgressionStyle, Units
from coach.models.logs import SetLog, WorkoutLog
from coach.training.progression_daily import AdaptationResult, MissedResult, adapt_today, handle_missed
from coach.training.progression_rules import (
    LoggedTopSet,
    Step,
    Target,
    deload_load,
    missed,
    next_step,
)
from coach.training.render import render_workout, workout_view

__all__ = [
    "AdaptationResult",
    "LoadChange",
    "MissedResult",
    "ProgressionResult",
    "WeekNotFound",
    "adapt_today",
    "handle_missed",
    "progress_week",
]

PROGRESSED_SECTIONS = frozenset({ExerciseRole.MAIN, ExerciseRole.ACCESSORY})
_CENTS = Decimal("0.01")


class WeekNotFound(LookupError):
    """The trainee's current plan has no such week."""


@dataclass(frozen=True)
class LoadChange:
    movement: str
    slug: str
    rule: str  # increase, hold, reduce, more reps, e1rm
    load_before_kg: float | None
    load_after_kg: float | None


@dataclass(frozen=True)
class ProgressionResult:
    """What `progress_week` set. On a repeat call `created` is False and `changes` is empty: the week was
    already progressed and `loads` (movement slug -> heaviest load that week) shows what stands."""

    week_number: int
    created: bool
    changes: tuple[LoadChange, ...]
    loads: dict[str, float]
    workouts_changed: int


def progress_week(session: Session, trainee_id: int, week_number: int, *, now: datetime) -> ProgressionResult:
    """Set week `week_number` of the current plan from the logs of the last non-deload weeks before it.

    Idempotent: a week already progressed is left alone (its row is locked, so two runs take turns).
    Raises WeekNotFound when the trainee's current plan has no such week.
    """
    style, units, phase, weeks = _weeks(session, trainee_id, week_number)
    target = weeks[week_number]
    workouts = _workouts(session, target.id)
    if target.progressed_at is not None:
        return ProgressionResult(week_number, False, (), _loads(workouts), 0)
    earlier = [w for n, w in sorted(weeks.items(), reverse=True) if n < week_number and not w.is_deload]
    sources = [w.id for w in earlier[:2]]
    new_block = bool(earlier) and earlier[0].mesocycle_id != target.mesocycle_id
    logged, asked = _history(session, sources)
    rows: list[dict[str, Any]] = []
    changes: list[LoadChange] = []
    changed: list[Workout] = []
    for workout in workouts:
        before = len(rows)
        for row in workout.exercises:
            change = _progress(row, sources, logged, asked, style, units, target, new_block, rows)
            if change is not None:
                changes.append(change)
        if len(rows) > before:
            changed.append(workout)
    _save(session, rows, changed, units, phase, now)
    session.execute(sa.update(Microcycle).where(Microcycle.id == target.id).values(progressed_at=now))
    set_committed_value(target, "progressed_at", now)
    return ProgressionResult(week_number, True, tuple(changes), _loads(workouts), len(changed))


_Key = tuple[int, int]  # (microcycle id, movement id)


def _progress(
    row: WorkoutExercise,
    sources: Sequence[int],
    logged: Mapping[_Key, list[LoggedTopSet]],
    asked: Mapping[_Key, Target],
    style: ProgressionStyle,
    units: Units,
    target: Microcycle,
    new_block: bool,
    rows: list[dict[str, Any]],
) -> LoadChange | None:
    """Progress one exercise in place (recording its UPDATE parameters in `rows`); None if unchanged."""
    now_target = _target(row)
    if not sources or row.section not in PROGRESSED_SECTIONS or now_target is None:
        return None
    last_key = (sources[0], row.movement_id)
    if last_key not in logged or last_key not in asked:
        return None
    last, sets = asked[last_key], logged[last_key]
    before = (sources[1], row.movement_id) if len(sources) > 1 else None
    missed_before = before is not None and before in asked and missed(asked[before], logged.get(before, []))
    # A deload is progressed as the week it eases off from, then moved to its own reps and effort.
    # Double progression's climbed bottom rep belongs to last week, so the deload's own reps are kept.
    deload = target.is_deload
    shape = Target(now_target.rep_min, now_target.rep_max, last.rpe, last.load_kg) if deload else now_target
    step = next_step(style, last, sets, missed_before, shape, new_block, units)
    if step is None:
        return None
    if deload:
        load = None if step.load_kg is None else deload_load(step.load_kg, shape, now_target, units)
        step = Step(load, now_target.rep_min, step.rule)
    old_load, old_min = _float(row.load_kg), row.rep_min
    if (old_load, old_min) == (step.load_kg, step.rep_min):
        return None
    new_load = None if step.load_kg is None else Decimal(str(step.load_kg)).quantize(_CENTS)
    set_committed_value(row, "load_kg", new_load)
    set_committed_value(row, "rep_min", step.rep_min)
    rows.append({"id": row.id, "load_kg": new_load, "rep_min": step.rep_min})
    return LoadChange(row.movement.name, row.movement.slug, step.rule, old_load, step.load_kg)


def _weeks(
    session: Session, trainee_id: int, week_number: int
) -> tuple[ProgressionStyle, Units, str, dict[int, Microcycle]]:
    """The target week (locked) and the three before it, with the plan's style, units and the phase."""
    query = (
        sa.select(Microcycle, FitnessPlan.progression_style, Trainee.units, Mesocycle.phase)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .join(Trainee, Trainee.id == FitnessPlan.trainee_id)
        .join(Mesocycle, Mesocycle.id == Microcycle.mesocycle_id)
        .where(
            FitnessPlan.trainee_id == trainee_id,
            FitnessPlan.status != PlanStatus.COMPLETED,
            Microcycle.week_number.between(week_number - 3, week_number),
        )
        .with_for_update(of=Microcycle)
    )
    found = session.execute(query).all()
    weeks = {micro.week_number: micro for micro, _, _, _ in found}
    target = next((r for r in found if r[0].week_number == week_number), None)
    if target is None:
        raise WeekNotFound(f"trainee {trainee_id} has no week {week_number} in a current plan")
    return target[1], target[2], target[3].value, weeks


def _workouts(session: Session, microcycle_id: int) -> list[Workout]:
    query = (
        sa.select(Workout)
        .where(Workout.microcycle_id == microcycle_id)
        .order_by(Workout.scheduled_date, Workout.id)
        .options(selectinload(Workout.exercises).joinedload(WorkoutExercise.movement))
    )
    return list(session.scalars(query))


# A week's own workouts: not one kept from a replaced plan on the eve of this one (`replan._carry_over`),
# which answered that plan's prescriptions.
_IN_ITS_WEEK = sa.and_(
    Microcycle.id == Workout.microcycle_id, Workout.scheduled_date >= Microcycle.start_date
)


def _history(
    session: Session, microcycle_ids: Sequence[int]
) -> tuple[dict[_Key, list[LoggedTopSet]], dict[_Key, Target]]:
    """Logged sets and the prescriptions they answered, per (week, movement), in two statements; a workout
    kept from a replaced plan is left out."""
    logged: dict[_Key, list[LoggedTopSet]] = defaultdict(list)
    asked: dict[_Key, Target] = {}
    if not microcycle_ids:
        return logged, asked
    sets = (
        sa.select(
            Workout.microcycle_id,
            SetLog.movement_id,
            SetLog.weight_kg,
            SetLog.reps,
            SetLog.rpe,
            SetLog.rir,
            SetLog.e1rm_kg,
        )
        .join(WorkoutLog, WorkoutLog.id == SetLog.workout_log_id)
        .join(Workout, Workout.id == WorkoutLog.workout_id)
        .join(Microcycle, _IN_ITS_WEEK)
        .where(Workout.microcycle_id.in_(microcycle_ids))
    )
    for micro_id, movement_id, weight, reps, rpe, rir, e1rm in session.execute(sets):
        effort = float(rpe) if rpe is not None else (10.0 - rir if rir is not None else None)
        logged[(micro_id, movement_id)].append(LoggedTopSet(float(weight), reps, effort, _float(e1rm)))
    prescribed = (
        sa.select(Workout.microcycle_id, WorkoutExercise)
        .join(Workout, Workout.id == WorkoutExercise.workout_id)
        .join(Microcycle, _IN_ITS_WEEK)
        .where(Workout.microcycle_id.in_(microcycle_ids), WorkoutExercise.section.in_(PROGRESSED_SECTIONS))
        .order_by(Workout.scheduled_date)
    )
    for micro_id, row in session.execute(prescribed):
        target = _target(row)
        if target is not None:
            asked.setdefault((micro_id, row.movement_id), target)
    return logged, asked


def _target(row: WorkoutExercise) -> Target | None:
    if row.rep_min is None or row.duration_seconds is not None:
        return None
    rpe = float(row.target_rpe) if row.target_rpe is not None else None
    if rpe is None and row.target_rir is not None:
        rpe = 10.0 - row.target_rir
    return Target(row.rep_min, row.rep_max or row.rep_min, rpe, _float(row.load_kg))


def _save(
    session: Session,
    rows: Sequence[dict[str, Any]],
    workouts: Iterable[Workout],
    units: Units,
    phase: str,
    now: datetime,
) -> None:
    """One executemany UPDATE for the exercises and one for the workouts' texts."""
    if not rows:
        return
    # ORM bulk UPDATE by primary key: one executemany per table; the objects were already set above.
    session.execute(sa.update(WorkoutExercise), list(rows))
    texts = []
    for workout in workouts:
        text = render_workout(workout_view(workout), units, phase)
        set_committed_value(workout, "sms_text", text)
        texts.append({"id": workout.id, "sms_text": text, "updated_at": now})
    session.execute(sa.update(Workout), texts)


def _loads(workouts: Iterable[Workout]) -> dict[str, float]:
    loads: dict[str, float] = {}
    for workout in workouts:
        for row in workout.exercises:
            if row.load_kg is not None:
                loads[row.movement.slug] = max(float(row.load_kg), loads.get(row.movement.slug, 0.0))
    return loads


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
