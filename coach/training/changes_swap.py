"""Which movement replaces an exercise the trainee wants swapped out, and why a requested one cannot.

Candidates are ranked: not already in the workout, then the same substitution group, then the same
pattern for the same main muscle, then a strength movement for the same region (the lower body counting as
one) whose main muscle the original works (a sore knee can rule out every lunge and squat, and a hip thrust
is what a coach would reach for next). A coach keeps the training effect: a movement that drops the load
(no barbell, dumbbell, kettlebell, machine or cable) and most of the effort comes last whatever its rank
(not a chair squat for a barbell squat when a hip thrust fits); within a rank, loaded work stays loaded,
then not a second lift of a kind the rest of the workout already has (no deadlift next to an RDL), then the
effort stays within a step, then the same main muscle, region and kind of movement, strength work for
strength work (conditioning for conditioning), then the closest effort, then the same discipline. Every
candidate passes ``is_eligible`` (equipment, limitations, skill, hard_no) and loads none of the joints the
trainee said hurt.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from coach.models import Movement, Workout, WorkoutExercise
from coach.models.enums import MetricType
from coach.movements.library import LibrarySpec, MovementSpec
from coach.training.limitations import allows, cns_rank
from coach.training.profile import TrainingProfile
from coach.training.selection import (
    LOWER_REGIONS,
    NOT_STRENGTH,
    SKILL_ORDER,
    is_eligible,
    skill_allowed,
)

# Words a trainee uses for a sore spot, mapped to the library's joint names.
JOINT_WORDS: dict[str, str] = {
    r"knees?": "knee",
    r"(lower |low )?back|spine|lumbar": "lower_back",
    r"shoulders?|rotator cuff": "shoulder",
    r"wrists?": "wrist",
    r"elbows?": "elbow",
    r"hips?|groin": "hip",
    r"ankles?|achilles": "ankle",
    r"neck": "neck",
}
TIMED = frozenset({MetricType.TIME, MetricType.DISTANCE})


class NoSubstitute(ValueError):
    """No movement can replace the exercise; the message says why, fit to send to the trainee."""


class ExerciseNotFound(LookupError):
    """The workout has no exercise matching the name the trainee or agent gave."""


def joints_named(reason: str | None) -> frozenset[str]:
    """Joints mentioned in a free-text reason: "knee hurts" -> {"knee"}."""
    text = (reason or "").lower()
    return frozenset(joint for words, joint in JOINT_WORDS.items() if re.search(rf"\b({words})\b", text))


def find_exercise(workout: Workout, slug_or_name: str, exercise_id: int | None = None) -> WorkoutExercise:
    """The exercise row `exercise_id` when given; else the exercise whose movement slug, name or alias
    matches, else a unique partial name match."""
    rows = workout.exercises
    if exercise_id is not None:
        found = [row for row in rows if row.id == exercise_id]
        if not found:
            raise ExerciseNotFound(f"no exercise {exercise_id} in this workout")
        return found[0]
    wanted = _normal(slug_or_name)
    exact = [
        row
        for row in rows
        if wanted
        in {_normal(row.movement.slug), _normal(row.movement.name), *map(_normal, row.movement.aliases)}
    ]
    if exact:
        return exact[0]
    stem = wanted.removesuffix("s")
    partial = [row for row in rows if stem and stem in _normal(row.movement.name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(row.movement.name for row in partial)
        raise ExerciseNotFound(f"'{slug_or_name}' matches several exercises: {names}")
    names = ", ".join(row.movement.name for row in rows)
    raise ExerciseNotFound(f"no '{slug_or_name}' in this workout (it has {names})")


def _normal(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


def why_not(movement: MovementSpec, profile: TrainingProfile, sore: Collection[str]) -> str | None:
    """Why this movement cannot be prescribed, in words for the trainee; None when it can."""
    missing = sorted(set(movement.equipment) - profile.available_equipment)
    if missing:
        return f"{movement.name} needs {', '.join(missing)}, which you don't have"
    if movement.slug in profile.hard_no:
        return f"you've ruled out {movement.name}"
    blocked = [item.value for item in profile.limitations if not allows(movement, [item])]
    if blocked:
        return f"{movement.name} isn't safe with your {', '.join(blocked)}".replace("_", " ")
    if not skill_allowed(movement, profile.experience):
        return f"{movement.name} is too advanced for now"
    loaded = sorted(set(movement.joint_stress) & set(sore))
    if loaded:
        return f"{movement.name} loads your {', '.join(loaded)}".replace("_", " ")
    return None


def choose_replacement(
    row: WorkoutExercise,
    profile: TrainingProfile,
    library: LibrarySpec,
    sore: Collection[str],
) -> MovementSpec:
    """The best movement to put in place of `row`; raises NoSubstitute when there is none."""
    original = row.movement
    in_workout = {other.movement.slug for other in row.workout.exercises}
    # the kinds of work the rest of the workout already has: not a second deadlift-type lift next to an RDL
    groups_in_workout = {
        other.movement.substitution_group for other in row.workout.exercises if other is not row
    }
    timed = row.duration_seconds is not None
    muscles = {original.primary_muscle.value, *original.secondary_muscles}
    strength = original.pattern not in NOT_STRENGTH

    def tier(m: MovementSpec) -> int | None:
        if m.substitution_group == original.substitution_group:
            return 0
        if m.pattern is original.pattern and m.primary_muscle is original.primary_muscle:
            return 1  # the same pattern for other muscles is no stand-in (a calf raise for a leg curl)
        if strength and m.pattern not in NOT_STRENGTH and _area(m) == _area(original):
            return 2 if m.primary_muscle.value in muscles else None
        return None

    ranked: list[tuple[tuple[object, ...], MovementSpec]] = []
    for m in _usable(library.movements, profile, sore, timed, original.slug):
        level = tier(m)
        if level is None:
            continue
        load_gap = abs(cns_rank(m.cns_load) - cns_rank(original.cns_load))
        unloads = _loaded(original) and not _loaded(m)
        key = (
            m.slug in in_workout,
            unloads and load_gap > 1,  # a last resort: a chair squat for a barbell squat
            level,
            unloads,
            m.substitution_group in groups_in_workout and m.substitution_group != original.substitution_group,
            load_gap > 1,
            m.primary_muscle is not original.primary_muscle,
            m.primary_region is not original.primary_region,
            m.compound is not original.compound,
            _conditioning(m) is not _conditioning(original),  # a hip thrust, not a swing, for a lunge
            load_gap,
            not _same_discipline(m, original),
            SKILL_ORDER.index(m.skill_level),
            m.slug,
        )
        ranked.append((key, m))
    if not ranked:
        hurting = f" without loading your {' or '.join(sorted(sore))}".replace("_", " ") if sore else ""
        raise NoSubstitute(
            f"No safe swap for {original.name}{hurting} with your equipment and limitations; "
            "better to leave it out that day."
        )
    return min(ranked, key=lambda item: item[0])[1]


ALL_DISCIPLINES = "All"
CONDITIONING = "conditioning"
# Equipment that carries an external load a trainee can add to (bands and bodyweight only assist or resist).
LOADING_EQUIPMENT = frozenset({"barbell", "dumbbell", "kettlebell", "machine", "cable"})


def _loaded(movement: MovementSpec | Movement) -> bool:
    return not LOADING_EQUIPMENT.isdisjoint(movement.equipment)


def _conditioning(movement: MovementSpec | Movement) -> bool:
    return movement.primary_discipline == CONDITIONING


def _same_discipline(a: MovementSpec | Movement, b: MovementSpec | Movement) -> bool:
    """ "All" (a movement every discipline uses) matches any."""
    return a.primary_discipline == b.primary_discipline or ALL_DISCIPLINES in (
        a.primary_discipline,
        b.primary_discipline,
    )


def _area(movement: MovementSpec | Movement) -> str:
    """The lower body as one area (a hip thrust can stand in for a lunge when the knee hurts), else the
    movement's region (a row does not stand in for a press: both work the upper back, but one pulls)."""
    region = movement.primary_region
    return "lower" if region in LOWER_REGIONS else region.value


def _usable(
    movements: Iterable[MovementSpec], profile: TrainingProfile, sore: Collection[str], timed: bool, slug: str
) -> Iterable[MovementSpec]:
    for m in movements:
        if m.slug == slug or (m.metric_type in TIMED) is not timed:
            continue
        if is_eligible(m, profile) and not set(m.joint_stress) & set(sore):
            yield m


def check_requested(
    movement: MovementSpec | None,
    slug: str,
    row: WorkoutExercise,
    profile: TrainingProfile,
    sore: Collection[str],
) -> MovementSpec:
    """The requested replacement, if it is a real movement the trainee may do in this slot."""
    if movement is None:
        raise NoSubstitute(f"'{slug}' is not a movement in the library")
    if movement.slug == row.movement.slug:
        raise NoSubstitute(f"{movement.name} is already the exercise")
    reason = why_not(movement, profile, sore)
    if reason is not None:
        raise NoSubstitute(f"Can't swap in {movement.name}: {reason}.")
    if (movement.metric_type in TIMED) is not (row.duration_seconds is not None):
        kind = "timed" if row.duration_seconds is not None else "counted in reps"
        raise NoSubstitute(f"Can't swap in {movement.name}: {row.movement.name} is {kind} and it is not.")
    return movement
