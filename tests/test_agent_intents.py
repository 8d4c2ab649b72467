"""Reading short texts without an LLM: what counts as an opt-out, a pause, a send time, a day, a rating."""

from __future__ import annotations

from datetime import date, time

import pytest

from coach.agent.intents import (
    Acknowledgement,
    CantTrain,
    MoveWorkout,
    NextWorkout,
    OptOut,
    PausePlan,
    ResumePlan,
    SendTime,
    ShortenWorkout,
    SkipWorkout,
    WeekView,
    WorkoutDay,
    classify,
    follow_up_day,
    normalise,
    rating,
    reschedule_answer,
)

MONDAY = date(2030, 1, 7)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("please stop texting me", OptOut()),
        ("Stop sending me messages", OptOut()),
        ("unsubscribe me", OptOut()),
        ("Unsubscribe me from this list please", OptOut()),
        ("opt me out", OptOut()),
        ("take me off your list", OptOut()),
        ("Don't text me anymore!", OptOut()),
        ("I don't want these texts anymore", OptOut()),
        ("please stop", OptOut()),
        ("pause", PausePlan()),
        ("Pause my plan.", PausePlan()),
        ("pause my plan for now", PausePlan()),
        ("can you pause my workouts", PausePlan()),
        ("put my plan on hold", PausePlan()),
        ("resume", ResumePlan()),
        ("unpause", ResumePlan()),
        ("Resume my plan please", ResumePlan()),
        ("I'm back", ResumePlan(returning=True)),
        ("im back now", ResumePlan(returning=True)),
        ("change my time to 6am", SendTime(6, 0, "am")),
        ("text me at 6:30pm", SendTime(6, 30, "pm")),
        ("send workouts at 7", SendTime(7)),
        ("Send my workouts at 7 a.m.", SendTime(7, 0, "am")),
        ("can you text me at 18:30 instead", SendTime(18, 30)),
        ("text me at 6 in the evening", SendTime(6, 0, "pm")),
        ("set my time to noon", SendTime(12, 0, "pm")),
        ("change my send time to 25:00", SendTime(None)),
        ("text me at 13pm", SendTime(None)),
        ("what's today", WorkoutDay(0)),
        ("today's workout?", WorkoutDay(0)),
        ("Hey coach, what's today's workout? Thanks!", WorkoutDay(0)),
        ("What's tomorrow?", WorkoutDay(1)),
        ("whats on tmrw", WorkoutDay(1)),
        ("do i have a workout tomorrow", WorkoutDay(1)),
        ("workout today?", WorkoutDay(0)),
        ("what do I have Friday", WorkoutDay(weekday=5)),
        ("what's my workout", WorkoutDay(0)),
        ("what's this week", WeekView(0)),
        ("What does my week look like?", WeekView(0)),
        ("how's my week looking", WeekView(0)),
        ("what do I have next week", WeekView(1)),
        ("next week's workouts?", WeekView(1)),
        ("can I see next week's plan", WeekView(1)),
        ("what does next week look like", WeekView(1)),
        ("what are we doing this week?", WeekView(0)),
        ("what's coming up this week", WeekView(0)),
        ("move today to Friday", MoveWorkout(WorkoutDay(0), WorkoutDay(weekday=5))),
        ("Can we move tomorrow's workout to Sat?", MoveWorkout(WorkoutDay(1), WorkoutDay(weekday=6))),
        ("push my thursday session to sun pls", MoveWorkout(WorkoutDay(weekday=4), WorkoutDay(weekday=7))),
        ("reschedule the workout on fri to tmrw", MoveWorkout(WorkoutDay(weekday=5), WorkoutDay(1))),
        ("can I do today's workout on Sunday instead", MoveWorkout(WorkoutDay(0), WorkoutDay(weekday=7))),
        ("skip today", SkipWorkout(WorkoutDay(0))),
        ("Can I skip tomorrow's workout?", SkipWorkout(WorkoutDay(1))),
        ("I'm skipping Friday", SkipWorkout(WorkoutDay(weekday=5))),
        ("skip the session on fri please", SkipWorkout(WorkoutDay(weekday=5))),
        ("I'll miss tomorrow's session", SkipWorkout(WorkoutDay(1))),
        ("cancel today", SkipWorkout(WorkoutDay(0))),
        ("I only have 30 min today", ShortenWorkout(WorkoutDay(0), 30)),
        ("I've got 45 minutes tomorrow", ShortenWorkout(WorkoutDay(1), 45)),
        ("only 40 mins today", ShortenWorkout(WorkoutDay(0), 40)),
        ("only have 20 min for friday", ShortenWorkout(WorkoutDay(weekday=5), 20)),
        ("Can you make today's workout 30 min?", ShortenWorkout(WorkoutDay(0), 30)),
        ("cut tomorrow to 40 minutes", ShortenWorkout(WorkoutDay(1), 40)),
        ("ok thanks", Acknowledgement()),
        ("Thank you so much!", Acknowledgement()),
        ("got it 👍", Acknowledgement()),
        ("Sounds good", Acknowledgement()),
        ("👍🏽", Acknowledgement()),
        ("🙏🙏", Acknowledgement()),
        ("yep", Acknowledgement()),
        ("what's my next workout?", NextWorkout()),
        ("When is my next session", NextWorkout()),
        ("whats next", NextWorkout()),
        ("next workout?", NextWorkout()),
        ("when do I train next", NextWorkout()),
        ("whats next week", WeekView(1)),  # the week, not the next workout
        ("is it a rest day today?", WorkoutDay(0)),
        ("I can't train today", CantTrain(WorkoutDay(0))),
        ("cant make it tomorrow", CantTrain(WorkoutDay(1))),
        ("I won't be able to work out friday", CantTrain(WorkoutDay(weekday=5))),
        ("not gonna make it to the gym today", CantTrain(WorkoutDay(0))),
        ("no time to train today", CantTrain(WorkoutDay(0))),
        ("I can't today", CantTrain(WorkoutDay(0))),
        ("is tomorrow a rest day", WorkoutDay(1)),
        ("what's on the plan for friday", WorkoutDay(weekday=5)),
    ],
)
def test_short_requests_are_understood(text: str, intent: object) -> None:
    assert classify(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "stop sending me workouts",  # pause or opt out? the LLM asks
        "don't stop texting me",
        "stop texting me so early",
        "stop it",
        "pause for 2 weeks",  # a pause that should end by itself is more than a pause
        "I'm back from the gym",
        "text me at 6 tomorrow",
        "move my workout to 6pm",  # the workout, not the text
        "move my workout to friday",  # which one? the LLM asks
        "move today",
        "what's my next plan",  # a new plan once this one ends: the LLM
        "I can't train today, I'm sick",  # a reason matters: the LLM
        "busy today",
        "i cant do mondays",  # a standing limit: the training days change, the LLM does that
        "rest day tomorrow",  # often "I'm resting tomorrow"
        "whats my next lift",  # mid-session: the next exercise
        "wont today",
        "swap today and friday",
        "move today to friday and make it shorter",
        "skip lunges today",  # an exercise, not the day
        "what did I do this week",  # the past: the LLM reads the logs
        "what's for dinner this week",
        "this week",
        "how's my training this week",  # feedback wanted, not the schedule
        "can i get next week off",
        "can i skip today's squats",
        "skip today, I'm sick",  # a reason the coach should hear
        "skip my workout",  # which one? the LLM asks
        "skip today and tomorrow",
        "skip to friday",
        "i skipped today",  # a report, not a request
        "30 min today",  # a report? ("ran 30 min today")
        "ran 30 min today",
        "I only have 30 min today, can I do cardio?",
        "make it 30 min",  # what is "it"? the LLM asks
        "cut 10 min",  # ten minutes off, not down to ten
        "can you cut 15 min",
        "cancel the plan today",  # more than a day
        "skipping today",  # a report: the log parser logs the skip
        "i got 30 min today",  # a report of training done
        "only 30 min",  # without a day it may answer "how long did you train?"
        "only 5m today",  # metres? miles?
        "what's for dinner",
        "what did I do Friday",
        "done",
        "7",
        "can we swap lunges?",
        "",
        "hi",  # a greeting wants an answer
        "ok but my knee hurts",
        "thanks, what's for tomorrow? and can we swap lunges",
        "ok 6",
        "😬",  # not a friendly thumbs-up
        "ok?",  # a question
        "you good?",
        "✅",  # after a workout text: done
        "💪",
    ],
)
def test_anything_else_is_left_to_the_llm(text: str) -> None:
    assert classify(text) is None


def test_a_weekday_means_today_or_the_next_one() -> None:
    assert WorkoutDay(weekday=1).on(MONDAY) == MONDAY
    assert WorkoutDay(weekday=5).on(MONDAY) == date(2030, 1, 11)
    assert WorkoutDay(weekday=7).on(date(2030, 1, 8)) == date(2030, 1, 13)
    assert WorkoutDay(1).on(MONDAY) == date(2030, 1, 8)


@pytest.mark.parametrize(
    ("request_", "current", "meant"),
    [
        (SendTime(6, 30, "pm"), None, time(18, 30)),
        (SendTime(12, 0, "am"), None, time(0, 0)),
        (SendTime(18, 30), None, time(18, 30)),
        (SendTime(7), None, time(7, 0)),  # a bare morning hour
        (SendTime(2), None, time(14, 0)),  # a bare afternoon hour
        (SendTime(7), time(18, 0), time(19, 0)),  # nearer the evening habit
        (SendTime(6), time(7, 0), time(6, 0)),
        (SendTime(None), time(7, 0), None),
    ],
)
def test_a_send_time_resolves_to_the_time_meant(
    request_: SendTime, current: time | None, meant: time | None
) -> None:
    assert request_.resolve(current) == meant


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7),
        ("8/10", 8),
        ("8 / 10", 8),
        ("about a 6", 6),
        ("7.5", 7.5),
        ("seven", 7),
        ("10/10", 10),
        ("a solid 8!", 8),
        ("8 out of 10", 8),
        ("like a 7 tbh", 7),
        ("0", None),
        ("11", None),
        ("7-8", None),
        ("done 7", None),
        ("7 sets", None),
        ("3/5", None),
        ("knee hurts, 7", None),
    ],
)
def test_a_rating_is_one_number_from_1_to_10(text: str, value: float | None) -> None:
    assert rating(text) == value


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("and thursday?", WorkoutDay(weekday=4)),
        ("What about Fri", WorkoutDay(weekday=5)),
        ("and tomorrow", WorkoutDay(1)),
        ("how about friday", None),  # more often "can I do it Friday instead?"
        ("ok and weds?", WorkoutDay(weekday=3)),
        ("friday?", WorkoutDay(weekday=5)),
        ("friday", None),  # could answer "which day?": only a question mark makes it one
        ("thursday too?", None),
        ("and thursday I can't make it", None),
        ("move it to friday?", None),
        ("what about next week", None),
    ],
)
def test_another_day_asked_after_a_day_answer(text: str, day: WorkoutDay | None) -> None:
    assert follow_up_day(text) == day


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("skip it", "skip"),
        ("just skip", "skip"),
        ("Thursday", WorkoutDay(weekday=4)),
        ("move it to sat", WorkoutDay(weekday=6)),
        ("ok do it tomorrow instead", WorkoutDay(1)),
        ("no", None),
        ("thursday or friday", None),
        ("skip it, my knee is bad", None),
        ("thursday?", None),  # a question back is no decision
        ("skip it?", None),
    ],
)
def test_the_answer_to_move_it_or_skip_it(text: str, answer: object) -> None:
    assert reschedule_answer(text) == answer


def test_normalising_drops_greetings_punctuation_and_apostrophes() -> None:
    assert normalise("  Hey Coach!!  What’s   TODAY? thanks ") == "whats today"
    assert normalise("text me at 6:30 p.m.") == "text me at 6:30 pm"
