"""Turn a finished draft session into an immutable workout blueprint, with loads where the 1RM is known."""

from __future__ import annotations

from coach.models.enums import ExerciseRole
from coach.training.blueprint import ExerciseBlueprint, WorkoutBlueprint
from coach.training.draft import DraftExercise, DraftSession
from coach.training.intensity import MAX_REPS, MAX_RPE, MIN_RPE, load_for, percent_1rm
from coach.training.periodization import Family
from coach.training.profile import TrainingProfile

LOADED_SECTIONS = frozenset({ExerciseRole.MAIN, ExerciseRole.ACCESSORY})


def freeze_workout(
    session: DraftSession, profile: TrainingProfile, family: Family, deload: bool
) -> WorkoutBlueprint:
    """The finished session as a dated workout, exercises in section order and numbered from 1."""
    exercises = tuple(
        freeze_exercise(exercise, position, profile) for position, exercise in enumerate(session.ordered(), 1)
    )
    focus = "recovery" if session.template.is_recovery else "deload" if deload else family.value
    return WorkoutBlueprint(
        date=session.date,
        day_number=session.day_number,
        session_type=session.template.session_type,
        focus=focus,
        estimated_minutes=round(session.used_seconds() / 60),
        exercises=exercises,
    )


def freeze_exercise(exercise: DraftExercise, position: int, profile: TrainingProfile) -> ExerciseBlueprint:
    """One prescription with its load (when the 1RM is known) and estimated minutes."""
    load, percent = _load(exercise, profile)
    movement = exercise.movement
    return ExerciseBlueprint(
        movement_slug=movement.slug,
        movement_name=movement.name,
        pattern=movement.pattern,
        equipment=tuple(movement.equipment),
        section=exercise.section,
        position=position,
        superset_group=None,
        sets=exercise.sets,
        rep_min=exercise.rep_min,
        rep_max=exercise.rep_max,
        duration_seconds=exercise.duration_seconds,
        load_kg=load,
        percent_e1rm=percent,
        target_rpe=exercise.target_rpe,
        target_rir=exercise.target_rir,
        rest_seconds=exercise.rest_seconds,
        estimated_minutes=round(exercise.seconds() / 60, 1),
    )


def _load(exercise: DraftExercise, profile: TrainingProfile) -> tuple[float | None, float | None]:
    """Load (kg) from a known 1RM and %1RM for the bottom of the rep range at the target effort."""
    if exercise.section not in LOADED_SECTIONS or exercise.rep_min is None or exercise.rep_min > MAX_REPS:
        return None, None
    rpe = exercise.target_rpe
    if rpe is None and exercise.target_rir is not None:
        rpe = 10.0 - exercise.target_rir
    if rpe is None or not MIN_RPE <= rpe <= MAX_RPE:
        return None, None
    percent = percent_1rm(exercise.rep_min, rpe)
    e1rm = profile.e1rm_kg.get(exercise.movement.slug)
    if e1rm is None:
        return None, percent if exercise.section is ExerciseRole.MAIN else None
    return load_for(e1rm, exercise.rep_min, rpe, profile.units), percent
