"""Tool handlers that record what the trainee reports: sessions with top sets, soreness, readiness.

Structured arguments become the same `ParsedLog` the deterministic parser produces, and `record_log` stores
it once per inbound text (its id is the idempotency key), so a retried job or a repeated call logs nothing
twice. Every exercise name must name a library movement or an exercise of that day's workout.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from coach.agent.tools_common import Outcome, ToolError, library_movement, resolve_date, workouts_on
from coach.agent.tools_schema import LoggedSet, LogWorkout, RecordReadiness, RecordSoreness
from coach.agent.turn import Turn
from coach.models import Workout
from coach.models.enums import Units
from coach.training.changes import ExerciseNotFound
from coach.training.changes_swap import find_exercise
from coach.training.e1rm import from_kg
from coach.training.log_parsing import ParsedLog, SetEntry, SorenessEntry
from coach.training.workout_log import record_log, record_readiness


def log_workout(session: Session, turn: Turn, args: LogWorkout) -> Outcome:
    """Store a done (or skipped) session for a date up to today, with its sets and e1RMs."""
    today = turn.local_date
    day = resolve_date(args.date, today, past=True)
    if day > today:
        raise ToolError("can't log a session in the future")
    units = turn.trainee.units
    workouts = workouts_on(session, turn.trainee.id, day)
    entries = [_entry(item, workouts, units) for item in args.sets] if args.completed else []
    if args.sets and not args.completed:
        raise ToolError("a skipped session has no sets; send completed=true with the sets")
    parsed = ParsedLog(
        sets=entries,
        completion="done" if args.completed else "skipped",
        soreness=[],
        session_rpe=args.session_rpe,
        notes=[args.notes] if args.notes else [],
        unparsed=[],
    )
    result = record_log(
        session, turn.trainee.id, parsed, local_date=day, source_message_id=turn.newest_id, now=turn.now
    )
    payload = {
        "date": day.isoformat(),
        "completed": result.completed,
        "already_logged_from_this_text": not result.created,
        "sets": [
            {
                "exercise": logged.movement_name,
                "sets": logged.sets,
                "reps": logged.reps,
                "weight": round(from_kg(logged.weight_kg, units), 1),
                "e1rm": None if logged.e1rm_kg is None else round(from_kg(logged.e1rm_kg, units), 1),
            }
            for logged in result.sets
        ],
        "units": units.value,
        "matched_planned_workout": result.workout_id is not None,
    }
    return Outcome(payload, changed=result.created)


def _entry(item: LoggedSet, workouts: list[Workout], units: Units) -> SetEntry:
    slug, name = _movement(item.exercise, workouts)
    return SetEntry(
        movement_slug=slug,
        movement_name=name,
        weight=item.weight or None,
        units=item.unit or units,
        reps=item.reps,
        sets=item.sets,
        rpe=item.rpe,
        rir=None,
        feel=None,
    )


def _movement(name: str, workouts: list[Workout]) -> tuple[str, str]:
    """The library movement `name` means: an exact library name or alias, else an exercise of that day."""
    known = library_movement(name)
    if known is not None:
        return known.slug, known.name
    for workout in workouts:
        try:
            row = find_exercise(workout, name)
        except ExerciseNotFound:
            continue
        return row.movement.slug, row.movement.name
    raise ToolError(f"unknown exercise '{name}': use its name from the workout or the movement library")


def record_soreness(session: Session, turn: Turn, args: RecordSoreness) -> Outcome:
    """Store today's soreness for one body part (once per text and body part)."""
    body_part = " ".join(args.body_part.lower().split())
    parsed = ParsedLog(
        sets=[],
        completion=None,
        soreness=[SorenessEntry(body_part, args.level)],
        session_rpe=None,
        notes=[],
        unparsed=[],
    )
    result = record_log(
        session,
        turn.trainee.id,
        parsed,
        local_date=turn.local_date,
        source_message_id=turn.newest_id,
        now=turn.now,
    )
    return Outcome(
        {"body_part": body_part, "level": args.level, "already_recorded": not result.soreness_logged},
        changed=bool(result.soreness_logged),
    )


def record_readiness_tool(session: Session, turn: Turn, args: RecordReadiness) -> Outcome:
    """Store today's sleep, energy and stress."""
    day: date = turn.local_date
    row = record_readiness(
        session,
        turn.trainee.id,
        local_date=day,
        sleep_hours=args.sleep_hours,
        energy=args.energy,
        stress=args.stress,
    )
    payload = {
        "date": day.isoformat(),
        "sleep_hours": None if row.sleep_hours is None else float(row.sleep_hours),
        "energy": row.energy,
        "stress": row.stress,
    }
    return Outcome(payload, changed=True)
