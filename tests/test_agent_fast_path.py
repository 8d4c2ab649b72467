"""The deterministic fast path against a real saved plan: what it does, what it says, what it leaves alone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent import fast_path, workout_days
from coach.agent.fast_log import movement_index
from coach.agent.turn import AgentReply, Turn
from coach.config import Settings
from coach.messaging.text import encoding_of
from coach.models import (
    Conversation,
    FitnessPlan,
    FitnessProfile,
    Message,
    SetLog,
    Trainee,
    Workout,
    WorkoutLog,
)
from coach.models.enums import (
    AgentOutcome,
    DeliveryState,
    Direction,
    Encoding,
    ExerciseRole,
    PlanStatus,
    TraineeStatus,
    WorkoutStatus,
)
from coach.movements.library import load_library
from coach.training.blueprint import PlanBlueprint
from coach.training.generator import generate_plan
from coach.training.persist import save_plan
from coach.training.profile import profile_from_records
from coach.training.splits import SESSION_LABELS
from tests import factories

MONDAY = date(2030, 1, 7)  # the plan's first day; it trains Mon, Tue, Thu, Fri
TUESDAY, WEDNESDAY, FRIDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 4))
EXAMPLE = json.loads((Path(__file__).parents[1] / "coach" / "training" / "example_profile.json").read_text())
_PLANS: list[PlanBlueprint] = []


def make_trainee(db: Session, **fields: Any) -> Trainee:
    """An active trainee in UTC with the example profile and a saved plan starting MONDAY."""
    owner = factories.trainee(
        db, status=TraineeStatus.ACTIVE, training_days=EXAMPLE["training_days"], time_zone="UTC", **fields
    )
    db.add(
        FitnessProfile(
            trainee_id=owner.id,
            goals=EXAMPLE["goals"],
            experience_level=EXAMPLE["experience"],
            equipment=EXAMPLE["equipment"],
            days_per_week=EXAMPLE["days_per_week"],
            session_minutes=EXAMPLE["session_minutes"],
        )
    )
    db.flush()
    db.refresh(owner)
    assert owner.profile is not None
    if not _PLANS:  # every trainee here has the same profile, so one generated plan serves them all
        training = profile_from_records(owner, owner.profile, owner.movement_rules, EXAMPLE["e1rm_kg"])
        _PLANS.append(generate_plan(training, load_library(), MONDAY))
    save_plan(db, owner.id, _PLANS[0], units=owner.units)
    factories.conversation(db, owner)
    return owner


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def turn_for(
    db: Session, owner: Trainee, settings: Settings, *bodies: str, now: datetime, num_media: int = 0
) -> Turn:
    """The trainee's texts, stored as owed inbound messages, as one turn."""
    conversation = db.scalars(sa.select(Conversation).where(Conversation.trainee_id == owner.id)).one()
    messages = [
        Message(
            conversation_id=conversation.id,
            trainee_id=owner.id,
            direction=Direction.INBOUND,
            body=body,
            num_media=num_media,
            status=DeliveryState.RECEIVED,
        )
        for body in bodies
    ]
    db.add_all(messages)
    db.flush()
    return Turn(trainee=owner, conversation=conversation, texts=messages, now=now, settings=settings)


def say(db: Session, owner: Trainee, settings: Settings, *bodies: str, now: datetime) -> AgentReply | None:
    reply = fast_path.respond(db, turn_for(db, owner, settings, *bodies, now=now))
    db.flush()
    return reply


def answered(reply: AgentReply | None, path: str) -> str:
    """The reply's body, checked to be a deterministic GSM-7 answer on `path`."""
    assert reply is not None
    assert reply.outcome is AgentOutcome.DETERMINISTIC
    assert reply.path == path
    assert reply.body is not None
    assert encoding_of(reply.body) is Encoding.GSM7
    return reply.body


def workout_on(db: Session, owner: Trainee, day: date) -> Workout:
    return db.scalars(
        sa.select(Workout).where(Workout.trainee_id == owner.id, Workout.scheduled_date == day)
    ).one()


def logs_of(db: Session, owner: Trainee) -> list[WorkoutLog]:
    return list(
        db.scalars(sa.select(WorkoutLog).where(WorkoutLog.trainee_id == owner.id).order_by(WorkoutLog.id))
    )


def pending(owner: Trainee, db: Session) -> Any:
    conversation = db.scalars(sa.select(Conversation).where(Conversation.trainee_id == owner.id)).one()
    return (conversation.state or {}).get("pending")


# ---------------------------------------------------------------- logging and the follow-up rating


def test_done_marks_the_workout_and_asks_how_hard_it_was(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    turn = turn_for(db, owner, settings, "Done!", now=at(MONDAY))

    body = answered(fast_path.respond(db, turn), "fast:log")

    assert body == "Marked today's workout as done. Nice work! How hard was it, 1-10?"
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.COMPLETED
    [log] = logs_of(db, owner)
    assert log.source_message_id == turn.newest_id
    assert pending(owner, db)["question"] == "session_rpe"
    assert pending(owner, db)["log_date"] == MONDAY.isoformat()


def test_the_answer_to_how_hard_becomes_the_session_rpe(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "did it", now=at(MONDAY))

    body = answered(say(db, owner, settings, "about an 8", now=at(MONDAY, 19)), "fast:rating")

    assert body == "Got it, 8/10 for that session. Thanks!"
    [log] = logs_of(db, owner)
    assert log.session_rpe == Decimal("8")
    assert pending(owner, db) is None


@pytest.mark.parametrize("text", ["7", "8/10", "about a 6"])
def test_a_number_nobody_asked_for_is_left_to_the_llm(db: Session, settings: Settings, text: str) -> None:
    owner = make_trainee(db)
    assert say(db, owner, settings, text, now=at(MONDAY)) is None
    assert logs_of(db, owner) == []


def test_a_rating_half_a_day_later_is_not_taken_as_the_answer(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "done", now=at(MONDAY, 8))
    assert say(db, owner, settings, "7", now=at(MONDAY, 21)) is None
    assert logs_of(db, owner)[0].session_rpe is None


def test_a_rating_after_the_trainee_said_something_else_is_not_taken(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "done", now=at(MONDAY))
    turn_for(db, owner, settings, "how many sets should I do tomorrow?", now=at(MONDAY, 18, 5))  # the LLM's
    assert say(db, owner, settings, "7", now=at(MONDAY, 18, 10)) is None
    assert logs_of(db, owner)[0].session_rpe is None


def test_a_full_log_line_is_stored_and_confirmed_without_a_question(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)

    body = answered(say(db, owner, settings, "squats 100kg 5x5 @8", now=at(MONDAY)), "fast:log")

    assert body.startswith("Logged: Barbell Back Squat 5x5 @ 100kg (e1RM")
    [log] = logs_of(db, owner)
    [row] = db.scalars(sa.select(SetLog).where(SetLog.workout_log_id == log.id))
    assert (row.sets_done, row.reps, row.weight_kg, row.rpe) == (5, 5, Decimal("100.00"), Decimal("8.0"))
    assert pending(owner, db) is None


def test_done_with_sets_is_logged_together(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "did it, bench 60kg 3x8", now=at(MONDAY)), "fast:log")
    assert body.startswith("Logged: Barbell Bench Press 3x8 @ 60kg")
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.COMPLETED


def test_skipped_marks_the_workout_skipped(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "skipped today", now=at(MONDAY)), "fast:log")
    assert body == "Marked today's workout as skipped. Rest up."
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.SKIPPED
    assert pending(owner, db) is None


def test_done_the_morning_after_counts_for_yesterdays_open_workout(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)  # Wednesday is a rest day; Tuesday's workout is still open

    body = answered(say(db, owner, settings, "done", now=at(WEDNESDAY, 9)), "fast:log")

    assert body.startswith("Marked yesterday's workout as done.")
    assert workout_on(db, owner, TUESDAY).status is WorkoutStatus.COMPLETED
    assert logs_of(db, owner)[0].log_date == TUESDAY


def test_a_retried_turn_logs_once(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    turn = turn_for(db, owner, settings, "squats 100kg 5x5", now=at(MONDAY))

    first = fast_path.respond(db, turn)
    again = fast_path.respond(db, turn)

    assert first is not None and again is not None
    assert first.body == again.body
    assert len(logs_of(db, owner)) == 1


@pytest.mark.parametrize(
    "texts",
    [
        ("done but my knee hurts",),
        ("did squats, can we swap lunges?",),
        ("felt great",),
        ("squats 100kg 5x5", "can we swap lunges?"),
        ("done", "what's tomorrow?"),
        ("done", "7"),
    ],
)
def test_anything_not_fully_understood_is_left_to_the_llm(
    db: Session, settings: Settings, texts: tuple[str, ...]
) -> None:
    owner = make_trainee(db)
    assert say(db, owner, settings, *texts, now=at(MONDAY)) is None
    assert logs_of(db, owner) == []
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.PENDING


def test_several_texts_that_are_all_log_lines_are_logged_together(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    turn = turn_for(db, owner, settings, "squats 100kg 5x5", "bench 60kg 3x8", now=at(MONDAY))

    body = answered(fast_path.respond(db, turn), "fast:log")

    assert "Barbell Back Squat" in body and "Barbell Bench Press" in body
    [log] = logs_of(db, owner)
    assert log.source_message_id == turn.newest_id


# ---------------------------------------------------------------- what's on a day


def test_whats_today_is_the_stored_workout_text(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "what's today?", now=at(MONDAY, 7)), "fast:workout_day")
    assert body == workout_on(db, owner, MONDAY).sms_text


def test_what_do_i_have_friday_is_fridays_workout(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "what do I have Friday", now=at(MONDAY)), "fast:workout_day")
    assert body == workout_on(db, owner, FRIDAY).sms_text


def test_a_rest_day_says_when_the_next_workout_is(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "what's tomorrow", now=at(TUESDAY)), "fast:workout_day")
    assert body == "Tomorrow is a rest day. Next workout: Thu Jan 10. Sleep well, eat well!"
    today = answered(say(db, owner, settings, "whats today", now=at(WEDNESDAY)), "fast:workout_day")
    assert today.startswith("Rest day today. Next workout: Thu Jan 10.")


def test_a_finished_day_says_so(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "squats 100kg 5x5", now=at(MONDAY))
    body = answered(say(db, owner, settings, "today's workout?", now=at(MONDAY, 19)), "fast:workout_day")
    assert body == "You've already done today's workout. Nice work!"


def test_whats_today_while_paused_says_the_plan_is_paused(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "pause", now=at(MONDAY, 7))
    body = answered(say(db, owner, settings, "what's today", now=at(MONDAY, 8)), "fast:workout_day")
    assert "paused" in body and "RESUME" in body


def test_and_friday_right_after_a_day_answer_is_fridays_workout(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    answered(say(db, owner, settings, "what's today?", now=at(MONDAY, 7)), "fast:workout_day")
    friday = answered(say(db, owner, settings, "and friday?", now=at(MONDAY, 7, 1)), "fast:workout_day")
    assert friday == workout_on(db, owner, FRIDAY).sms_text
    # one follow-up leads to another
    monday = answered(say(db, owner, settings, "what about today", now=at(MONDAY, 7, 2)), "fast:workout_day")
    assert monday == workout_on(db, owner, MONDAY).sms_text


def test_a_bare_day_is_not_a_question_without_a_day_answer_just_before(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    assert say(db, owner, settings, "friday?", now=at(MONDAY, 7)) is None  # nothing was shown: the LLM
    answered(say(db, owner, settings, "what's this week", now=at(MONDAY, 7, 1)), "fast:week")
    assert say(db, owner, settings, "friday", now=at(MONDAY, 7, 2)) is None  # no question mark
    answered(say(db, owner, settings, "what's this week", now=at(MONDAY, 7, 3)), "fast:week")
    assert say(db, owner, settings, "my knee feels great", now=at(MONDAY, 7, 4)) is None
    between = say(db, owner, settings, "and friday?", now=at(MONDAY, 7, 5))
    assert between is None  # something else was said in between


def test_a_day_asked_after_next_weeks_list_is_that_day_next_week(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "what do I have next week", now=at(MONDAY, 7)), "fast:week")
    assert body.startswith("Next week: ")
    friday = answered(say(db, owner, settings, "and friday?", now=at(MONDAY, 7, 1)), "fast:workout_day")
    assert friday == workout_on(db, owner, FRIDAY + timedelta(days=7)).sms_text
    # after a day answer, a day is the next one from today again
    answered(say(db, owner, settings, "what's today", now=at(MONDAY, 7, 2)), "fast:workout_day")
    friday = answered(say(db, owner, settings, "and friday?", now=at(MONDAY, 7, 3)), "fast:workout_day")
    assert friday == workout_on(db, owner, FRIDAY).sms_text


def test_whats_my_next_workout_is_the_first_one_still_to_do(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    first = answered(
        say(db, owner, settings, "what's my next workout?", now=at(MONDAY, 7)), "fast:next_workout"
    )
    assert first == workout_on(db, owner, MONDAY).sms_text  # today's, not done yet
    say(db, owner, settings, "squats 100kg 5x5", now=at(MONDAY, 18))
    after = answered(say(db, owner, settings, "whats next", now=at(MONDAY, 19)), "fast:next_workout")
    assert after == workout_on(db, owner, TUESDAY).sms_text
    on_a_rest_day = answered(
        say(db, owner, settings, "when do i train next", now=at(WEDNESDAY)), "fast:next_workout"
    )
    assert on_a_rest_day == workout_on(db, owner, WEDNESDAY + timedelta(days=1)).sms_text
    say(db, owner, settings, "pause", now=at(WEDNESDAY, 19))
    paused = answered(say(db, owner, settings, "next workout?", now=at(WEDNESDAY, 20)), "fast:next_workout")
    assert paused == workout_days.PAUSED_TEXT


# ---------------------------------------------------------------- a week's workouts


def test_whats_this_week_lists_the_weeks_workouts_with_what_is_done_or_skipped(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "squats 100kg 5x5", now=at(MONDAY))
    say(db, owner, settings, "skip tomorrow", now=at(MONDAY, 19))
    body = answered(say(db, owner, settings, "what's this week?", now=at(WEDNESDAY, 9)), "fast:week")
    days = [workout_on(db, owner, MONDAY + timedelta(days=n)) for n in (0, 1, 3, 4)]
    labels = [SESSION_LABELS[w.session_type] for w in days]
    assert body == (
        f"This week: Mon {labels[0]} (done), Tue {labels[1]} (skipped), Thu {labels[2]}, Fri {labels[3]}."
    )
    # Saturday: Thursday's workout was never logged, Friday's neither
    late = answered(
        say(db, owner, settings, "what does my week look like", now=at(FRIDAY + timedelta(days=1))),
        "fast:week",
    )
    assert late.endswith(f"Thu {labels[2]} (not logged), Fri {labels[3]} (not logged).")
    following = answered(say(db, owner, settings, "what do I have next week", now=at(WEDNESDAY)), "fast:week")
    assert following.startswith("Next week: Mon ") and "(done)" not in following
    workout_on(db, owner, MONDAY + timedelta(days=7)).microcycle.is_deload = True  # next week's
    lighter = answered(say(db, owner, settings, "next week's workouts", now=at(WEDNESDAY)), "fast:week")
    assert lighter == following.replace("Next week:", "Next week is a lighter one, to recover:")


def test_on_a_sunday_with_nothing_left_this_week_is_the_week_ahead(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    sunday = at(MONDAY - timedelta(days=1), 19)  # the evening before the plan starts
    body = answered(say(db, owner, settings, "what's this week?", now=sunday), "fast:week")
    monday = workout_on(db, owner, MONDAY)
    assert body.startswith(f"Next week: Mon {SESSION_LABELS[monday.session_type]}, Tue ")


def test_a_week_answer_for_a_paused_plan_or_no_plan(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "pause", now=at(MONDAY, 7))
    assert answered(say(db, owner, settings, "what's this week", now=at(MONDAY, 8)), "fast:week") == (
        workout_days.PAUSED_TEXT
    )
    planless = factories.trainee(db, status=TraineeStatus.ACTIVE, time_zone="UTC")
    factories.conversation(db, planless)
    assert say(db, planless, settings, "what's this week", now=at(MONDAY)) is None


# ---------------------------------------------------------------- moving a day's workout


def test_move_today_to_friday_moves_the_workout_and_says_where(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    monday = workout_on(db, owner, MONDAY)
    body = answered(say(db, owner, settings, "move today to Friday", now=at(MONDAY, 7)), "fast:move")
    assert monday.scheduled_date == FRIDAY
    assert body == (
        "Done: today's workout moved to Fri Jan 11. That day now has 2 workouts; both come in its text."
    )
    db.expire_all()
    fridays = db.scalars(
        sa.select(Workout).where(Workout.trainee_id == owner.id, Workout.scheduled_date == FRIDAY)
    ).all()
    assert len(fridays) == 2  # the scheduler texts both


def test_a_workout_moved_to_today_comes_with_the_reply(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    thursday = workout_on(db, owner, WEDNESDAY + timedelta(days=1))
    text = "can I do tomorrow's workout today instead?"
    body = answered(say(db, owner, settings, text, now=at(WEDNESDAY, 9)), "fast:move")
    assert thursday.scheduled_date == WEDNESDAY
    # today's daily text may have gone out already
    assert body == f"Done: tomorrow's workout moved to today. Here it is:\n\n{thursday.sms_text}"
    assert thursday.sms_text


@pytest.mark.parametrize(
    ("verb", "text"),
    [("move", "move today to friday"), ("skip", "skip today"), ("shorten", "only 30 min today")],
)
def test_a_rest_day_or_a_finished_workout_has_nothing_to_change(
    db: Session, settings: Settings, verb: str, text: str
) -> None:
    owner = make_trainee(db)
    rest = answered(say(db, owner, settings, text, now=at(WEDNESDAY)), f"fast:{verb}_none")
    assert rest == f"There's no workout left today to {verb}."

    say(db, owner, settings, "squats 100kg 5x5", now=at(MONDAY))
    done = answered(say(db, owner, settings, text, now=at(MONDAY, 19)), f"fast:{verb}_none")
    assert done == f"There's no workout left today to {verb}."
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.COMPLETED


def test_moving_a_workout_to_its_own_day_says_so(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "move friday to fri", now=at(MONDAY)), "fast:move_same")
    assert body == "That workout is already on Friday."
    assert workout_on(db, owner, FRIDAY).scheduled_date == FRIDAY


def test_a_workout_is_not_moved_past_the_end_of_the_plan(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    plan = db.scalars(sa.select(FitnessPlan).where(FitnessPlan.trainee_id == owner.id)).one()
    plan.end_date = FRIDAY
    body = answered(say(db, owner, settings, "move friday to saturday", now=at(MONDAY)), "fast:move_refused")
    assert body.startswith("I can't move it there: Sat Jan 12 is outside your plan")
    assert workout_on(db, owner, FRIDAY).scheduled_date == FRIDAY


def test_a_move_without_a_plan_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = factories.trainee(db, status=TraineeStatus.ACTIVE, time_zone="UTC")
    factories.conversation(db, owner)
    assert say(db, owner, settings, "move today to friday", now=at(MONDAY)) is None


# ---------------------------------------------------------------- skipping a day's workout


def test_skip_today_skips_the_workout_and_says_what_comes_next(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    monday, tuesday = workout_on(db, owner, MONDAY), workout_on(db, owner, TUESDAY)
    body = answered(say(db, owner, settings, "can I skip today?", now=at(MONDAY, 7)), "fast:skip")
    assert monday.status is WorkoutStatus.SKIPPED and tuesday.status is WorkoutStatus.PENDING
    label = SESSION_LABELS[tuesday.session_type]
    assert body == f"Done: today's workout is skipped, no catching up needed. Next up: {label} tomorrow."


def test_skipping_a_later_day_names_the_next_workout_from_today(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    wednesday = at(WEDNESDAY, 7)
    body = answered(say(db, owner, settings, "I'm skipping Friday", now=wednesday), "fast:skip")
    thursday = workout_on(db, owner, WEDNESDAY + timedelta(days=1))
    assert workout_on(db, owner, FRIDAY).status is WorkoutStatus.SKIPPED
    assert thursday.status is WorkoutStatus.PENDING
    label = SESSION_LABELS[thursday.session_type]
    assert body == f"Done: Friday's workout is skipped, no catching up needed. Next up: {label} tomorrow."
    after_friday = answered(say(db, owner, settings, "skip tomorrow", now=wednesday), "fast:skip")
    monday = workout_on(db, owner, MONDAY + timedelta(days=7))
    assert after_friday.endswith(f"Next up: {SESSION_LABELS[monday.session_type]} on Mon Jan 14.")


def test_a_paused_plan_is_neither_skipped_nor_shortened(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "pause", now=at(MONDAY, 7))
    monday = workout_on(db, owner, MONDAY)
    text = monday.sms_text
    for words, path in (("skip today", "fast:skip_paused"), ("only 20 min today", "fast:shorten_paused")):
        body = answered(say(db, owner, settings, words, now=at(MONDAY, 8)), path)
        assert body == workout_days.PAUSED_TEXT
    assert monday.status is WorkoutStatus.PENDING and monday.sms_text == text


def test_a_day_already_skipped_has_nothing_left_to_skip(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    again = say(db, owner, settings, "skip tomorrow", now=at(MONDAY, 19))
    assert answered(again, "fast:skip").startswith("Done: tomorrow's workout is skipped")
    body = answered(say(db, owner, settings, "skip tomorrow", now=at(MONDAY, 20)), "fast:skip_none")
    assert body == "There's no workout left tomorrow to skip."


def test_a_skip_without_a_plan_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = factories.trainee(db, status=TraineeStatus.ACTIVE, time_zone="UTC")
    factories.conversation(db, owner)
    assert say(db, owner, settings, "skip today", now=at(MONDAY)) is None


# ---------------------------------------------------------------- "I can't train today": move it or skip it?


def test_cant_train_today_asks_move_or_skip_and_the_answer_moves_it(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    asked = answered(say(db, owner, settings, "I can't train today", now=at(MONDAY, 7)), "fast:cant_train")
    assert (
        asked
        == "No problem. Want to move today's workout to Wednesday, or skip it? Reply with a day or 'skip'."
    )
    monday = workout_on(db, owner, MONDAY)
    body = answered(say(db, owner, settings, "wednesday", now=at(MONDAY, 7, 5)), "fast:move")
    assert body == "Done: today's workout moved to Wed Jan 9."
    assert monday.scheduled_date == WEDNESDAY and (monday.sms_text or "").startswith("Wed Jan 9 - Upper body")
    assert pending(owner, db) is None


def test_cant_make_it_tomorrow_then_skip_it_skips_tomorrow(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    answered(say(db, owner, settings, "cant make it tomorrow", now=at(MONDAY, 7)), "fast:cant_train")
    body = answered(say(db, owner, settings, "just skip it", now=at(MONDAY, 7, 1)), "fast:skip")
    assert body.startswith("Done: tomorrow's workout is skipped")
    assert workout_on(db, owner, TUESDAY).status is WorkoutStatus.SKIPPED
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.PENDING


def test_cant_train_on_a_rest_day_or_an_answer_after_something_else(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    rest = answered(
        say(db, owner, settings, "i cant train wednesday", now=at(MONDAY, 7)), "fast:cant_train_none"
    )
    assert rest == "No workout left on Wednesday, so nothing to change."
    answered(say(db, owner, settings, "I can't train today", now=at(MONDAY, 7, 1)), "fast:cant_train")
    assert say(db, owner, settings, "ugh work is crazy", now=at(MONDAY, 7, 2)) is None
    assert say(db, owner, settings, "skip it", now=at(MONDAY, 7, 3)) is None  # no longer the answer
    assert workout_on(db, owner, MONDAY).status is WorkoutStatus.PENDING


def test_cant_train_names_the_weeks_next_free_day_in_the_plan(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    tuesday = answered(say(db, owner, settings, "cant train today", now=at(TUESDAY, 7)), "fast:cant_train")
    assert tuesday.startswith("No problem. Want to move today's workout to tomorrow, or skip it?")
    friday = answered(say(db, owner, settings, "can't make it friday", now=at(TUESDAY, 8)), "fast:cant_train")
    assert friday.startswith("No problem. Want to move Friday's workout to Saturday, or skip it?")
    plan = db.scalars(sa.select(FitnessPlan).where(FitnessPlan.trainee_id == owner.id)).one()
    plan.end_date = FRIDAY  # nothing after Friday is in the plan
    last = answered(say(db, owner, settings, "can't make it friday", now=at(TUESDAY, 9)), "fast:cant_train")
    assert last.startswith("No problem. Want to move Friday's workout to another day, or skip it?")


def test_an_answer_the_next_day_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    answered(say(db, owner, settings, "I can't train today", now=at(TUESDAY, 22)), "fast:cant_train")
    # the next morning "tomorrow" means another day than when it was asked
    assert say(db, owner, settings, "tomorrow", now=at(WEDNESDAY, 7)) is None
    assert workout_on(db, owner, TUESDAY).status is WorkoutStatus.PENDING


# ---------------------------------------------------------------- fitting a workout into less time


def shorten_monday(db: Session, settings: Settings, text: str) -> tuple[Workout, str, int]:
    """Monday's workout after `text` on Monday morning, the reply, and the minutes it took before. The main
    lifts are kept, and the reply carries the shortened workout's text."""
    owner = make_trainee(db)
    monday = workout_on(db, owner, MONDAY)
    mains = [row.movement.name for row in monday.exercises if row.section is ExerciseRole.MAIN]
    before, text_before = monday.estimated_minutes or 0, monday.sms_text
    body = answered(say(db, owner, settings, text, now=at(MONDAY, 7)), "fast:shorten")
    assert [row.movement.name for row in monday.exercises if row.section is ExerciseRole.MAIN] == mains
    assert body.endswith(f"Here it is:\n\n{monday.sms_text}") and monday.sms_text != text_before
    return monday, body, before


def test_only_30_min_today_cuts_the_extras_keeps_the_main_lifts_and_sends_it(
    db: Session, settings: Settings
) -> None:
    monday, body, before = shorten_monday(db, settings, "I only have 30 min today")
    after = monday.estimated_minutes or 0
    assert before > 30 and after < before
    assert after <= 30 and body.startswith(
        f"Done: today's workout now takes about {after} min, every main lift kept"
    )


def test_too_little_time_for_the_main_lifts_keeps_them_and_says_how_long_they_take(
    db: Session, settings: Settings
) -> None:
    monday, body, _ = shorten_monday(db, settings, "only 10 min today")
    after = monday.estimated_minutes or 0
    assert after > 10  # the main lifts stay, whatever the time, with two sets each
    assert {row.sets for row in monday.exercises if row.section is ExerciseRole.MAIN} == {2}
    assert body.startswith(
        "Done: I cut it as far as it goes, every main lift kept with fewer sets, but today's workout still "
        f"takes about {after} min. Keep the rests short."
    )


def test_a_workout_without_a_stored_estimate_is_measured_before_it_is_said_to_fit(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    tuesday = workout_on(db, owner, TUESDAY)
    tuesday.estimated_minutes = None
    body = answered(
        say(db, owner, settings, "i have 120 min tomorrow", now=at(MONDAY, 7)), "fast:shorten_fits"
    )
    assert tuesday.estimated_minutes is not None
    assert body == f"Tomorrow's workout already takes about {tuesday.estimated_minutes} min, so it fits."


def test_a_day_that_already_fits_or_has_too_little_time_is_left_as_it_is(
    db: Session, settings: Settings
) -> None:
    owner = make_trainee(db)
    tuesday = workout_on(db, owner, TUESDAY)
    text, minutes = tuesday.sms_text, tuesday.estimated_minutes
    fits = answered(
        say(db, owner, settings, "i have 120 min tomorrow", now=at(MONDAY, 7)), "fast:shorten_fits"
    )
    assert fits == f"Tomorrow's workout already takes about {minutes} min, so it fits."
    short = answered(
        say(db, owner, settings, "only 5 min tomorrow", now=at(MONDAY, 7)), "fast:shorten_too_short"
    )
    assert short == "5 min is too little for this one. Want to skip it? Text 'skip tomorrow'."
    assert tuesday.sms_text == text and tuesday.estimated_minutes == minutes


# ---------------------------------------------------------------- pause, resume, send time, opt-out, photo


def test_pause_then_im_back_pauses_and_resumes_the_plan(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    plan = db.scalars(sa.select(FitnessPlan).where(FitnessPlan.trainee_id == owner.id)).one()

    paused = answered(say(db, owner, settings, "Pause my plan please", now=at(MONDAY)), "fast:pause")
    assert "RESUME" in paused
    assert (plan.status, owner.status) == (PlanStatus.PAUSED, TraineeStatus.PAUSED)

    answered(say(db, owner, settings, "I'm back", now=at(FRIDAY)), "fast:resume")
    assert (plan.status, owner.status) == (PlanStatus.ACTIVE, TraineeStatus.ACTIVE)


def test_im_back_from_an_active_trainee_is_left_to_the_llm(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    assert say(db, owner, settings, "I'm back", now=at(MONDAY)) is None


def test_a_new_send_time_is_stored_and_confirmed(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "text me at 6:30pm", now=at(MONDAY)), "fast:send_time")
    assert owner.send_time == time(18, 30)
    assert body == "Done. I'll text your workouts at 6:30 PM (UTC time)."


def test_a_bare_hour_is_read_next_to_the_current_send_time(db: Session, settings: Settings) -> None:
    owner = make_trainee(db, send_time=time(18, 0))
    answered(say(db, owner, settings, "send workouts at 7", now=at(MONDAY)), "fast:send_time")
    assert owner.send_time == time(19, 0)


def test_an_early_send_time_is_kept_as_asked(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    body = answered(say(db, owner, settings, "change my time to 6am", now=at(MONDAY)), "fast:send_time")
    assert owner.send_time == time(6, 0)  # inside quiet hours: the daily text is sent then all the same
    assert body == "Done. I'll text your workouts at 6:00 AM (UTC time)."


def test_an_impossible_time_gets_a_clarifying_reply(db: Session, settings: Settings) -> None:
    owner = make_trainee(db, send_time=time(7, 0))
    body = answered(
        say(db, owner, settings, "change my time to 25:00", now=at(MONDAY)), "fast:send_time_unclear"
    )
    assert "couldn't read that time" in body
    assert owner.send_time == time(7, 0)


def test_stop_texting_me_in_words_opts_the_trainee_out(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)

    reply = say(db, owner, settings, "please stop texting me", now=at(MONDAY))

    body = answered(reply, "fast:opt_out")
    assert body == "You're unsubscribed from Coach. Reply START any time to come back."
    assert reply is not None and reply.opt_out
    assert owner.status is TraineeStatus.OPTED_OUT
    assert owner.opt_out_source == "sms:intent"
    assert owner.opted_out_at == at(MONDAY)


def test_a_photo_without_text_is_acknowledged(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    turn = turn_for(db, owner, settings, "", now=at(MONDAY), num_media=1)
    assert "photo" in answered(fast_path.respond(db, turn), "fast:photo")


def test_an_empty_text_without_a_photo_is_not_answered_here(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    assert say(db, owner, settings, "   ", now=at(MONDAY)) is None


def test_another_intent_drops_the_pending_question(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    say(db, owner, settings, "done", now=at(MONDAY))
    assert pending(owner, db)["question"] == "session_rpe"
    say(db, owner, settings, "what's tomorrow", now=at(MONDAY, 18, 5))
    assert pending(owner, db)["question"] == "day_shown"  # another day may be asked next, not a rating
    assert say(db, owner, settings, "7", now=at(MONDAY, 18, 6)) is None
    say(db, owner, settings, "pause", now=at(MONDAY, 18, 7))
    assert pending(owner, db) is None


def test_an_onboarding_trainee_is_not_answered_here(db: Session, settings: Settings) -> None:
    owner = factories.trainee(db)
    factories.conversation(db, owner)
    assert say(db, owner, settings, "done", now=at(MONDAY)) is None


def test_a_thanks_gets_no_reply_and_no_llm_call(db: Session, settings: Settings) -> None:
    owner = make_trainee(db)
    _coach_said(db, owner, "Logged: squats 100kg 5x5. Solid work.")
    reply = say(db, owner, settings, "ok thanks 👍", now=at(MONDAY))
    assert reply is not None and reply.body is None
    assert reply.outcome is AgentOutcome.DETERMINISTIC and reply.path == "fast:ack"


@pytest.mark.parametrize(
    "coach_texts",
    [
        ["Want me to swap the lunges for step-ups today?"],
        ["Reply YES and I'll move Friday's session to Saturday."],
        ["Step-ups instead of lunges would spare the knee. Want that?", "Also: Friday stays as it is."],
    ],
)
def test_ok_to_a_question_is_an_answer_for_the_llm(
    db: Session, settings: Settings, coach_texts: list[str]
) -> None:
    owner = make_trainee(db)
    for body in coach_texts:
        _coach_said(db, owner, body)
    assert say(db, owner, settings, "ok", now=at(MONDAY)) is None


def _coach_said(db: Session, owner: Trainee, body: str) -> None:
    conversation = db.scalars(sa.select(Conversation).where(Conversation.trainee_id == owner.id)).one()
    db.add(
        Message(
            conversation_id=conversation.id,
            trainee_id=owner.id,
            direction=Direction.OUTBOUND,
            body=body,
            status=DeliveryState.DELIVERED,
        )
    )
    db.flush()


def test_the_movement_index_is_built_once_per_process() -> None:
    assert movement_index() is movement_index()
