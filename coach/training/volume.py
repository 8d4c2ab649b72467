"""Weekly hard sets per muscle group, and the band each goal aims for.

Counting: every set of a main or accessory exercise (the "hard sets") counts 1 toward the group of the
movement's primary muscle and 0.5 toward each other group among its secondary muscles (a group is credited
once per set, at its best rate: a squat gives quads 1 and hamstrings/glutes 0.5). Warm-up, skill (jumps,
throws), finisher and cool-down work is not counted: it is low-fatigue or conditioning.

Bands (weekly sets for each major group, inclusive):

| primary goal                       | band    |
|------------------------------------|---------|
| hypertrophy                        | 10 - 20 |
| strength, explosiveness, speed     | 6 - 12  |
| strength, advanced or expert       | 8 - 16  |
| fat_loss                           | 6 - 14  |
| endurance, mobility                | 4 - 10  |
| any goal, beginner                 | at most 6 - 12 (the lower of the two at each end) |

The ceiling is never passed. The floor is a target that gives way, and a major group may end a week under
it only for one of these reasons:

* time: every session that week that trains the group is full (its easy cool-down filler is at most
  ``FULL_SESSION_SPARE_MINUTES``), as with two 20-minute sessions and a hypertrophy goal;
* the ceiling of another group: some other major group is within one set of its ceiling, so the
  movements for this group (which also work that one, e.g. presses and front delts) cannot be added;
* the library: the trainee has no eligible movement for the group (equipment and limitations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from coach.models.enums import ExerciseRole, ExperienceLevel, Goal, PrimaryMuscle, SessionType
from coach.movements.library import MovementSpec

_M = PrimaryMuscle
MAJOR_GROUPS: Mapping[str, frozenset[PrimaryMuscle]] = MappingProxyType(
    {
        "chest": frozenset({_M.CHEST}),
        "back": frozenset({_M.LATS, _M.UPPER_BACK}),
        "quads": frozenset({_M.QUADRICEPS}),
        "hamstrings_glutes": frozenset({_M.HAMSTRINGS, _M.GLUTES}),
        "shoulders": frozenset({_M.FRONT_DELTS, _M.SIDE_DELTS, _M.REAR_DELTS}),
    }
)
MINOR_GROUPS: Mapping[str, frozenset[PrimaryMuscle]] = MappingProxyType(
    {
        "biceps": frozenset({_M.BICEPS}),
        "triceps": frozenset({_M.TRICEPS}),
        "calves": frozenset({_M.CALVES}),
        "core": frozenset({_M.CORE, _M.OBLIQUES}),
    }
)
GROUP_OF: Mapping[PrimaryMuscle, str] = MappingProxyType(
    {
        muscle: group
        for groups in (MAJOR_GROUPS, MINOR_GROUPS)
        for group, ms in groups.items()
        for muscle in ms
    }
)
COUNTED_SECTIONS = frozenset({ExerciseRole.MAIN, ExerciseRole.ACCESSORY})
SECONDARY_CREDIT = 0.5
FULL_SESSION_SPARE_MINUTES = 5.0
MINOR_WEEKLY_SETS = 6

# Which groups a session of each type trains (accessories are only chosen for these).
SESSION_GROUPS: Mapping[SessionType, tuple[str, ...]] = MappingProxyType(
    {
        SessionType.FULL_BODY: (*MAJOR_GROUPS, *MINOR_GROUPS),
        SessionType.UPPER: ("chest", "back", "shoulders", "biceps", "triceps"),
        SessionType.LOWER: ("quads", "hamstrings_glutes", "calves", "core"),
        SessionType.PUSH: ("chest", "shoulders", "triceps"),
        SessionType.PULL: ("back", "shoulders", "biceps"),
        SessionType.LEGS: ("quads", "hamstrings_glutes", "calves", "core"),
        SessionType.RECOVERY: (),
    }
)

_BANDS: dict[Goal, tuple[int, int]] = {
    Goal.HYPERTROPHY: (10, 20),
    Goal.STRENGTH: (6, 12),
    Goal.EXPLOSIVENESS: (6, 12),
    Goal.SPEED: (6, 12),
    Goal.FAT_LOSS: (6, 14),
    Goal.ENDURANCE: (4, 10),
    Goal.MOBILITY: (4, 10),
}
_BEGINNER_BAND = (6, 12)
_ADVANCED_STRENGTH_BAND = (8, 16)


def volume_band(goal: Goal, experience: ExperienceLevel) -> tuple[int, int]:
    """Weekly hard sets per major group for this goal and experience."""
    low, high = _BANDS[goal]
    if goal is Goal.STRENGTH and experience in (ExperienceLevel.ADVANCED, ExperienceLevel.EXPERT):
        return _ADVANCED_STRENGTH_BAND
    if experience is ExperienceLevel.BEGINNER:
        return min(low, _BEGINNER_BAND[0]), min(high, _BEGINNER_BAND[1])
    return low, high


def set_credit(movement: MovementSpec) -> dict[str, float]:
    """What one hard set of this movement adds to each group."""
    credit: dict[str, float] = {}
    for muscle in movement.secondary_muscles:
        group = GROUP_OF.get(muscle)
        if group is not None:
            credit[group] = SECONDARY_CREDIT
    primary = GROUP_OF.get(movement.primary_muscle)
    if primary is not None:
        credit[primary] = 1.0
    return credit


def weekly_sets(work: Iterable[tuple[MovementSpec, ExerciseRole, int]]) -> dict[str, float]:
    """Hard sets per group for (movement, section, sets) entries of one week."""
    totals: dict[str, float] = dict.fromkeys((*MAJOR_GROUPS, *MINOR_GROUPS), 0.0)
    for movement, section, sets in work:
        if section not in COUNTED_SECTIONS:
            continue
        for group, credit in set_credit(movement).items():
            totals[group] += credit * sets
    return totals
