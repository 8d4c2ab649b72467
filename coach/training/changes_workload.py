"""The arithmetic behind shortening and easing a stored workout: its time estimate, trimming, effort steps.

Time comes from ``timing`` (the same model the generator plans with); loads are rounded to real plates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coach.models import Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, Units
from coach.movements.library import LibrarySpec, MovementSpec
from coach.training import timing
from coach.training.intensity import KG_INCREMENT, KG_PER_LB, LB_INCREMENT, round_load

WORK_SECTIONS = frozenset(
    {ExerciseRole.SKILL, ExerciseRole.MAIN, ExerciseRole.ACCESSORY, ExerciseRole.FINISHER}
)
# Shortening takes sets, then whole exercises, from these sections in this order first (see trim_to).
TRIM_ORDER = (ExerciseRole.FINISHER, ExerciseRole.ACCESSORY)
MIN_TRIMMED_SETS = 2
MIN_WARM_UP_SECONDS = 5 * 60  # the shortest warm-up a shortened workout keeps (timing.warmup_minutes)
RPE_FLOOR, RPE_CEILING = 5.0, 9.5


@dataclass(frozen=True)
class Trimmed:
    sets_removed: int  # all of them, main-lift sets included
    main_sets_removed: int
    exercises_removed: tuple[str, ...]
    has_main_lifts: bool


def trim_to(workout: Workout, minutes: int, library: LibrarySpec) -> Trimmed:
    """Cut the workout to `minutes` as a coach would: finisher then accessory sets (down to two), then those
    exercises, then the cool-down, then the warm-up down to five minutes, then main-lift sets (down to two).
    The main lifts themselves stay. A day without main lifts (active recovery) keeps every block, each
    shorter.
    """

    def over() -> bool:
        return estimate_minutes(workout, library) > minutes

    extras = [row for row in workout.exercises if row.section in TRIM_ORDER]
    sets_removed = _take_sets(
        extras, over, lambda row: (row.section is ExerciseRole.FINISHER, row.sets, row.position)
    )
    mains = [row for row in workout.exercises if row.section in (ExerciseRole.SKILL, ExerciseRole.MAIN)]
    if not mains:  # active recovery: the easy blocks are the session, so they get shorter, none goes
        _shorten_blocks(workout, minutes * 60 - (workout_seconds(workout, library) - _block_seconds(workout)))
        return Trimmed(sets_removed, 0, (), has_main_lifts=False)
    removed: list[str] = []
    cool_down = [row for row in workout.exercises if row.section is ExerciseRole.COOLDOWN]
    extras.sort(key=lambda row: (TRIM_ORDER.index(row.section), -row.position))
    for row in [*extras, *reversed(cool_down)]:
        if not over():
            break
        workout.exercises.remove(row)
        removed.append(row.movement.name)
    if over():
        _shorten_warm_up(workout)
    main_sets_removed = _take_sets(mains, over, lambda row: (row.sets, row.position))
    return Trimmed(sets_removed + main_sets_removed, main_sets_removed, tuple(removed), has_main_lifts=True)


_BLOCKS = (ExerciseRole.FINISHER, ExerciseRole.COOLDOWN)


def _block_seconds(workout: Workout) -> int:
    return sum(row.duration_seconds or 0 for row in workout.exercises if row.section in _BLOCKS)


def _shorten_blocks(workout: Workout, seconds: float) -> None:
    """The timed blocks after the warm-up cut to about `seconds` in all."""
    _in_whole_minutes([row for row in workout.exercises if row.section in _BLOCKS], seconds)


def _in_whole_minutes(rows: list[WorkoutExercise], seconds: float) -> None:
    """Timed rows cut in proportion to last at most `seconds` in all, in whole minutes (as the text shows
    them) and at least one each; the minutes that rounding down leaves go to the rows it cut most."""
    rows = [row for row in rows if row.duration_seconds]
    total = sum(row.duration_seconds or 0 for row in rows)
    if total <= seconds:
        return
    budget = max(0, int(seconds // 60))
    exact = [(row.duration_seconds or 0) * budget / total for row in rows]
    minutes = [max(1, int(share)) for share in exact]
    most_cut = sorted(range(len(rows)), key=lambda n: exact[n] - minutes[n], reverse=True)
    for n in most_cut[: max(0, budget - sum(minutes))]:
        minutes[n] += 1
    for row, whole in zip(rows, minutes, strict=True):
        row.duration_seconds = whole * 60


def _take_sets(
    rows: list[WorkoutExercise], over: Callable[[], bool], first: Callable[[WorkoutExercise], Any]
) -> int:
    """One set at a time from the row ranked highest by `first` (never below two sets) while `over()`."""
    taken = 0
    while over():
        spare = [row for row in rows if row.sets > MIN_TRIMMED_SETS]
        if not spare:
            break
        max(spare, key=first).sets -= 1
        taken += 1
    return taken


def _shorten_warm_up(workout: Workout) -> None:
    _in_whole_minutes(
        [row for row in workout.exercises if row.section is ExerciseRole.WARMUP], MIN_WARM_UP_SECONDS
    )


def step_effort(row: WorkoutExercise, step: int, ceiling: float) -> None:
    """One RPE (or one rep in reserve) in the asked direction, never past the bounds nor backwards."""
    if row.target_rpe is not None:
        rpe = float(row.target_rpe)
        moved = min(rpe, max(RPE_FLOOR, rpe - 1)) if step < 0 else max(rpe, min(ceiling, rpe + 1))
        row.target_rpe = Decimal(str(moved))
    elif row.target_rir is not None:
        rir = row.target_rir
        fewest, most = math.ceil(10 - ceiling), int(10 - RPE_FLOOR)
        row.target_rir = max(rir, min(most, rir + 1)) if step < 0 else min(rir, max(fewest, rir - 1))


def step_load(row: WorkoutExercise, step: int, units: Units) -> None:
    """About 5% lighter or heavier, rounded to plates; always at least one plate step."""
    if row.load_kg is None:
        return
    kg = float(row.load_kg)
    factor = 1 + 0.05 * step
    new = round_load(kg * factor, units)
    if new == kg:  # 5% of a light load rounds back to the same plates: move one plate step instead
        plate = KG_INCREMENT if units is Units.KG else LB_INCREMENT * KG_PER_LB
        new = round_load(kg + step * plate, units)
    row.load_kg = Decimal(str(new))
    if row.percent_e1rm is not None:
        row.percent_e1rm = Decimal(str(round(min(110.0, max(1.0, float(row.percent_e1rm) * new / kg)), 2)))


def workout_seconds(workout: Workout, library: LibrarySpec) -> float:
    specs = {m.slug: m for m in library.movements}
    total = 0.0
    for row in workout.exercises:
        movement = row.movement
        # Movements dropped from the packaged file stay in the table; timing needs only these two facts.
        spec = specs.get(movement.slug) or MovementSpec.model_construct(
            compound=movement.compound, is_unilateral=movement.is_unilateral
        )
        work = timing.set_work_seconds(spec, row.rep_min, row.rep_max, row.duration_seconds)
        total += timing.exercise_seconds(row.sets, work, row.rest_seconds or 0, row.section)
    return total


def estimate_minutes(workout: Workout, library: LibrarySpec) -> int:
    return min(300, max(1, round(workout_seconds(workout, library) / 60)))
