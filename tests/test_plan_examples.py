"""Concrete trainees and the plans they get, the text they receive, and the preview command."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from coach.messaging.text import encoding_of, segment_count
from coach.models.enums import (
    CNSLoad,
    Encoding,
    ExerciseRole,
    MesocyclePhase,
    MovementPattern,
    ProgressionStyle,
    SessionType,
    SplitTemplate,
    Units,
)
from coach.movements.library import load_library
from coach.training import preview_command
from coach.training.blueprint import MicrocycleBlueprint, PlanBlueprint
from coach.training.generator import generate_plan
from coach.training.intensity import load_for, percent_1rm
from coach.training.profile import ProfileError, TrainingProfile
from coach.training.render import render_workout
from coach.training.selection import UPPER_REGIONS
from coach.training.volume import MAJOR_GROUPS, weekly_sets

LIBRARY = load_library()
BY_SLUG = {m.slug: m for m in LIBRARY.movements}
MONDAY = date(2026, 11, 23)
MOBILITY = {m.slug for m in LIBRARY.movements if m.pattern is MovementPattern.MOBILITY}
FULL_GYM = ["barbell", "rack", "bench", "dumbbell", "kettlebell", "cable", "machine", "bands", "pullup_bar"]


# An intermediate lifter after muscle, four days a week in a full gym: upper / lower days.
UPPER_LOWER_LIFTER: dict[str, Any] = {
    "goals": [{"goal": "hypertrophy", "weight": 10}],
    "experience": "intermediate",
    "days_per_week": 4,
    "equipment": FULL_GYM,
}


def plan_for(start: date = MONDAY, **fields: Any) -> tuple[TrainingProfile, PlanBlueprint]:
    profile = TrainingProfile.from_mapping(fields)
    return profile, generate_plan(profile, LIBRARY, start)


def movements(plan: PlanBlueprint) -> set[str]:
    return {e.movement_slug for w in plan.workouts() for e in w.exercises}


def mains(micro: MicrocycleBlueprint) -> list[str]:
    return [e.movement_slug for w in micro.workouts for e in w.exercises if e.section is ExerciseRole.MAIN]


def major_sets(micro: MicrocycleBlueprint) -> dict[str, float]:
    sets = weekly_sets(
        (BY_SLUG[e.movement_slug], e.section, e.sets) for w in micro.workouts for e in w.exercises
    )
    return {group: sets[group] for group in MAJOR_GROUPS}


def test_a_beginner_with_dumbbells_and_a_bad_knee_gets_three_full_body_days_without_jumping():
    _profile, plan = plan_for(
        goals=[{"goal": "strength", "weight": 10}],
        experience="beginner",
        days_per_week=3,
        session_minutes=45,
        equipment=["dumbbell"],
        limitations=["knee"],
    )
    assert plan.split is SplitTemplate.FULL_BODY
    assert plan.progression_style is ProgressionStyle.SINGLE_PROGRESSION
    assert plan.weeks == 8
    assert {m.phase for m in plan.mesocycles} == {MesocyclePhase.LINEAR}
    assert [w.date.isoweekday() for w in next(plan.microcycles()).workouts] == [1, 3, 5]
    for slug in movements(plan):
        movement = BY_SLUG[slug]
        assert set(movement.equipment) <= {"dumbbell", "bodyweight"}, slug
        assert not {"high_impact", "jumping"} & set(movement.tags), slug
        assert not (
            "knee" in movement.joint_stress and movement.cns_load in (CNSLoad.HIGH, CNSLoad.VERY_HIGH)
        )
    assert "goblet_squat" in mains(next(plan.microcycles()))


def test_an_intermediate_hypertrophy_lifter_gets_upper_lower_days_in_the_volume_band():
    _, plan = plan_for(**UPPER_LOWER_LIFTER, session_minutes=75)
    weeks = list(plan.microcycles())
    assert plan.split is SplitTemplate.UPPER_LOWER
    assert plan.progression_style is ProgressionStyle.DOUBLE_PROGRESSION
    assert [w.session_type for w in weeks[0].workouts] == [SessionType.UPPER, SessionType.LOWER] * 2
    assert "bench_press" in mains(weeks[0]) and "barbell_back_squat" in mains(weeks[0])
    for week in weeks:
        if not week.is_deload:
            assert all(10 <= sets <= 20 for sets in major_sets(week).values()), major_sets(week)
    accessories = [
        {e.movement_slug for w in week.workouts for e in w.exercises if e.section is ExerciseRole.ACCESSORY}
        for week in weeks[:3]
    ]
    assert accessories[0] != accessories[1] != accessories[2]


def test_warm_ups_and_cool_downs_stretch_what_the_day_trains_and_spare_a_sore_knee():
    _, plan = plan_for(**UPPER_LOWER_LIFTER, session_minutes=60, limitations=["knee"])
    cool_downs = 0
    for workout in list(plan.workouts())[:8]:
        drills = [
            BY_SLUG[e.movement_slug]
            for e in workout.exercises
            if e.section in (ExerciseRole.WARMUP, ExerciseRole.COOLDOWN) and e.movement_slug in MOBILITY
        ]
        cool_downs += any(
            e.section is ExerciseRole.COOLDOWN and e.movement_slug in MOBILITY for e in workout.exercises
        )
        assert not [m.slug for m in drills if "knee" in m.joint_stress], workout.date
        upper_day = workout.session_type is SessionType.UPPER
        assert all((m.primary_region in UPPER_REGIONS) is upper_day for m in drills), (
            workout.date,
            [m.slug for m in drills],
        )
    assert cool_downs >= 4  # the week's mobility cool-downs are checked too, not only the warm-ups


def test_an_advanced_strength_lifter_with_known_maxes_gets_kilo_loads_on_a_wave():
    maxes = {
        "barbell_back_squat": 180.0,
        "bench_press": 125.0,
        "conventional_deadlift": 220.0,
        "overhead_press": 80,
    }
    _, plan = plan_for(
        goals=[{"goal": "strength", "weight": 10}],
        experience="advanced",
        days_per_week=6,
        session_minutes=75,
        equipment=FULL_GYM,
        e1rm_kg=maxes,
    )
    assert plan.split is SplitTemplate.PPL
    assert plan.progression_style is ProgressionStyle.WAVE_LOADING
    assert [m.phase for m in plan.mesocycles][-1] is MesocyclePhase.REALIZATION
    loaded = [
        e
        for w in plan.workouts()
        for e in w.exercises
        if e.movement_slug in maxes and e.section.value == "main"
    ]
    assert loaded and all(e.load_kg is not None and e.load_kg % 2.5 == 0 for e in loaded)
    for exercise in loaded:
        assert exercise.rep_min is not None and exercise.target_rpe is not None
        exact = maxes[exercise.movement_slug] * percent_1rm(exercise.rep_min, exercise.target_rpe) / 100
        assert abs(exercise.load_kg - exact) <= 1.25  # type: ignore[operator]
    first_block = plan.mesocycles[0].microcycles
    squat_rpe = [
        next(e.target_rpe for w in m.workouts for e in w.exercises if e.movement_slug == "barbell_back_squat")
        for m in first_block[:3]
    ]
    assert squat_rpe == [7.0, 7.5, 8.0]


def test_a_home_trainee_with_nothing_but_bodyweight_trains_every_major_group_twice_a_week():
    _, plan = plan_for(
        goals=[{"goal": "fat_loss", "weight": 6}, {"goal": "strength", "weight": 4}],
        experience="beginner",
        days_per_week=2,
        session_minutes=40,
        equipment=[],
    )
    assert all(BY_SLUG[slug].equipment == ["bodyweight"] for slug in movements(plan))
    for week in plan.microcycles():
        assert len(week.workouts) == 2
        if not week.is_deload:
            assert all(sets >= 4 for sets in major_sets(week).values()), major_sets(week)


def test_a_seven_day_endurance_trainee_gets_six_training_days_and_one_recovery_day():
    _, plan = plan_for(
        goals=[{"goal": "endurance", "weight": 10}],
        experience="intermediate",
        days_per_week=7,
        session_minutes=50,
        equipment=["dumbbell", "bike", "rower"],
        enjoyable_activities=["cycling"],
    )
    assert [m.phase for m in plan.mesocycles] == [MesocyclePhase.BASE] * 2 + [MesocyclePhase.BUILD]
    for week in plan.microcycles():
        kinds = [w.session_type for w in week.workouts]
        assert len(kinds) == 7 and kinds.count(SessionType.RECOVERY) == 1
        recovery = next(w for w in week.workouts if w.session_type is SessionType.RECOVERY)
        assert not [e for e in recovery.exercises if e.section in (ExerciseRole.MAIN, ExerciseRole.ACCESSORY)]
    first = next(plan.microcycles())
    finishers = [
        e.movement_slug for w in first.workouts for e in w.exercises if e.section is ExerciseRole.FINISHER
    ]
    assert "stationary_bike" in finishers or "air_bike_sprint" in finishers


def test_pregnancy_rules_out_lying_flat_impact_and_breath_holding_and_caps_effort():
    _, plan = plan_for(
        goals=[{"goal": "strength", "weight": 5}, {"goal": "mobility", "weight": 5}],
        experience="intermediate",
        days_per_week=3,
        session_minutes=45,
        equipment=FULL_GYM,
        limitations=["pregnancy"],
    )
    banned = {"supine", "prone", "high_impact", "jumping", "valsalva", "inverted"}
    for workout in plan.workouts():
        for exercise in workout.exercises:
            movement = BY_SLUG[exercise.movement_slug]
            assert not banned & set(movement.tags), movement.slug
            assert movement.cns_load is not CNSLoad.VERY_HIGH
            assert exercise.target_rpe is None or exercise.target_rpe <= 7
            assert exercise.target_rir is None or exercise.target_rir >= 3


def test_a_must_have_the_trainee_cannot_do_is_reported_not_forced_in():
    _, plan = plan_for(
        goals=[{"goal": "strength", "weight": 10}],
        days_per_week=3,
        session_minutes=45,
        equipment=["dumbbell"],
        hard_yes=["bench_press", "bent_over_dumbbell_row"],
    )
    assert "bench_press" not in movements(plan)
    assert any("bench_press" in note for note in plan.notes)
    weekly = [{e.movement_slug for w in m.workouts for e in w.exercises} for m in plan.microcycles()]
    assert all("bent_over_dumbbell_row" in week for week in weekly)


def test_a_typical_session_text_fits_three_gsm7_segments():
    _, plan = plan_for(
        goals=[{"goal": "hypertrophy", "weight": 10}],
        experience="intermediate",
        days_per_week=4,
        session_minutes=60,
        equipment=FULL_GYM,
        e1rm_kg={"bench_press": 100},
    )
    first = next(plan.workouts())
    text = render_workout(first, Units.KG, "accumulation")
    lines = text.splitlines()
    assert lines[0] == "Mon Nov 23 - Upper body (hypertrophy)"
    assert lines[1].startswith("Warm-up")
    assert any(re.fullmatch(r"Barbell Bench Press \dx8-10 @ \d+(\.5)?kg", line) for line in lines), lines
    assert lines[-1].startswith("Why: accumulation")
    assert encoding_of(text) is Encoding.GSM7 and segment_count(text) <= 3
    assert "×" not in text
    for workout in plan.workouts():
        rendered = render_workout(workout, Units.LB, "accumulation")
        assert encoding_of(rendered) is Encoding.GSM7 and segment_count(rendered) <= 3


def test_loads_show_in_pounds_for_pound_trainees():
    assert load_for(100, 5, 8, Units.KG) == 80.0
    pounds = load_for(100, 5, 8, Units.LB)
    assert round(pounds / 0.45359237) % 5 == 0
    assert percent_1rm(1, 10) == 100.0
    assert percent_1rm(5, 8) == 81.1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"goals": [{"goal": "strength", "weight": 9}]}, "sum to 10"),
        ({"training_days": [1, 2]}, "training_days has 2 days"),
        ({"equipment": ["spaceship"]}, "unknown equipment"),
        ({"limitations": ["everything"]}, "limitations.0"),
    ],
)
def test_a_bad_profile_is_refused_with_a_one_line_reason(fields: dict[str, Any], reason: str):
    data = {
        "goals": [{"goal": "strength", "weight": 10}],
        "days_per_week": 3,
        "session_minutes": 45,
        **fields,
    }
    with pytest.raises(ProfileError) as caught:
        TrainingProfile.from_json(json.dumps(data))
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_the_preview_command_prints_the_example_profile_plan_as_json(capsys: pytest.CaptureFixture[str]):
    example = resources.files("coach.training").joinpath("example_profile.json")
    assert preview_command.main(["--profile", str(example), "--start", "2026-11-23"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["start_date"] == "2026-11-23" and plan["split"] == "upper_lower"
    exercise = plan["mesocycles"][0]["microcycles"][0]["workouts"][0]["exercises"][2]
    assert {
        "movement_name",
        "pattern",
        "equipment",
        "sets",
        "rep_min",
        "target_rpe",
        "load_kg",
        "rest_seconds",
    } <= set(exercise)
    assert exercise["estimated_minutes"] > 0


def test_the_preview_command_rejects_a_bad_profile_with_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    bad = tmp_path / "profile.json"
    bad.write_text(json.dumps({"goals": [{"goal": "strength", "weight": 10}], "days_per_week": 9}))
    assert preview_command.main(["--profile", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "days_per_week" in err
