"""The fast path's swap against a real saved plan: which exercises it changes, for what, and what it says.

The plan (tests/test_agent_fast_path.py's example) trains Mon Jan 7 (upper: Barbell Bench Press, Pull-Up,
Dumbbell Fly, Dumbbell Pullover, Dumbbell Floor Press, ..., Dumbbell Curl), Tue Jan 8 (lower: Barbell Back
Squat, Romanian Deadlift, Goblet Lateral Lunge, Dumbbell Reverse Lunge, ..., a Deep Squat Hold to cool
down), Thu Jan 10 and Fri Jan 11 (Conventional Deadlift, ...).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.fast_swap import PAIN_ADVICE
from coach.config import Settings
from coach.models import Movement, Workout, WorkoutExercise
from coach.models.enums import WorkoutStatus
from coach.movements.library import load_library
from coach.training import changes
from tests.test_agent_fast_path import (
    FRIDAY,
    MONDAY,
    TUESDAY,
    WEDNESDAY,
    answered,
    at,
    make_trainee,
    say,
    workout_on,
)

LIBRARY = {movement.slug: movement for movement in load_library().movements}


def names(workout: Workout) -> list[str]:
    return [row.movement.name for row in workout.exercises]


def rows_named(workout: Workout, *wanted: str) -> list[WorkoutExercise]:
    return [row for row in workout.exercises if row.movement.name in wanted]


def test_knee_hurts_swap_lunges_swaps_every_lunge_of_the_next_workout_for_knee_friendly_ones(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    monday_before = names(workout_on(db, owner, MONDAY))
    tuesday = workout_on(db, owner, TUESDAY)
    lunges = rows_named(tuesday, "Goblet Lateral Lunge", "Dumbbell Reverse Lunge")  # swapped in place
    body = answered(say(db, owner, settings, "Knee hurts, swap lunges", now=at(MONDAY, 7)), "fast:swap")
    new = [row.movement for row in lunges]
    assert len(new) == 2 and not any("Lunge" in movement.name for movement in new)
    assert all("knee" not in LIBRARY[movement.slug].joint_stress for movement in new)
    assert len({movement.slug for movement in new}) == 2  # two different movements, not one twice
    assert body == (
        f"Done: {new[0].name} instead of Goblet Lateral Lunge and {new[1].name} instead of Dumbbell Reverse "
        "Lunge in tomorrow's workout, easier on your knee. Same sets and reps; start light and find your "
        f"weight. {PAIN_ADVICE}"
    )
    assert "Lunge" not in (tuesday.sms_text or "") and new[0].name in (tuesday.sms_text or "")
    assert names(workout_on(db, owner, MONDAY)) == monday_before


def test_squats_means_the_squat_not_the_cool_down_stretch(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    tuesday = workout_on(db, owner, TUESDAY)
    body = answered(say(db, owner, settings, "swap squats, my back is sore", now=at(MONDAY, 7)), "fast:swap")
    assert "Barbell Back Squat" not in names(tuesday) and "Deep Squat Hold" in names(tuesday)
    assert " instead of Barbell Back Squat in tomorrow's workout, easier on your lower back. " in body


def test_a_swap_in_todays_workout_comes_with_the_workout_as_it_is_now(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "can you swap the curls", now=at(MONDAY, 7)), "fast:swap")
    monday = workout_on(db, owner, MONDAY)
    assert "Dumbbell Curl" not in names(monday)
    assert body.startswith("Done: ") and " instead of Dumbbell Curl in today's workout. " in body
    assert PAIN_ADVICE not in body  # no pain was mentioned
    assert body.endswith(f"\n\n{monday.sms_text}")


def test_a_named_replacement_goes_in_on_the_day_named(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(
        say(db, owner, settings, "swap tuesday's squats for leg press", now=at(MONDAY, 7)), "fast:swap"
    )
    assert body.startswith("Done: Leg Press instead of Barbell Back Squat in tomorrow's workout.")
    assert "Leg Press" in names(workout_on(db, owner, TUESDAY))


def test_a_replacement_the_trainee_cannot_do_is_refused_and_nothing_changes(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    before = names(workout_on(db, owner, TUESDAY))
    text = f"knee is sore, swap squats for {LIBRARY['kettlebell_goblet_squat'].name}"
    body = answered(say(db, owner, settings, text, now=at(MONDAY, 7)), "fast:swap_refused")
    assert "needs kettlebell" in body and body.endswith(PAIN_ADVICE)
    assert names(workout_on(db, owner, TUESDAY)) == before


def test_a_sore_joint_with_no_safe_stand_in_takes_the_exercise_out(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    thursday = workout_on(db, owner, MONDAY + timedelta(days=3))
    before = names(thursday)
    assert "Barbell Overhead Press" in before
    text = "my shoulder hurts, swap overhead press"
    body = answered(say(db, owner, settings, text, now=at(MONDAY, 7)), "fast:swap_dropped")
    assert body == (
        "Nothing I have stands in for Barbell Overhead Press without loading your shoulder, so I've taken it "
        f"out of Thursday's workout. {PAIN_ADVICE}"
    )
    assert names(thursday) == [name for name in before if name != "Barbell Overhead Press"]
    assert "Overhead Press" not in (thursday.sms_text or "")


def test_a_singular_name_that_fits_two_exercises_asks_which_one(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    before = names(workout_on(db, owner, MONDAY))
    body = answered(say(db, owner, settings, "swap press today", now=at(MONDAY, 7)), "fast:swap_which")
    assert (
        body
        == "Which one: Barbell Bench Press or Dumbbell Floor Press? Text e.g. 'swap barbell bench press'."
    )
    lunge = answered(say(db, owner, settings, "swap lunge for step up", now=at(MONDAY, 8)), "fast:swap_which")
    assert lunge.startswith("Which one: Dumbbell Reverse Lunge or Goblet Lateral Lunge?")
    assert names(workout_on(db, owner, MONDAY)) == before


def test_an_exercise_not_in_the_coming_workouts_gets_a_plain_answer(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    thrust = LIBRARY["hip_thrust"].name
    body = answered(say(db, owner, settings, "swap the hip thrusts", now=at(MONDAY, 7)), "fast:swap_none")
    assert body == f"There's no {thrust} left in your workouts this coming week, so nothing to swap."
    rest = answered(say(db, owner, settings, "swap the curls today", now=at(WEDNESDAY, 7)), "fast:swap_none")
    assert rest == "There's no Barbell Curl left in your workouts today, so nothing to swap."


def test_a_sore_joint_with_nothing_to_swap_gets_asked_what_loads_it(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    thrust = LIBRARY["hip_thrust"].name
    text = "knee hurts, swap the hip thrusts"
    body = answered(say(db, owner, settings, text, now=at(TUESDAY, 7)), "fast:swap_none")
    loading = [
        row.movement.name
        for row in workout_on(db, owner, TUESDAY).exercises
        if "knee" in row.movement.joint_stress and row.section.value not in ("warmup", "cooldown")
    ]
    assert loading  # the lower-body day loads the knee
    assert body == (
        f"There's no {thrust} left in your workouts this coming week. Which exercise bothers your knee? "
        f"Text e.g. 'swap {loading[0].lower()}'. {PAIN_ADVICE}"
    )


def test_a_finished_workout_is_left_as_it_was_and_the_next_one_changes(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "done", now=at(TUESDAY, 19))
    tuesday = workout_on(db, owner, TUESDAY)
    assert tuesday.status is WorkoutStatus.COMPLETED
    body = answered(say(db, owner, settings, "swap the rdl", now=at(TUESDAY, 20)), "fast:swap")
    assert "Romanian Deadlift" in names(tuesday)
    assert " instead of Romanian Deadlift in next Tuesday's workout." in body
    assert "Romanian Deadlift" not in names(workout_on(db, owner, TUESDAY + timedelta(days=7)))
    deadlift = answered(say(db, owner, settings, "swap deadlifts", now=at(TUESDAY, 21)), "fast:swap")
    assert " instead of Conventional Deadlift in Friday's workout." in deadlift
    assert "Conventional Deadlift" not in names(workout_on(db, owner, FRIDAY))


def test_what_is_not_a_swap_of_a_known_exercise_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    for text in ("swap my rest day", "swap lunges and squats", "swap it", "swap squats for a sled drag"):
        assert say(db, owner, settings, text, now=at(MONDAY, 7)) is None, text
    assert "Barbell Back Squat" in names(workout_on(db, owner, TUESDAY))


def test_a_swap_that_fails_midway_is_left_to_the_llm_with_nothing_changed(
    db: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_trainee(db)
    before = names(workout_on(db, owner, TUESDAY))
    swap_one = changes.swap_exercise
    calls: list[str] = []

    def first_works_then_fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[3])
        if len(calls) == 2:
            raise LookupError("the second lunge vanished")
        return swap_one(*args, **kwargs)

    monkeypatch.setattr(changes, "swap_exercise", first_works_then_fails)
    assert say(db, owner, settings, "knee hurts, swap lunges", now=at(MONDAY, 7)) is None
    assert len(calls) == 2  # the first lunge was swapped before the second failed ...
    db.expire_all()
    assert names(workout_on(db, owner, TUESDAY)) == before  # ... and that swap was rolled back


def test_plural_names_of_different_kinds_of_work_ask_which(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    thursday = workout_on(db, owner, WEDNESDAY + timedelta(days=1))
    before = names(thursday)
    body = answered(say(db, owner, settings, "swap presses", now=at(WEDNESDAY, 7)), "fast:swap_which")
    assert body.startswith("Which one: Barbell Overhead Press or Incline Dumbbell Press?")
    assert names(thursday) == before


def test_the_main_work_is_swapped_when_the_warm_up_has_the_same_movement(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    tuesday = workout_on(db, owner, TUESDAY)
    [squat] = rows_named(tuesday, "Barbell Back Squat")
    warmup = next(row for row in tuesday.exercises if row.section.value == "warmup")
    warmup.movement = squat.movement  # the same movement twice: a light warm-up set and the work
    db.flush()
    answered(say(db, owner, settings, "swap squats", now=at(MONDAY, 7)), "fast:swap")
    assert warmup.movement.name == "Barbell Back Squat"
    assert squat.movement.name != "Barbell Back Squat"


def test_a_swap_that_cannot_be_planned_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    before = names(workout_on(db, owner, TUESDAY))
    db.delete(owner.profile)  # a profile is what the swap plans with; without one it cannot
    db.flush()
    db.expire(owner)
    assert say(db, owner, settings, "knee hurts, swap lunges", now=at(MONDAY, 7)) is None
    db.expire_all()
    assert names(workout_on(db, owner, TUESDAY)) == before


def test_curls_that_are_a_biceps_and_a_leg_curl_ask_which(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    tuesday = workout_on(db, owner, TUESDAY)
    lateral, reverse = rows_named(tuesday, "Goblet Lateral Lunge", "Dumbbell Reverse Lunge")
    lateral.movement = db.scalars(sa.select(Movement).where(Movement.slug == "dumbbell_curl")).one()
    reverse.movement = db.scalars(sa.select(Movement).where(Movement.slug == "lying_leg_curl")).one()
    db.flush()
    body = answered(say(db, owner, settings, "swap tuesday's curls", now=at(MONDAY, 7)), "fast:swap_which")
    assert body.startswith("Which one: Dumbbell Curl or Lying Leg Curl?")
    assert [lateral.movement.name, reverse.movement.name] == ["Dumbbell Curl", "Lying Leg Curl"]


def test_a_name_with_a_hyphen_is_matched_by_its_words(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    monday = workout_on(db, owner, MONDAY)
    [fly] = rows_named(monday, "Dumbbell Fly")
    fly.movement = db.scalars(sa.select(Movement).where(Movement.slug == "band_resisted_push_up")).one()
    db.flush()
    body = answered(say(db, owner, settings, "swap resisted push ups", now=at(MONDAY, 7)), "fast:swap")
    assert " instead of Band-Resisted Push-Up in today's workout." in body
    assert fly.movement.name != "Band-Resisted Push-Up"
