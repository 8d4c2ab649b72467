"""How long an exercise and a session take.

Time model (seconds):

* one set of reps = reps x 4 s for compound movements, x 3 s for isolation; the rep count is the middle
  of the prescribed range; a timed set is its duration; unilateral movements take twice as long (each side);
* an exercise = sets x set time + (sets - 1) x rest + 60 s to move to the next station;
* warm-up exercises flow into each other, so they carry no transition;
* a session = the sum of its exercises, including a 5-8 minute warm-up block (``warmup_minutes``).
"""

from __future__ import annotations

from coach.models.enums import ExerciseRole
from coach.movements.library import MovementSpec

TRANSITION_SECONDS = 60
COMPOUND_REP_SECONDS = 4.0
ISOLATION_REP_SECONDS = 3.0


def set_work_seconds(
    movement: MovementSpec, rep_min: int | None, rep_max: int | None, duration_seconds: int | None
) -> float:
    """Time under work for one set."""
    if duration_seconds is not None:
        work = float(duration_seconds)
    else:
        reps = ((rep_min or 1) + (rep_max or rep_min or 1)) / 2
        work = reps * (COMPOUND_REP_SECONDS if movement.compound else ISOLATION_REP_SECONDS)
    return work * 2 if movement.is_unilateral else work


def exercise_seconds(sets: int, work_seconds: float, rest_seconds: int, section: ExerciseRole) -> float:
    """Wall time of an exercise: work, rest between sets, and the walk to the next one."""
    transition = 0 if section is ExerciseRole.WARMUP else TRANSITION_SECONDS
    return sets * work_seconds + max(0, sets - 1) * rest_seconds + transition


def warmup_minutes(session_minutes: int) -> int:
    """The warm-up block: 5 minutes for short sessions, up to 8 for long ones."""
    return max(5, min(8, round(session_minutes * 0.12)))
