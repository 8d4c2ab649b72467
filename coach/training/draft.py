"""The mutable working state of a week while the generator fills it; frozen into blueprints at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coach.models.enums import ExerciseRole
from coach.movements.library import MovementSpec
from coach.training import timing
from coach.training.splits import SessionTemplate

# The order sections appear in a session.
SECTION_ORDER = (
    ExerciseRole.WARMUP,
    ExerciseRole.SKILL,
    ExerciseRole.MAIN,
    ExerciseRole.ACCESSORY,
    ExerciseRole.FINISHER,
    ExerciseRole.COOLDOWN,
)
WORK_SECTIONS = frozenset(
    {ExerciseRole.SKILL, ExerciseRole.MAIN, ExerciseRole.ACCESSORY, ExerciseRole.FINISHER}
)


@dataclass
class DraftExercise:
    movement: MovementSpec
    section: ExerciseRole
    sets: int
    max_sets: int
    rep_min: int | None
    rep_max: int | None
    duration_seconds: int | None
    target_rpe: float | None
    target_rir: int | None
    rest_seconds: int
    # Sets that feel like a full dose; the allocator fills these before starting another exercise.
    comfortable_sets: int = 3
    pinned: bool = False

    def work_seconds(self) -> float:
        return timing.set_work_seconds(self.movement, self.rep_min, self.rep_max, self.duration_seconds)

    def seconds(self) -> float:
        return timing.exercise_seconds(self.sets, self.work_seconds(), self.rest_seconds, self.section)

    def extra_set_seconds(self) -> float:
        return self.work_seconds() + self.rest_seconds

    def copy(self) -> DraftExercise:
        return DraftExercise(**{name: getattr(self, name) for name in self.__dataclass_fields__})


@dataclass
class DraftSession:
    date: date
    day_number: int
    template: SessionTemplate
    budget_seconds: float
    exercises: list[DraftExercise] = field(default_factory=list)

    def used_seconds(self) -> float:
        return sum(exercise.seconds() for exercise in self.exercises)

    def room(self) -> float:
        return self.budget_seconds - self.used_seconds()

    def slugs(self) -> set[str]:
        return {exercise.movement.slug for exercise in self.exercises}

    def groups_of_work(self) -> set[str]:
        return {exercise.movement.substitution_group for exercise in self.exercises}

    def work_count(self) -> int:
        return sum(1 for exercise in self.exercises if exercise.section in WORK_SECTIONS)

    def in_section(self, section: ExerciseRole) -> list[DraftExercise]:
        return [exercise for exercise in self.exercises if exercise.section is section]

    def ordered(self) -> list[DraftExercise]:
        return sorted(self.exercises, key=lambda exercise: SECTION_ORDER.index(exercise.section))
