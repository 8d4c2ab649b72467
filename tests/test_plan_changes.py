"""Changes a trainee asks for by text, applied to a real generated plan stored in PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.models import FitnessPlan, FitnessProfile, Trainee, TraineeMovementRule, Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, MovementRuleType, PlanStatus, TraineeStatus, WorkoutStatus
from coach.movements.library import load_library
from coach.training import changes
from coach.training.changes import NoSubstitute, WorkoutNotFound, WorkoutNotPending
from coach.training.changes_workload import estimate_minutes, trim_to
from coach.training.generator import generate_plan
from coach.training.persist import save_plan
from coach.training.profile import profile_from_records
from coach.training.selection import is_eligible
from tests import factories

START = date(2030, 1, 7)  # a Monday
LIBRARY = load_library()
SPECS = {m.slug: m for m in LIBRARY.movements}
EXAMPLE = json.loads((Path(__file__).parents[1] / "coach" / "training" / "example_profile.json").read_text())


def make_trainee(db: Session, **profile: Any) -> Trainee:
    """A trainee with the example profile (no knee limitation, so lower days get lunges) and a saved plan."""
    owner = factories.trainee(db, status=TraineeStatus.ACTIVE, training_days=EXAMPLE["training_days"])
    db.add(
        FitnessProfile(
            trainee_id=owner.id,
            goals=EXAMPLE["goals"],
            experience_level=EXAMPLE["experience"],
            equipment=profile.get("equipment", EXAMPLE["equipment"]),
            limitations=profile.get("limitations", []),
            days_per_week=EXAMPLE["days_per_week"],
            session_minutes=EXAMPLE["session_minutes"],
        )
    )
    db.add(
        TraineeMovementRule(
            trainee_id=owner.id,
            movement_id=factories.movement(db, "burpee").id,
            rule_type=MovementRuleType.HARD_NO,
        )
    )
    db.flush()
    db.refresh(owner)
    assert owner.profile is not None
    training = profile_from_records(owner, owner.profile, owner.movement_rules, EXAMPLE["e1rm_kg"])
    save_plan(db, owner.id, generate_plan(training, LIBRARY, START), units=owner.units)
    db.flush()
    return owner


def workout_on(db: Session, owner: Trainee, day: date) -> Workout:
    found = db.scalar(sa.select(Workout).where(Workout.trainee_id == owner.id, Workout.scheduled_date == day))
    assert found is not None
    return found


def exercise(workout: Workout, slug: str) -> WorkoutExercise:
    return next(row for row in workout.exercises if row.movement.slug == slug)


def slugs(workout: Workout) -> list[str]:
    return [row.movement.slug for row in workout.exercises]


def rule_out(db: Session, owner: Trainee, *names: str) -> None:
    for slug in names:
        db.add(
            TraineeMovementRule(
                trainee_id=owner.id,
                movement_id=factories.movement(db, slug).id,
                rule_type=MovementRuleType.HARD_NO,
            )
        )
    db.flush()
    db.expire(owner)


@pytest.fixture
def owner(db: Session) -> Trainee:
    return make_trainee(db)


@pytest.fixture
def upper(db: Session, owner: Trainee) -> Workout:
    workout = workout_on(db, owner, START)
    assert "bench_press" in slugs(workout)
    return workout


@pytest.fixture
def lower(db: Session, owner: Trainee) -> Workout:
    workout = workout_on(db, owner, START + timedelta(days=1))
    assert "dumbbell_reverse_lunge" in slugs(workout)
    return workout


def test_swap_keeps_the_substitution_group_and_the_prescription_and_shows_in_the_text(db, owner, upper):
    bench = exercise(upper, "bench_press")
    sets, reps, rpe = bench.sets, (bench.rep_min, bench.rep_max), bench.target_rpe
    assert bench.load_kg is not None
    result = changes.swap_exercise(
        db, owner.id, upper.id, "Barbell Bench Press", reason="bench is always taken"
    )
    assert result.old_movement == "Barbell Bench Press"
    new = SPECS[result.new_slug]
    assert new.substitution_group == "horizontal_press"
    assert set(new.equipment) <= {*EXAMPLE["equipment"], "bodyweight"}
    row = exercise(upper, result.new_slug)
    assert (row.sets, (row.rep_min, row.rep_max), row.target_rpe) == (sets, reps, rpe)
    assert row.load_kg is None and row.percent_e1rm is None
    db.flush()
    db.expire_all()
    stored = db.get(Workout, upper.id)
    assert stored is not None and stored.sms_text is not None
    assert f"{result.new_movement} {sets}x" in stored.sms_text and "@RPE" in stored.sms_text
    assert "\nBarbell Bench Press" not in stored.sms_text


def test_swap_respects_equipment_hard_no_and_limitations(db, owner, upper):
    assert owner.profile is not None
    owner.profile.equipment = ["dumbbell", "bench"]
    owner.profile.limitations = ["shoulder"]
    rule_out(db, owner, "dumbbell_floor_press")
    result = changes.swap_exercise(db, owner.id, upper.id, "bench_press")
    training = profile_from_records(owner, owner.profile, owner.movement_rules)
    new = SPECS[result.new_slug]
    assert is_eligible(new, training)
    assert result.new_slug != "dumbbell_floor_press"
    assert set(new.equipment) <= {"dumbbell", "bench", "bodyweight"}
    assert new.pattern is SPECS["bench_press"].pattern
    assert result.new_movement in (upper.sms_text or "")


def test_knee_hurts_swap_lunges_gives_a_replacement_that_spares_the_knee(db, owner, lower):
    before = lower.sms_text or ""
    result = changes.swap_exercise(db, owner.id, lower.id, "reverse lunge", reason="knee hurts, swap lunges")
    assert result.old_movement == "Dumbbell Reverse Lunge"
    new = SPECS[result.new_slug]
    assert "knee" not in new.joint_stress
    assert new.pattern.value not in {"mobility", "cardio", "conditioning", "plyometric"}
    assert "Dumbbell Reverse Lunge" in before
    assert "Dumbbell Reverse Lunge" not in (lower.sms_text or "")
    assert result.new_movement in (lower.sms_text or "")


def test_a_requested_replacement_is_checked_against_equipment_and_hard_no(db, owner, upper):
    with pytest.raises(NoSubstitute, match="needs kettlebell"):
        changes.swap_exercise(db, owner.id, upper.id, "bench_press", replacement_slug="kettlebell_swing")
    with pytest.raises(NoSubstitute, match="ruled out Burpee"):
        changes.swap_exercise(db, owner.id, upper.id, "bench_press", replacement_slug="burpee")
    with pytest.raises(NoSubstitute, match="loads your shoulder"):
        changes.swap_exercise(
            db, owner.id, upper.id, "bench_press", reason="shoulder", replacement_slug="dumbbell_bench_press"
        )
    result = changes.swap_exercise(
        db, owner.id, upper.id, "bench_press", replacement_slug="dumbbell_floor_press"
    )
    assert result.new_movement == "Dumbbell Floor Press"
    assert "Dumbbell Floor Press" in (upper.sms_text or "")


def test_an_impossible_swap_raises_no_substitute_and_changes_nothing(db, owner, upper):
    assert owner.profile is not None
    owner.profile.equipment = []
    text = upper.sms_text
    rule_out(db, owner, "table_inverted_row", "towel_door_row", "prone_ytw")
    with pytest.raises(NoSubstitute, match="No safe swap for Pull-Up without loading your elbow or shoulder"):
        changes.swap_exercise(db, owner.id, upper.id, "pull_up", reason="shoulder and elbow are sore")
    assert "pull_up" in slugs(upper)
    assert upper.sms_text == text


def test_another_trainees_workout_cannot_be_changed(db, owner, upper):
    stranger = make_trainee(db)
    text = upper.sms_text
    operations = [
        lambda: changes.swap_exercise(db, stranger.id, upper.id, "bench_press"),
        lambda: changes.move_workout(db, stranger.id, upper.id, START + timedelta(days=2), today=START),
        lambda: changes.skip_workout(db, stranger.id, upper.id),
        lambda: changes.shorten_workout(db, stranger.id, upper.id, 30),
        lambda: changes.adjust_difficulty(db, stranger.id, upper.id, "easier"),
    ]
    for operation in operations:
        with pytest.raises(WorkoutNotFound):
            operation()
    assert upper.sms_text == text and upper.status is WorkoutStatus.PENDING
    assert "bench_press" in slugs(upper)


def test_move_to_a_rest_day_or_a_training_day_re_dates_the_text(db, owner, upper):
    moved = changes.move_workout(db, owner.id, upper.id, START + timedelta(days=2), today=START)
    assert moved.scheduled_date == START + timedelta(days=2)
    assert (moved.sms_text or "").startswith("Wed Jan 9")
    moved = changes.move_workout(db, owner.id, upper.id, START + timedelta(days=8), today=START)
    assert moved.microcycle.week_number == 2
    assert (moved.sms_text or "").startswith("Tue Jan 15")
    db.flush()
    same_day = db.scalars(
        sa.select(Workout).where(
            Workout.trainee_id == owner.id, Workout.scheduled_date == START + timedelta(8)
        )
    ).all()
    assert len(same_day) == 2


def test_move_refuses_the_past_and_dates_after_the_plan(db, owner, upper):
    plan = upper.microcycle.mesocycle.plan
    with pytest.raises(ValueError, match="in the past"):
        changes.move_workout(
            db, owner.id, upper.id, START + timedelta(days=1), today=START + timedelta(days=2)
        )
    with pytest.raises(ValueError, match="outside your plan"):
        changes.move_workout(db, owner.id, upper.id, plan.end_date + timedelta(days=1), today=START)
    assert upper.scheduled_date == START


def test_skip_marks_the_workout_skipped_and_it_cannot_be_changed_after(db, owner, upper):
    result = changes.skip_workout(db, owner.id, upper.id)
    assert result.scheduled_date == START
    assert upper.status is WorkoutStatus.SKIPPED
    assert upper.sms_text and upper.sms_text.startswith("Mon Jan 7")
    with pytest.raises(WorkoutNotPending):
        changes.swap_exercise(db, owner.id, upper.id, "bench_press")


def test_shorten_drops_accessory_work_first_and_keeps_every_main_lift(db, owner, upper):
    mains = {row.movement.slug: row.sets for row in upper.exercises if row.section is ExerciseRole.MAIN}
    before = upper.estimated_minutes or 0
    accessories = [row.movement.name for row in upper.exercises if row.section is ExerciseRole.ACCESSORY]
    result = changes.shorten_workout(db, owner.id, upper.id, 35)
    assert result.fits and result.minutes_before == before > 35 >= result.minutes_after
    assert upper.estimated_minutes == result.minutes_after
    assert result.sets_removed > 0 and result.exercises_removed
    assert {
        row.movement.slug: row.sets for row in upper.exercises if row.section is ExerciseRole.MAIN
    } == mains
    for name in result.exercises_removed:
        assert name in accessories and name not in (upper.sms_text or "")
    db.flush()


def test_shorten_below_the_main_lifts_keeps_them_and_says_it_does_not_fit(db, owner, upper):
    result = changes.shorten_workout(db, owner.id, upper.id, 10)
    assert not result.fits
    assert {row.section for row in upper.exercises} <= {ExerciseRole.WARMUP, ExerciseRole.MAIN}
    assert "Barbell Bench Press" in (upper.sms_text or "")


def test_easier_lowers_effort_and_load_and_takes_an_accessory_set(db, owner, upper):
    bench = exercise(upper, "bench_press")
    load, rpe = bench.load_kg, bench.target_rpe
    assert load is not None and rpe is not None
    accessory = next(row for row in upper.exercises if row.section is ExerciseRole.ACCESSORY)
    sets, rir = accessory.sets, accessory.target_rir
    result = changes.adjust_difficulty(db, owner.id, upper.id, "easier")
    assert bench.target_rpe == rpe - 1
    assert bench.load_kg is not None and bench.load_kg < load and bench.load_kg % Decimal("2.5") == 0
    assert (accessory.sets, accessory.target_rir) == (sets - 1, (rir or 0) + 1)
    assert "Barbell Bench Press" in result.exercises_changed and result.sets_removed > 0
    assert f"Bench Press {bench.sets}x8-10 @ {float(bench.load_kg):g}kg" in (upper.sms_text or "")
    db.flush()


def test_harder_raises_effort_and_load_within_bounds(db, owner, upper):
    bench = exercise(upper, "bench_press")
    load = bench.load_kg
    assert load is not None
    changes.adjust_difficulty(db, owner.id, upper.id, "harder")
    assert bench.load_kg is not None and bench.load_kg > load
    assert f"@ {float(bench.load_kg):g}kg" in (upper.sms_text or "")
    for _ in range(4):
        changes.adjust_difficulty(db, owner.id, upper.id, "harder")
    assert bench.target_rpe == Decimal("9.5")
    for _ in range(8):
        changes.adjust_difficulty(db, owner.id, upper.id, "easier")
    assert bench.target_rpe == Decimal("5")
    assert all(row.sets >= 1 for row in upper.exercises)
    db.flush()


def test_harder_respects_the_rpe_cap_of_a_limitation(db):
    capped = make_trainee(db, limitations=["hypertension"])
    workout = workout_on(db, capped, START)
    for _ in range(3):
        changes.adjust_difficulty(db, capped.id, workout.id, "harder")
    efforts = [float(row.target_rpe) for row in workout.exercises if row.target_rpe is not None]
    assert efforts and max(efforts) <= 8.0
    assert all(10 - row.target_rir <= 8 for row in workout.exercises if row.target_rir is not None)


def test_pause_and_resume_change_the_plan_and_the_trainee(db, owner):
    plan = db.scalar(sa.select(FitnessPlan).where(FitnessPlan.trainee_id == owner.id))
    assert plan is not None
    paused = changes.pause_plan(db, owner.id)
    assert (paused.plan_status, paused.trainee_status, paused.changed) == (
        PlanStatus.PAUSED,
        TraineeStatus.PAUSED,
        True,
    )
    assert plan.status is PlanStatus.PAUSED and owner.status is TraineeStatus.PAUSED
    assert not changes.pause_plan(db, owner.id).changed
    resumed = changes.resume_plan(db, owner.id)
    assert (resumed.plan_status, resumed.trainee_status) == (PlanStatus.ACTIVE, TraineeStatus.ACTIVE)
    assert plan.status is PlanStatus.ACTIVE and owner.status is TraineeStatus.ACTIVE
    db.flush()


def test_pause_and_resume_never_opt_a_trainee_back_in(db, owner):
    owner.status = TraineeStatus.OPTED_OUT
    changes.pause_plan(db, owner.id)
    resumed = changes.resume_plan(db, owner.id)
    assert resumed.trainee_status is TraineeStatus.OPTED_OUT
    assert owner.status is TraineeStatus.OPTED_OUT


def test_pause_without_a_plan_is_plan_not_found(db):
    with pytest.raises(changes.PlanNotFound):
        changes.pause_plan(db, factories.trainee(db).id)


def test_when_the_extras_are_not_enough_the_cool_down_goes_then_warm_up_time_then_main_sets(db, owner, upper):
    def rows(section: ExerciseRole) -> list[tuple[str, int, int | None]]:
        return [
            (r.movement.slug, r.sets, r.duration_seconds) for r in upper.exercises if r.section is section
        ]

    last = max(row.position for row in upper.exercises)
    stretch = factories.movement(db, "childs_pose")
    upper.exercises.append(
        WorkoutExercise(
            movement=stretch, position=last + 1, section=ExerciseRole.COOLDOWN, sets=1, duration_seconds=300
        )
    )
    db.flush()
    mains, warm_up = rows(ExerciseRole.MAIN), rows(ExerciseRole.WARMUP)
    assert sum(seconds or 0 for *_, seconds in warm_up) > 5 * 60
    assert all(sets > 2 for _, sets, _ in mains)
    result = changes.shorten_workout(db, owner.id, upper.id, 20)
    assert result.fits and result.minutes_after <= 20
    assert not rows(ExerciseRole.COOLDOWN) and not rows(ExerciseRole.ACCESSORY)
    assert "Child's Pose" in result.exercises_removed
    shorter = rows(ExerciseRole.WARMUP)
    assert [slug for slug, *_ in shorter] == [slug for slug, *_ in warm_up]
    assert sum(seconds or 0 for *_, seconds in shorter) == 5 * 60
    assert all((seconds or 0) % 60 == 0 for *_, seconds in shorter)  # whole minutes, as the text shows them
    # every main lift stays, with fewer sets: the first one keeps the most
    kept = rows(ExerciseRole.MAIN)
    assert [slug for slug, *_ in kept] == [slug for slug, *_ in mains]
    assert all(2 <= sets < before for (_, sets, _), (_, before, _) in zip(kept, mains, strict=True))
    assert kept[0][1] >= kept[-1][1]
    assert f"{kept[0][1]}x" in (upper.sms_text or "")


def test_an_exercise_is_taken_out_only_when_it_loads_the_sore_joint_and_never_the_last_piece_of_work(
    db, owner, upper
):
    work = [row for row in upper.exercises if row.section in (ExerciseRole.MAIN, ExerciseRole.ACCESSORY)]
    shoulder = next(row for row in work if "shoulder" in row.movement.joint_stress)
    spares_knee = next(row for row in work if "knee" not in row.movement.joint_stress)
    for row, reason in ((shoulder, "bench is taken"), (shoulder, None), (spares_knee, "my knee hurts")):
        assert changes.take_out_if_it_hurts(db, owner.id, upper.id, row.id, reason) is None
    assert shoulder in upper.exercises and spares_knee in upper.exercises
    name = shoulder.movement.name
    assert changes.take_out_if_it_hurts(db, owner.id, upper.id, shoulder.id, "my shoulder hurts") == name
    assert shoulder not in upper.exercises and name not in (upper.sms_text or "")
    # the last piece of work stays, even when it hurts
    last = next(row for row in work if row is not shoulder)
    for row in work:
        if row not in (shoulder, last):
            upper.exercises.remove(row)
    joint = last.movement.joint_stress[0]
    assert changes.take_out_if_it_hurts(db, owner.id, upper.id, last.id, f"my {joint} hurts") is None
    assert last in upper.exercises


def test_a_recovery_day_asked_to_be_shorter_keeps_every_block_each_shorter(db):
    def block(slug: str, section: ExerciseRole, seconds: int, position: int) -> WorkoutExercise:
        return WorkoutExercise(
            movement=factories.movement(db, slug),
            section=section,
            sets=1,
            duration_seconds=seconds,
            position=position,
        )

    recovery = Workout(
        exercises=[
            block("cat_cow", ExerciseRole.WARMUP, 150, 1),
            block("thoracic_rotation", ExerciseRole.WARMUP, 150, 2),
            block("brisk_walk", ExerciseRole.FINISHER, 1590, 3),
            *(
                block(slug, ExerciseRole.COOLDOWN, 300, 4 + n)
                for n, slug in enumerate(("hip_90_90", "calf_stretch"))
            ),
        ]
    )
    before = estimate_minutes(recovery, LIBRARY)
    trimmed = trim_to(recovery, 25, LIBRARY)
    assert before > 40 and 23 <= estimate_minutes(recovery, LIBRARY) <= 25  # not cut far more than asked
    assert not trimmed.has_main_lifts and trimmed.exercises_removed == ()
    assert [row.movement.slug for row in recovery.exercises] == [
        "cat_cow",
        "thoracic_rotation",
        "brisk_walk",
        "hip_90_90",
        "calf_stretch",
    ]
    walk, *stretches = [row.duration_seconds or 0 for row in recovery.exercises[2:]]
    assert 60 <= walk < 1590 and all(60 <= seconds < 300 for seconds in stretches)
    assert all(seconds % 60 == 0 for seconds in (walk, *stretches))
    assert [row.duration_seconds for row in recovery.exercises[:2]] == [150, 150]  # the warm-up stays whole
