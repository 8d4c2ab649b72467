"""Save a plan blueprint as rows, in a fixed number of SQL statements whatever the plan's size.

One statement per level (plan, mesocycles, microcycles, workouts, exercises), each a single multi-row
INSERT ... RETURNING (SQLAlchemy "insertmanyvalues"), plus one UPDATE that completes the trainee's current
plan and, when the caller does not pass movement ids, one SELECT for them: at most 7 statements. Rows
coming back from RETURNING are matched on their natural key (sequence, week number, date), not on order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.models import FitnessPlan, Mesocycle, Microcycle, Movement, Workout, WorkoutExercise
from coach.models.enums import PlanStatus, Units
from coach.training.blueprint import PlanBlueprint
from coach.training.render import render_workout

# Far above the largest plan (16 weeks x 7 days x ~15 exercises = 1,680 rows, 23,520 parameters), and
# below PostgreSQL's 65,535 parameters per statement for the widest table (14 columns).
PAGE_ROWS = 4000


def save_plan(
    session: Session,
    trainee_id: int,
    blueprint: PlanBlueprint,
    library_ids: Mapping[str, int] | None = None,
    units: Units = Units.KG,
) -> int:
    """Store the plan as the trainee's current plan and return its id. The caller commits.

    Any current (active or paused) plan of the trainee is marked completed first, since only one plan may
    be current at a time. Each workout is stored with its SMS text, rendered in the trainee's units, so the
    scheduler can queue it with one INSERT ... SELECT.
    """
    session.execute(
        sa.update(FitnessPlan)
        .where(FitnessPlan.trainee_id == trainee_id, FitnessPlan.status != PlanStatus.COMPLETED)
        .values(status=PlanStatus.COMPLETED)
    )
    ids = dict(library_ids) if library_ids is not None else movement_ids(session, blueprint)
    plan_id = _insert(session, FitnessPlan, [_plan_row(trainee_id, blueprint)], "id")[0][0]
    meso_ids = dict(_insert(session, Mesocycle, _meso_rows(plan_id, blueprint), "sequence"))
    micro_ids = dict(_insert(session, Microcycle, _micro_rows(plan_id, meso_ids, blueprint), "week_number"))
    workout_ids = dict(
        _insert(session, Workout, _workout_rows(trainee_id, micro_ids, blueprint, units), "scheduled_date")
    )
    _insert(session, WorkoutExercise, _exercise_rows(workout_ids, ids, blueprint), "position")
    return int(plan_id)


def movement_ids(session: Session, blueprint: PlanBlueprint) -> dict[str, int]:
    """Ids of every movement the plan uses, in one query; a movement missing from the table is an error."""
    slugs = {e.movement_slug for w in blueprint.workouts() for e in w.exercises}
    query = sa.select(Movement.slug, Movement.id).where(Movement.slug.in_(slugs))
    found = {slug: movement_id for slug, movement_id in session.execute(query)}
    missing = sorted(slugs - found.keys())
    if missing:
        raise LookupError(f"movements not in the database (seed the library): {', '.join(missing)}")
    return found


def _insert(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], key: str
) -> list[tuple[Any, int]]:
    """One INSERT for all rows; returns (key, id) pairs.

    SQLAlchemy's "insertmanyvalues" renders the rows into a single multi-row VALUES without compiling a
    statement per row count; the page size keeps it one statement for any plan we can generate.
    """
    table = model.__table__
    statement = sa.insert(table).returning(table.c[key], table.c.id)
    result = session.execute(
        statement, list(rows), execution_options={"insertmanyvalues_page_size": PAGE_ROWS}
    )
    return [(row[0], row[1]) for row in result]


def _plan_row(trainee_id: int, blueprint: PlanBlueprint) -> dict[str, Any]:
    return {
        "trainee_id": trainee_id,
        "name": blueprint.name[:120],
        "goal": blueprint.goal,
        "split_template": blueprint.split,
        "progression_style": blueprint.progression_style,
        "status": PlanStatus.ACTIVE,
        "start_date": blueprint.start_date,
        "end_date": blueprint.end_date,
        "duration_weeks": blueprint.weeks,
        "days_per_week": blueprint.days_per_week,
        "deload_every": blueprint.deload_every,
        "reason": "; ".join(blueprint.notes) or None,
    }


def _meso_rows(plan_id: int, blueprint: PlanBlueprint) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": plan_id,
            "sequence": sequence,
            "name": meso.name[:120],
            "phase": meso.phase,
            "focus": meso.focus,
            "start_week": meso.start_week,
            "week_count": meso.week_count,
        }
        for sequence, meso in enumerate(blueprint.mesocycles, 1)
    ]


def _micro_rows(plan_id: int, meso_ids: Mapping[int, int], blueprint: PlanBlueprint) -> list[dict[str, Any]]:
    return [
        {
            "mesocycle_id": meso_ids[sequence],
            "plan_id": plan_id,
            "week_number": micro.week_number,
            "start_date": micro.start_date,
            "length_days": 7,
            "is_deload": micro.is_deload,
            "focus": micro.focus,
        }
        for sequence, meso in enumerate(blueprint.mesocycles, 1)
        for micro in meso.microcycles
    ]


def _workout_rows(
    trainee_id: int, micro_ids: Mapping[int, int], blueprint: PlanBlueprint, units: Units
) -> list[dict[str, Any]]:
    return [
        {
            "microcycle_id": micro_ids[micro.week_number],
            "trainee_id": trainee_id,
            "scheduled_date": workout.date,
            "day_number": workout.day_number,
            "session_type": workout.session_type,
            "focus": workout.focus,
            "estimated_minutes": min(300, max(1, workout.estimated_minutes)),
            "sms_text": render_workout(workout, units, meso.phase.value),
        }
        for meso in blueprint.mesocycles
        for micro in meso.microcycles
        for workout in micro.workouts
    ]


def _exercise_rows(
    workout_ids: Mapping[Any, int], movement_ids: Mapping[str, int], blueprint: PlanBlueprint
) -> list[dict[str, Any]]:
    return [
        {
            "workout_id": workout_ids[workout.date],
            "movement_id": movement_ids[e.movement_slug],
            "position": e.position,
            "section": e.section,
            "superset_group": e.superset_group,
            "sets": e.sets,
            "rep_min": e.rep_min,
            "rep_max": e.rep_max,
            "duration_seconds": e.duration_seconds,
            "load_kg": e.load_kg,
            "percent_e1rm": e.percent_e1rm,
            "target_rpe": e.target_rpe,
            "target_rir": e.target_rir,
            "rest_seconds": e.rest_seconds,
        }
        for workout in blueprint.workouts()
        for e in workout.exercises
    ]
