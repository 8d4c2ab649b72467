"""Which movement the coach puts in place of one a trainee wants swapped: what a coach would reach for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coach.models.enums import ExperienceLevel, Goal
from coach.movements.library import EQUIPMENT, MovementSpec, load_library
from coach.training import changes_swap
from coach.training.profile import GoalWeight, TrainingProfile
from coach.training.selection import LOWER_REGIONS

LIBRARY = load_library()
SPECS = {m.slug: m for m in LIBRARY.movements}
FULL_GYM = TrainingProfile(
    goals=[GoalWeight(goal=Goal.HYPERTROPHY, weight=10)],
    experience=ExperienceLevel.INTERMEDIATE,
    days_per_week=4,
    session_minutes=60,
    equipment=sorted(EQUIPMENT),
)
EFFORT = ("very_low", "low", "moderate", "high", "very_high")


def replacement(
    slug: str, sore: list[str], profile: TrainingProfile = FULL_GYM, beside: tuple[str, ...] = ()
) -> MovementSpec:
    """The movement put in place of `slug` in a workout that also has the movements `beside`."""
    workout = SimpleNamespace(exercises=[])
    row = SimpleNamespace(movement=SPECS[slug], duration_seconds=None, workout=workout)
    workout.exercises = [row, *(SimpleNamespace(movement=SPECS[other]) for other in beside)]
    return changes_swap.choose_replacement(row, profile, LIBRARY, sore)  # type: ignore[arg-type]


def effort_gap(a: MovementSpec, b: MovementSpec) -> int:
    return abs(EFFORT.index(a.cns_load.value) - EFFORT.index(b.cns_load.value))


@pytest.mark.parametrize("slug", ["dumbbell_walking_lunge", "barbell_back_squat", "leg_press"])
def test_a_sore_knee_keeps_loaded_leg_work_loaded_not_a_chair_squat(slug: str) -> None:
    original, new = SPECS[slug], replacement(slug, ["knee"])
    assert "knee" not in new.joint_stress
    assert new.primary_region in LOWER_REGIONS
    assert changes_swap.LOADING_EQUIPMENT & set(new.equipment), f"{new.name} carries no load"
    assert effort_gap(original, new) <= 1 or new.cns_load.value in ("high", "very_high"), new.name


def test_a_lunge_for_a_sore_knee_becomes_strength_work_for_the_same_muscles_not_a_ballistic_swing() -> None:
    original, new = SPECS["dumbbell_walking_lunge"], replacement("dumbbell_walking_lunge", ["knee"])
    assert new.primary_muscle.value in {original.primary_muscle.value, *original.secondary_muscles}
    assert new.primary_discipline == original.primary_discipline


def test_at_home_with_dumbbells_a_sore_knee_gets_a_hip_thrust_kind_of_move_not_a_swing() -> None:
    home = FULL_GYM.model_copy(
        update={"experience": ExperienceLevel.BEGINNER, "equipment": ["dumbbell", "bench"]}
    )
    original = SPECS["dumbbell_reverse_lunge"]
    new = replacement("dumbbell_reverse_lunge", ["knee"], home)
    assert "knee" not in new.joint_stress and set(new.equipment) <= {"dumbbell", "bench", "bodyweight"}
    assert new.primary_discipline == original.primary_discipline, new.name
    assert changes_swap.LOADING_EQUIPMENT & set(new.equipment), new.name


def test_with_only_kettlebells_a_sore_knee_gets_a_deadlift_kind_of_move_not_a_swing() -> None:
    # The kettlebell deadlift's discipline is "All", which matches the lunge's: the swing must not win on it.
    only_kettlebells = FULL_GYM.model_copy(update={"equipment": ["kettlebell"]})
    new = replacement("dumbbell_walking_lunge", ["knee"], only_kettlebells)
    assert new.substitution_group != SPECS["kettlebell_swing"].substitution_group, new.name
    assert changes_swap.LOADING_EQUIPMENT & set(new.equipment), new.name


@pytest.mark.parametrize("slug", ["conventional_deadlift", "romanian_deadlift", "dumbbell_romanian_deadlift"])
def test_a_sore_back_gets_hip_work_that_spares_the_back_not_another_deadlift(slug: str) -> None:
    # A staggered or single-leg RDL still hinges a loaded spine: the library lists the lower back for it.
    new = replacement(slug, ["lower_back"])
    assert "lower_back" not in new.joint_stress, new.name
    assert "deadlift" not in new.slug and "rdl" not in new.slug, new.name


def test_the_same_pattern_stands_in_only_for_the_same_main_muscle() -> None:
    # "isolation" covers curls, calf raises and flyes alike: a knee-sore leg curl stays hamstring work.
    home = FULL_GYM.model_copy(update={"equipment": ["dumbbell", "bench"]})
    original = SPECS["lying_leg_curl"]
    new = replacement("lying_leg_curl", ["knee"], home)
    assert new.primary_muscle is original.primary_muscle, new.name


def test_a_squat_is_not_replaced_by_a_second_lift_of_a_kind_the_workout_already_has() -> None:
    # A lower-body day with an RDL: a knee-sore squat becomes a hip thrust, not a deadlift beside the RDL.
    alone = replacement("barbell_back_squat", ["knee"])
    beside_rdl = replacement("barbell_back_squat", ["knee"], beside=("romanian_deadlift",))
    assert beside_rdl.substitution_group != SPECS["romanian_deadlift"].substitution_group, beside_rdl.name
    assert effort_gap(SPECS["barbell_back_squat"], beside_rdl) <= 2, beside_rdl.name  # not a light back raise
    assert alone != beside_rdl  # without the RDL the best pick is of that kind: the test tests something
    assert "knee" not in beside_rdl.joint_stress


def test_a_barbell_press_is_swapped_for_a_loaded_press_not_a_handstand_push_up() -> None:
    original, new = SPECS["overhead_press"], replacement("overhead_press", [])
    assert new.pattern is original.pattern and new.primary_muscle is original.primary_muscle
    assert changes_swap.LOADING_EQUIPMENT & set(new.equipment), new.name


def test_a_press_is_not_replaced_by_a_pull_when_the_shoulder_rules_out_every_press() -> None:
    with pytest.raises(changes_swap.NoSubstitute, match="leave it out"):
        replacement("overhead_press", ["shoulder"])


def test_a_lighter_stand_in_of_the_same_kind_is_kept_when_it_is_within_a_step_of_the_effort() -> None:
    # An elbow complaint: a band curl (same exercise, lighter) over a loaded wrist curl for other muscles.
    original, new = SPECS["dumbbell_curl"], replacement("dumbbell_curl", ["elbow"])
    assert new.substitution_group == original.substitution_group
    assert new.primary_muscle is original.primary_muscle


def test_bodyweight_work_may_become_loaded_work() -> None:
    new = replacement("dip", ["shoulder"])  # nothing is lost by adding a load a trainee can pick
    assert "shoulder" not in new.joint_stress
    assert new.primary_muscle.value in {SPECS["dip"].primary_muscle.value, *SPECS["dip"].secondary_muscles}
