"""The fast path's new training days against a real saved plan: the plan rebuilt on them, and what it says.

The example trainee (tests/test_agent_fast_path.py) trains Mon, Tue, Thu and Fri from Mon Jan 7, 2030.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.fast_days import TOO_FEW_TEXT
from coach.config import Settings
from coach.models import FitnessPlan, Microcycle, OutboundMessage, Workout
from coach.models.enums import OutboundKind, PlanStatus, SplitTemplate, TraineeStatus, WorkoutStatus
from tests import factories
from tests.test_agent_fast_path import (
    MONDAY,
    TUESDAY,
    WEDNESDAY,
    answered,
    at,
    make_trainee,
    say,
    workout_on,
)

SENT = time(6, 0)  # the day's workout text went out before the trainee's 07:00 text


def plans_of(db: Session, trainee_id: int) -> list[FitnessPlan]:
    return list(
        db.scalars(
            sa.select(FitnessPlan).where(FitnessPlan.trainee_id == trainee_id).order_by(FitnessPlan.id)
        )
    )


def weekdays_trained(db: Session, plan: FitnessPlan) -> set[int]:
    """The weekdays of the plan's own workouts, not of one kept from the plan before, on its eve."""
    dates = db.scalars(
        sa.select(Workout.scheduled_date)
        .join(Microcycle, Microcycle.id == Workout.microcycle_id)
        .where(Microcycle.plan_id == plan.id, Workout.scheduled_date >= plan.start_date)
    ).all()
    assert dates
    return {day.isoweekday() for day in dates}


def test_three_days_instead_of_four_rebuilds_the_plan_from_tomorrow_on_three_of_the_days(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db, send_time=SENT)
    text = "can I do 3 days a week instead of 4?"
    body = answered(say(db, owner, settings, text, now=at(MONDAY, 7)), "fast:training_days")
    assert owner.training_days == [1, 2, 5]
    assert owner.profile is not None and owner.profile.days_per_week == 3
    old, new = plans_of(db, owner.id)
    assert old.status is PlanStatus.COMPLETED and new.status is PlanStatus.ACTIVE
    assert new.start_date == TUESDAY and new.split_template is SplitTemplate.FULL_BODY
    assert weekdays_trained(db, new) == {1, 2, 5}
    assert body == (
        "Done: from tomorrow you train Mon/Tue/Fri (was Mon/Tue/Thu/Fri), full body. First up: Full body "
        "tomorrow. Prefer other days? Tell me which, e.g. 'switch to Tue Wed Sat'."
    )


def test_named_days_are_taken_as_they_are(db: Session, settings: Settings) -> None:
    owner = make_trainee(db, send_time=SENT)
    body = answered(
        say(db, owner, settings, "switch to mon wed fri from now on", now=at(MONDAY, 7)), "fast:training_days"
    )
    assert owner.training_days == [1, 3, 5]
    new = plans_of(db, owner.id)[-1]
    assert weekdays_trained(db, new) == {1, 3, 5}
    assert body.startswith("Done: from tomorrow you train Mon/Wed/Fri (was Mon/Tue/Thu/Fri), full body.")
    assert f"First up: Full body on Wed Jan {WEDNESDAY.day}." in body
    assert "Prefer other days" not in body


def test_more_days_keep_the_ones_the_trainee_has(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    answered(say(db, owner, settings, "bump me up to 5 days a week", now=at(MONDAY, 7)), "fast:training_days")
    assert len(owner.training_days) == 5 and {1, 2, 4, 5} <= set(owner.training_days)


def test_the_days_they_already_have_change_nothing(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    for text in ("I can only do 4 days a week", "switch to mon tue thu fri"):
        body = answered(say(db, owner, settings, text, now=at(MONDAY, 7)), "fast:training_days")
        assert body == "You already train 4 days a week (Mon/Tue/Thu/Fri)."
    assert len(plans_of(db, owner.id)) == 1


def test_one_day_a_week_is_too_few_and_nothing_changes(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(
        say(db, owner, settings, "can i do 1 day a week", now=at(MONDAY, 7)), "fast:training_days_too_few"
    )
    assert body == TOO_FEW_TEXT
    assert owner.training_days == [1, 2, 4, 5] and len(plans_of(db, owner.id)) == 1


def test_a_paused_plan_or_no_plan_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "pause", now=at(MONDAY, 7))
    assert say(db, owner, settings, "switch to 3 days a week", now=at(MONDAY, 8)) is None
    assert len(plans_of(db, owner.id)) == 1

    planless = factories.trainee(db, status=TraineeStatus.ACTIVE, time_zone="UTC")
    factories.conversation(db, planless)
    assert say(db, planless, settings, "switch to 3 days a week", now=at(MONDAY)) is None


def test_days_that_may_be_this_weekend_only_are_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    assert say(db, owner, settings, "can i train sat and sun instead", now=at(MONDAY, 7)) is None
    assert len(plans_of(db, owner.id)) == 1


# ---------------------------------------------------------------- from today or from tomorrow


def test_before_todays_workout_text_the_new_plan_starts_today(db: Session, settings: Settings) -> None:
    owner = make_trainee(db, send_time=time(18, 0))
    old_monday = workout_on(db, owner, MONDAY)
    body = answered(
        say(db, owner, settings, "switch to 3 days a week", now=at(MONDAY, 7)), "fast:training_days"
    )
    new = plans_of(db, owner.id)[-1]
    assert new.start_date == MONDAY
    assert body.startswith("Done: from today you train Mon/Tue/Fri") and "First up: Full body today." in body
    [monday] = new_workouts_on(db, new, MONDAY)  # what the 18:00 text sends: the new plan's, not the old
    assert monday.id != old_monday.id and monday.session_type.value == "full_body"


@pytest.mark.parametrize("what", ["text_time_passed", "text_due_in_minutes", "text_queued", "workout_done"])
def test_once_today_has_begun_the_new_plan_starts_tomorrow(
    db: Session, settings: Settings, what: str
) -> None:
    owner = make_trainee(db, send_time=time(18, 0))
    now = {"text_time_passed": at(MONDAY, 19), "text_due_in_minutes": at(MONDAY, 17, 50)}.get(
        what, at(MONDAY, 7)
    )
    if what == "text_queued":  # sent early ("send it now") or by an earlier send time
        db.add(
            OutboundMessage(
                trainee_id=owner.id,
                kind=OutboundKind.DAILY_WORKOUT,
                body="today's workout",
                idempotency_key=f"daily:{owner.id}:{MONDAY}",
                segments=1,
            )
        )
    if what == "workout_done":
        workout_on(db, owner, MONDAY).status = WorkoutStatus.COMPLETED
    db.flush()
    body = answered(say(db, owner, settings, "switch to 3 days a week", now=now), "fast:training_days")
    old, new = plans_of(db, owner.id)
    assert new.start_date == TUESDAY
    assert body.startswith("Done: from tomorrow you train Mon/Tue/Fri")
    [monday] = new_workouts_on(db, new, MONDAY) or new_workouts_on(db, old, MONDAY)
    assert monday.id == workout_on(db, owner, MONDAY).id  # kept, not rebuilt
    # still to do: it comes along into the new plan; done: it stays in the old one, as history
    in_new = bool(new_workouts_on(db, new, MONDAY))
    assert in_new is (what != "workout_done")


def test_a_plan_that_has_not_started_yet_is_not_started_early(db: Session, settings: Settings) -> None:
    # Signed up on Sunday and told the first workout comes Monday: Sunday's text time is still ahead.
    owner = make_trainee(db, send_time=time(18, 0))
    sunday = MONDAY - timedelta(days=1)
    body = answered(
        say(db, owner, settings, "switch to 3 days a week", now=at(sunday, 7)), "fast:training_days"
    )
    assert plans_of(db, owner.id)[-1].start_date == MONDAY
    assert body.startswith("Done: from tomorrow you train")


def test_the_day_is_the_trainees_local_day(db: Session, settings: Settings) -> None:
    # 20:00 UTC is noon in Los Angeles, before the 18:00 text there (in UTC it would be past it).
    owner = make_trainee(db, send_time=time(18, 0))
    owner.time_zone = "America/Los_Angeles"
    answered(say(db, owner, settings, "switch to 3 days a week", now=at(MONDAY, 20)), "fast:training_days")
    assert plans_of(db, owner.id)[-1].start_date == MONDAY


def test_todays_workout_in_hand_stays_to_do_and_to_log_when_the_new_plan_starts_tomorrow(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db, send_time=SENT)
    monday = workout_on(db, owner, MONDAY)
    text_before = monday.sms_text
    answered(
        say(db, owner, settings, "switch to mon wed fri from now on", now=at(MONDAY, 9)), "fast:training_days"
    )
    new = plans_of(db, owner.id)[-1]
    assert new.start_date == TUESDAY
    assert [w.id for w in new_workouts_on(db, new, MONDAY)] == [monday.id]  # in the active plan, as it was
    assert monday.sms_text == text_before
    today = answered(say(db, owner, settings, "what's today", now=at(MONDAY, 10)), "fast:workout_day")
    assert today == text_before
    say(db, owner, settings, "done", now=at(MONDAY, 19))
    assert monday.status is WorkoutStatus.COMPLETED


def test_a_plan_starting_today_keeps_yesterdays_open_workout_to_log(db: Session, settings: Settings) -> None:
    owner = make_trainee(db, send_time=time(18, 0))
    monday = workout_on(db, owner, MONDAY)  # not done, not skipped
    text = "switch to mon wed fri from now on"
    answered(say(db, owner, settings, text, now=at(TUESDAY, 7)), "fast:training_days")
    new = plans_of(db, owner.id)[-1]
    assert new.start_date == TUESDAY
    assert [w.id for w in new_workouts_on(db, new, MONDAY)] == [monday.id]
    say(db, owner, settings, "done", now=at(TUESDAY, 8))  # a rest day now: "done" is for yesterday's
    assert monday.status is WorkoutStatus.COMPLETED


def test_two_changes_the_same_day_keep_todays_workout_once(db: Session, settings: Settings) -> None:
    owner = make_trainee(db, send_time=SENT)
    monday = workout_on(db, owner, MONDAY)
    answered(say(db, owner, settings, "switch to 3 days a week", now=at(MONDAY, 9)), "fast:training_days")
    answered(
        say(db, owner, settings, "switch to mon wed fri from now on", now=at(MONDAY, 10)),
        "fast:training_days",
    )
    first, second, third = plans_of(db, owner.id)
    assert [w.id for w in new_workouts_on(db, third, MONDAY)] == [monday.id]
    assert new_workouts_on(db, first, MONDAY) == new_workouts_on(db, second, MONDAY) == []


def new_workouts_on(db: Session, plan: FitnessPlan, day: date) -> list[Workout]:
    return list(
        db.scalars(
            sa.select(Workout)
            .join(Microcycle, Microcycle.id == Workout.microcycle_id)
            .where(Microcycle.plan_id == plan.id, Workout.scheduled_date == day)
        )
    )
