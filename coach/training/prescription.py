"""Sets, reps, effort and rest for each kind of exercise, by goal family, phase and week.

Main lifts (sets x reps @ RPE, rest):

| family       | phase           | main lifts     | rest  |
|--------------|-----------------|----------------|-------|
| strength     | linear          | 3 x 5 @ 7      | 150 s |
| strength     | accumulation    | 4 x 5-6 @ 7.5  | 180 s |
| strength     | intensification | 4 x 3-4 @ 8    | 180 s |
| strength     | realization     | 3 x 2-3 @ 8.5  | 210 s |
| hypertrophy  | linear          | 3 x 8 @ 7      | 120 s |
| hypertrophy  | accumulation    | 3 x 8-10 @ 7.5 | 120 s |
| hypertrophy  | intensification | 4 x 6-8 @ 8    | 150 s |
| hypertrophy  | realization     | 3 x 5-6 @ 8.5  | 150 s |
| conditioning | linear          | 3 x 10 @ 7     | 90 s  |
| conditioning | base            | 3 x 10-12 @ 7  | 90 s  |
| conditioning | build           | 3 x 8-10 @ 7.5 | 90 s  |

Accessories: 8-10 reps (strength), 10-12 (hypertrophy), 12-15 (conditioning), 90 s rest (60 s for
conditioning); timed holds 30-40 s.
Week to week inside a block: single progression adds 0.5 RPE a week (at most 8.5) at the same reps;
double progression keeps reps range and RPE (the trainee adds reps, then load); wave loading cycles
(+2 reps, -0.5 RPE), (base), (-1 rep, +0.5 RPE). Accessories use RIR: 2 in reserve (1 in intensification for
hypertrophy, 3 for beginners and conditioning). Deloads halve sets and cap effort at RPE 6.5 / 4 RIR.
Sessions of 30 minutes or less cap rest at 120 s for main lifts and 60 s for the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.models.enums import (
    ExerciseRole,
    ExperienceLevel,
    MesocyclePhase,
    MetricType,
    MovementPattern,
    ProgressionStyle,
)
from coach.movements.library import MovementSpec
from coach.training.draft import DraftExercise
from coach.training.periodization import Family
from coach.training.timing import TRANSITION_SECONDS

_PH = MesocyclePhase
DELOAD_RPE = 6.5
DELOAD_RIR = 4


@dataclass(frozen=True)
class Dose:
    sets: int
    rep_min: int
    rep_max: int
    rpe: float
    rest: int


MAIN_DOSES: dict[tuple[Family, MesocyclePhase], Dose] = {
    (Family.STRENGTH, _PH.LINEAR): Dose(3, 5, 5, 7.0, 150),
    (Family.STRENGTH, _PH.ACCUMULATION): Dose(4, 5, 6, 7.5, 180),
    (Family.STRENGTH, _PH.INTENSIFICATION): Dose(4, 3, 4, 8.0, 180),
    (Family.STRENGTH, _PH.REALIZATION): Dose(3, 2, 3, 8.5, 210),
    (Family.HYPERTROPHY, _PH.LINEAR): Dose(3, 8, 8, 7.0, 120),
    (Family.HYPERTROPHY, _PH.ACCUMULATION): Dose(3, 8, 10, 7.5, 120),
    (Family.HYPERTROPHY, _PH.INTENSIFICATION): Dose(4, 6, 8, 8.0, 150),
    (Family.HYPERTROPHY, _PH.REALIZATION): Dose(3, 5, 6, 8.5, 150),
    (Family.CONDITIONING, _PH.LINEAR): Dose(3, 10, 10, 7.0, 90),
    (Family.CONDITIONING, _PH.BASE): Dose(3, 10, 12, 7.0, 90),
    (Family.CONDITIONING, _PH.BUILD): Dose(3, 8, 10, 7.5, 90),
}
ACCESSORY_REPS: dict[Family, tuple[int, int]] = {
    Family.STRENGTH: (8, 10),
    Family.HYPERTROPHY: (10, 12),
    Family.CONDITIONING: (12, 15),
}
WAVE = ((2, -0.5), (0, 0.0), (-1, 0.5))
MAX_ROUNDS = 20
REST_BETWEEN_ROUNDS = 60


@dataclass(frozen=True)
class Prescriber:
    """Builds exercises with the numbers for one block of one plan."""

    family: Family
    phase: MesocyclePhase
    style: ProgressionStyle
    experience: ExperienceLevel
    rpe_cap: float
    short_session: bool

    def main(self, movement: MovementSpec, week_in_block: int) -> DraftExercise:
        dose = self._main_dose(week_in_block)
        rest = min(dose.rest, 120) if self.short_session else dose.rest
        top = 5 if self.family is Family.STRENGTH else 4
        if movement.metric_type in (MetricType.TIME, MetricType.DISTANCE):
            return DraftExercise(
                movement, ExerciseRole.MAIN, dose.sets, top, None, None, 40, None, 2, rest, dose.sets
            )
        return DraftExercise(
            movement,
            ExerciseRole.MAIN,
            dose.sets,
            top,
            dose.rep_min,
            dose.rep_max,
            None,
            min(dose.rpe, self.rpe_cap),
            None,
            rest,
            dose.sets,
        )

    def accessory(
        self, movement: MovementSpec, section: ExerciseRole = ExerciseRole.ACCESSORY
    ) -> DraftExercise:
        rest = 60 if self.short_session or self.family is Family.CONDITIONING else 90
        rir = self._accessory_rir()
        if movement.metric_type in (MetricType.TIME, MetricType.DISTANCE):
            seconds = 30 if self.experience is ExperienceLevel.BEGINNER else 40
            return DraftExercise(movement, section, 2, 4, None, None, seconds, None, rir, min(rest, 60))
        low, high = ACCESSORY_REPS[self.family]
        return DraftExercise(movement, section, 2, 4, low, high, None, None, rir, rest)

    def skill(self, movement: MovementSpec) -> DraftExercise:
        """Jumps and throws: few crisp reps, full rest, never to fatigue."""
        return DraftExercise(movement, ExerciseRole.SKILL, 3, 3, 3, 3, None, None, 4, 90, 3)

    def conditioning(self, movement: MovementSpec, section: ExerciseRole, seconds: int) -> DraftExercise:
        """Intervals (30 s hard, 60 s easy) for conditioning movements, one steady block for cardio."""
        if movement.pattern is not MovementPattern.CONDITIONING:
            return self.timed(movement, section, seconds)
        rounds = max(2, min(MAX_ROUNDS, int((seconds - TRANSITION_SECONDS + REST_BETWEEN_ROUNDS) // 90)))
        return DraftExercise(
            movement, section, rounds, rounds, None, None, 30, None, None, REST_BETWEEN_ROUNDS, rounds
        )

    def timed(self, movement: MovementSpec, section: ExerciseRole, seconds: int) -> DraftExercise:
        """One continuous block (warm-up, conditioning, cool-down)."""
        return DraftExercise(movement, section, 1, 1, None, None, max(30, seconds), None, None, 0, 1)

    def _main_dose(self, week_in_block: int) -> Dose:
        base = MAIN_DOSES.get((self.family, self.phase)) or MAIN_DOSES[(self.family, _PH.LINEAR)]
        if self.style is ProgressionStyle.SINGLE_PROGRESSION:
            rpe = min(8.5, base.rpe + 0.5 * (week_in_block - 1))
            return Dose(base.sets, base.rep_min, base.rep_max, rpe, base.rest)
        if self.style is ProgressionStyle.WAVE_LOADING:
            reps, effort = WAVE[(week_in_block - 1) % len(WAVE)]
            low = max(1, base.rep_min + reps)
            return Dose(base.sets, low, max(low, base.rep_max + reps), base.rpe + effort, base.rest)
        return base

    def _accessory_rir(self) -> int:
        # A capped RPE (pregnancy, hypertension) means at least that many reps in reserve.
        floor = math.ceil(10 - self.rpe_cap)
        if self.experience is ExperienceLevel.BEGINNER or self.family is Family.CONDITIONING:
            return max(3, floor)
        if self.family is Family.HYPERTROPHY and self.phase is _PH.INTENSIFICATION:
            return max(1, floor)
        return max(2, floor)


def deload(exercise: DraftExercise) -> DraftExercise:
    """The same exercise at half the sets (at least one) and easy effort."""
    easy = exercise.copy()
    if exercise.section in (ExerciseRole.MAIN, ExerciseRole.ACCESSORY, ExerciseRole.SKILL):
        easy.sets = max(1, exercise.sets // 2)
    elif exercise.section is ExerciseRole.FINISHER and exercise.duration_seconds and exercise.sets == 1:
        easy.duration_seconds = max(120, exercise.duration_seconds // 2)
    elif exercise.section is ExerciseRole.FINISHER:
        easy.sets = max(1, exercise.sets // 2)
    if easy.target_rpe is not None:
        easy.target_rpe = min(easy.target_rpe, DELOAD_RPE)
    if easy.target_rir is not None:
        easy.target_rir = max(easy.target_rir, DELOAD_RIR)
    return easy
