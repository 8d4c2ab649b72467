"""Plan length, mesocycle blocks and their phases.

* Length: ``profile.weeks`` when given; otherwise 8 weeks for beginners and 12 for everyone else, moved to
  the nearest multiple of ``deload_every`` inside 8..16 so every block ends on its deload (ties go longer).
* Blocks: consecutive runs of ``deload_every`` weeks; week ``w`` is a deload when ``w % deload_every == 0``.
  A remainder shorter than ``deload_every`` becomes a final block without a deload.
* Phases by goal family, spread evenly over the blocks in order:

  | trainee / primary goal                              | phases                                        |
  |-----------------------------------------------------|-----------------------------------------------|
  | beginner (any goal)                                 | linear                                        |
  | strength, hypertrophy, explosiveness, speed         | accumulation -> intensification               |
  | the same, advanced or expert                        | accumulation -> intensification -> realization |
  | endurance, fat_loss, mobility                       | base -> build                                 |

* Progression: beginners single progression (same reps, effort and load climb week to week),
  intermediates double progression (fixed load, reps climb through the range, then load goes up),
  advanced and expert wave loading (a 3-week rep/RPE wave inside each block).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coach.models.enums import ExperienceLevel, Goal, MesocyclePhase, ProgressionStyle
from coach.training.profile import TrainingProfile


class Family(StrEnum):
    """Goals that are programmed alike."""

    STRENGTH = "strength"
    HYPERTROPHY = "hypertrophy"
    CONDITIONING = "conditioning"


FAMILY_OF: dict[Goal, Family] = {
    Goal.STRENGTH: Family.STRENGTH,
    Goal.EXPLOSIVENESS: Family.STRENGTH,
    Goal.SPEED: Family.STRENGTH,
    Goal.HYPERTROPHY: Family.HYPERTROPHY,
    Goal.ENDURANCE: Family.CONDITIONING,
    Goal.FAT_LOSS: Family.CONDITIONING,
    Goal.MOBILITY: Family.CONDITIONING,
}

PHASE_FOCUS: dict[MesocyclePhase, str] = {
    MesocyclePhase.LINEAR: "learn the lifts and add a little load each week",
    MesocyclePhase.ACCUMULATION: "build work capacity with more sets at moderate effort",
    MesocyclePhase.INTENSIFICATION: "heavier loads and fewer reps to turn volume into strength",
    MesocyclePhase.REALIZATION: "peak: low reps, high effort, show the strength you built",
    MesocyclePhase.BASE: "aerobic base and movement quality at steady effort",
    MesocyclePhase.BUILD: "more density and effort on the base you built",
    MesocyclePhase.DELOAD: "recover: half the sets at easy effort",
}
DELOAD_FOCUS = "deload: half the sets at easy effort so you recover and come back stronger"


@dataclass(frozen=True)
class Block:
    phase: MesocyclePhase
    start_week: int
    week_count: int


def plan_weeks(profile: TrainingProfile) -> int:
    """Plan length in weeks (8..16)."""
    if profile.weeks is not None:
        return profile.weeks
    base = 8 if profile.experience is ExperienceLevel.BEGINNER else 12
    every = profile.deload_every
    multiples = [n for n in range(8, 17) if n % every == 0]
    return min(multiples, key=lambda n: (abs(n - base), -n)) if multiples else base


def is_deload_week(week: int, deload_every: int) -> bool:
    """Every deload_every-th week (4, 8, 12 ... by default) is a deload."""
    return week % deload_every == 0


def phases_for(profile: TrainingProfile) -> tuple[MesocyclePhase, ...]:
    """The phases the blocks move through, in order (see the table above)."""
    if profile.experience is ExperienceLevel.BEGINNER:
        return (MesocyclePhase.LINEAR,)
    if FAMILY_OF[profile.primary_goal] is Family.CONDITIONING:
        return (MesocyclePhase.BASE, MesocyclePhase.BUILD)
    if profile.experience in (ExperienceLevel.ADVANCED, ExperienceLevel.EXPERT):
        return (MesocyclePhase.ACCUMULATION, MesocyclePhase.INTENSIFICATION, MesocyclePhase.REALIZATION)
    return (MesocyclePhase.ACCUMULATION, MesocyclePhase.INTENSIFICATION)


def blocks(profile: TrainingProfile) -> list[Block]:
    """The mesocycles: runs of deload_every weeks, each with its phase."""
    weeks, every = plan_weeks(profile), profile.deload_every
    starts = list(range(1, weeks + 1, every))
    phases = phases_for(profile)
    return [
        Block(phases[index * len(phases) // len(starts)], start, min(every, weeks - start + 1))
        for index, start in enumerate(starts)
    ]


def progression_style(experience: ExperienceLevel) -> ProgressionStyle:
    """Single progression for beginners, double for intermediates, wave loading beyond."""
    if experience is ExperienceLevel.BEGINNER:
        return ProgressionStyle.SINGLE_PROGRESSION
    if experience is ExperienceLevel.INTERMEDIATE:
        return ProgressionStyle.DOUBLE_PROGRESSION
    return ProgressionStyle.WAVE_LOADING
