"""The deterministic fast path: texts the coach fully understands without an LLM, acted on at once.

`respond` is called for an active or paused trainee after safety triage found nothing. It answers:
- a photo with no text (a short acknowledgement);
- a rating right after "How hard was it, 1-10?" (`fast_log.record_rating`);
- "and thursday?" right after the coach showed a day's or the week's workouts (`intents.follow_up_day`);
- an opt-out in words, pause / resume, a new daily send time, "what's today", "what's this week", "what's
  my next workout", "move today to Friday", "skip tomorrow", "I can't train today" (then "thursday" or
  "skip it": `intents.reschedule_answer`), "I only have 30 min today" (`intents.classify`), "knee hurts,
  swap lunges" (`swap_request.read_swap`, acted on by `fast_swap`), "3 days a week instead of 4" or "switch
  to Mon Wed Fri" (`days_request.read_training_days`, acted on by `fast_days`);
- "ok thanks" / "got it" / a thumbs-up after anything but a question: deliberately no reply;
- a workout report the log parser understands in full (`fast_log.record_report`).
Anything else, including a mix ("done but my knee hurts"), returns None and the LLM agent answers. Several
owed texts are handled only when all of them together are understood. Nothing here commits.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent import fast_days, fast_swap, workout_days
from coach.agent.days_request import TrainingDaysRequest, read_training_days
from coach.agent.fast_log import (
    asked,
    pending_answer,
    record_rating,
    record_report,
    remember_question,
)
from coach.agent.intents import (
    Acknowledgement,
    CantTrain,
    Intent,
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
    reschedule_answer,
)
from coach.agent.swap_request import SwapRequest, read_swap
from coach.agent.tools_common import current_workouts, day_label, workouts_on
from coach.agent.turn import AgentReply, Turn
from coach.agent.workout_days import day_answer, day_name, next_workout, on_day, week_answer
from coach.messaging.inbound import opt_out
from coach.models import Message, Workout
from coach.models.enums import AgentOutcome, Direction, PlanStatus, TraineeStatus, WorkoutStatus
from coach.training.changes import (
    PlanNotFound,
    current_plan,
    move_workout,
    pause_plan,
    resume_plan,
    shorten_workout,
    skip_workout,
)
from coach.training.splits import SESSION_LABELS

OPTED_OUT_TEXT = "You're unsubscribed from Coach. Reply START any time to come back."
PHOTO_TEXT = (
    "Thanks for the photo! I can only read text, so tell me how it went in words, "
    "e.g. 'done' or 'squats 100kg 5x5'."
)
PAUSE_DONE_TEXT = (
    "Done, your plan is paused and I won't send workouts. Text RESUME when you're ready to go again."
)
ALREADY_PAUSED_TEXT = "Your plan is already paused. Text RESUME when you're ready to go again."
RESUMED_TEXT = "Welcome back! Your plan is on again and your workouts will come at the usual time."
ALREADY_ACTIVE_TEXT = "Your plan is already active. Text 'what's today' to see today's workout."
ACK_LOOKBACK = 3  # the coach's texts read for a question before a bare "ok" is taken as a thanks
REPLY_PROMPT = re.compile(r"\b(?:reply|text me|let me know|tell me)\b", re.IGNORECASE)
MIN_SHORTEN_MINUTES = 10  # below this, offer a skip
MAX_SHORTEN_MINUTES = 180
CANT_TRAIN = "cant_train"  # the pending question after "I can't train today": move it or skip it?
DAY_SHOWN = "day_shown"  # the pending "question" after a day or week answer: another day may be asked next
UNCLEAR_TIME_TEXT = "I couldn't read that time. Try something like 'text me at 6:30am'."


def respond(session: Session, turn: Turn) -> AgentReply | None:
    """Act on a text the fast path fully understands and return a one-line reply; None to leave it to the LLM.

    The reply's outcome is DETERMINISTIC and its path "fast:<intent>". The caller commits.
    """
    if turn.trainee.status not in (TraineeStatus.ACTIVE, TraineeStatus.PAUSED):
        return None
    if not turn.text:
        return _reply("photo", PHOTO_TEXT, turn) if turn.num_media else None
    answered = record_rating(session, turn)
    if answered is not None:
        return answered
    intent = _follow_up_day(session, turn) or _reschedule_answer(session, turn) or _one_intent(turn)
    if intent is not None:
        return _act(session, turn, intent)
    return record_report(session, turn)


def _one_intent(turn: Turn) -> Intent | SwapRequest | TrainingDaysRequest | None:
    """The intent every owed text states (two texts saying "pause" are one pause); None if they differ."""
    texts = [message.body for message in turn.texts if message.body.strip()]
    intents = {classify(text) or read_swap(text) or read_training_days(text) for text in texts}
    return intents.pop() if len(intents) == 1 else None


def _follow_up_day(session: Session, turn: Turn) -> WorkoutDay | None:
    """ "and thursday?" as the first thing said after a day or week answer: that day's workout, in the week
    just listed when it was a week."""
    answer = pending_answer(session, turn, DAY_SHOWN, follow_up_day)
    if answer is None:
        return None
    shown, day = answer
    try:
        week_of = date.fromisoformat(shown["week"]) if shown.get("week") else None
    except (TypeError, ValueError):
        week_of = None
    return replace(day, week_of=week_of)


def _reschedule_answer(session: Session, turn: Turn) -> MoveWorkout | SkipWorkout | None:
    """ "thursday" or "skip it" as the first thing said after "Want to move it or skip it?", the same day:
    that, for the day asked about."""
    answer = pending_answer(session, turn, CANT_TRAIN, reschedule_answer)
    if answer is None:
        return None
    asked_about, choice = answer
    try:
        meant = date.fromisoformat(str(asked_about["day"]))
        asked_on = date.fromisoformat(str(asked_about["on"]))
    except (KeyError, ValueError):
        return None
    if asked_on != turn.local_date:
        return None  # asked yesterday: "tomorrow" now means another day, so the LLM reads the answer
    day = WorkoutDay((meant - turn.local_date).days)
    return MoveWorkout(day, choice) if isinstance(choice, WorkoutDay) else SkipWorkout(day)


def _act(
    session: Session, turn: Turn, intent: Intent | SwapRequest | TrainingDaysRequest
) -> AgentReply | None:
    if isinstance(intent, OptOut):
        opt_out(session, turn.trainee, now=turn.now, source="sms:intent")
        reply = _reply("opt_out", OPTED_OUT_TEXT, turn)
        reply.opt_out = True
        return reply
    if isinstance(intent, PausePlan):
        return _pause(session, turn)
    if isinstance(intent, ResumePlan):
        return _resume(session, turn, returning=intent.returning)
    if isinstance(intent, SendTime):
        return _change_send_time(turn, intent)
    if isinstance(intent, WorkoutDay):
        body = day_answer(session, turn.trainee, intent.on(turn.local_date), turn.local_date)
        return None if body is None else _day_shown(_reply("workout_day", body, turn), turn)
    if isinstance(intent, WeekView):
        return _week(session, turn, intent)
    if isinstance(intent, NextWorkout):
        return _next(session, turn)
    if isinstance(intent, MoveWorkout):
        return _move(session, turn, intent)
    if isinstance(intent, SkipWorkout):
        return _skip(session, turn, intent)
    if isinstance(intent, CantTrain):
        return _cant_train(session, turn, intent)
    if isinstance(intent, ShortenWorkout):
        return _shorten(session, turn, intent)
    if isinstance(intent, SwapRequest):
        swapped = fast_swap.swap(session, turn, intent)
        return None if swapped is None else _reply(*swapped, turn)
    if isinstance(intent, TrainingDaysRequest):
        changed = fast_days.change_days(session, turn, intent)
        return None if changed is None else _reply(*changed, turn)
    if isinstance(intent, Acknowledgement):
        return _acknowledged(session, turn)
    return None


def _next(session: Session, turn: Turn) -> AgentReply | None:
    """The first workout still to do, today's included, as its day's text (a paused plan, or one with
    nothing left, gets `day_answer`'s line for today)."""
    today = turn.local_date
    upcoming = next_workout(session, turn.trainee.id, today)
    body = day_answer(session, turn.trainee, upcoming.scheduled_date if upcoming else today, today)
    return None if body is None else _day_shown(_reply("next_workout", body, turn), turn)


def _week(session: Session, turn: Turn, intent: WeekView) -> AgentReply | None:
    """The week's workouts in one line. On a Sunday with nothing left to do, "this week" is the week ahead
    (the answer says "Next week"): a trainee asking then is planning, and the week behind is over."""
    today = turn.local_date
    weeks = intent.weeks_ahead
    if weeks == 0 and today.isoweekday() == 7:
        weeks = 0 if _pending_on(session, turn.trainee.id, today) else 1
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    body = week_answer(session, turn.trainee, monday, today)
    return None if body is None else _day_shown(_reply("week", body, turn), turn, week=monday)


def _pending_on(session: Session, trainee_id: int, day: date) -> list[Workout]:
    return [w for w in workouts_on(session, trainee_id, day) if w.status is WorkoutStatus.PENDING]


def _day_workouts(
    session: Session,
    turn: Turn,
    day: date,
    verb: str,
    *,
    while_paused: bool = False,
    nothing: str | None = None,
) -> list[Workout] | AgentReply | None:
    """The pending workouts of `day` that a move, skip or shorten acts on; else the reply to give: a plain
    answer (`nothing`, or one naming the verb) when nothing is left that day, or (unless `while_paused`) when
    the plan is paused, since nothing goes out then; None when the trainee has no plan (the LLM explains)."""
    trainee, today = turn.trainee, turn.local_date
    plan = current_plan(session, trainee.id)
    if plan is None:
        return None
    if plan.status is PlanStatus.PAUSED and not while_paused:
        return _reply(f"{verb}_paused", workout_days.PAUSED_TEXT, turn)
    pending = _pending_on(session, trainee.id, day)
    if not pending:
        body = nothing or f"There's no workout left {on_day(day_name(day, today))} to {verb}."
        return _reply(f"{verb}_none", body, turn)
    return pending


def _move(session: Session, turn: Turn, intent: MoveWorkout) -> AgentReply | None:
    """Move the workout of one named day to another (a paused plan's too: the trainee plans ahead). Nothing
    to move, or a day it cannot go to, gets a plain answer; a trainee without a plan is left to the LLM."""
    trainee, today = turn.trainee, turn.local_date
    source, target = intent.source.on(today), intent.target.on(today)
    pending = _day_workouts(session, turn, source, "move", while_paused=True)
    if not isinstance(pending, list):
        return pending
    if target == source:
        return _reply("move_same", f"That workout is already {on_day(day_name(target, today))}.", turn)
    try:
        move_workout(session, trainee.id, pending[0].id, target, today=today)
    except (ValueError, LookupError) as exc:  # after the plan's end; logged by another text meanwhile
        return _reply("move_refused", f"I can't move it there: {exc}.", turn)
    moved = f"Done: {day_name(source, today)}'s workout moved to "
    if target == today:  # today's text may have gone out already, so here it is
        return _reply("move", f"{moved}today. Here it is:\n\n{pending[0].sms_text}", turn)
    doubled = len(_pending_on(session, trainee.id, target))
    both = f" That day now has {doubled} workouts; both come in its text." if doubled > 1 else ""
    return _reply("move", f"{moved}{day_label(target)}.{both}", turn)


def _skip(session: Session, turn: Turn, intent: SkipWorkout) -> AgentReply | None:
    """Skip the named day's workout (it is not sent, and not counted as missed) and say which comes next."""
    trainee, today = turn.trainee, turn.local_date
    day = intent.day.on(today)
    pending = _day_workouts(session, turn, day, "skip")
    if not isinstance(pending, list):
        return pending
    for workout in pending:  # the day's workouts: one moved there joins the day's own
        skip_workout(session, trainee.id, workout.id)
    skipped = f"Done: {day_name(day, today)}'s workout is skipped, no catching up needed."
    upcoming = next_workout(session, trainee.id, today)
    if upcoming is None:
        return _reply("skip", skipped, turn)
    when = day_name(upcoming.scheduled_date, today)
    when = when if when in ("today", "tomorrow") else "on " + day_label(upcoming.scheduled_date)
    label = SESSION_LABELS[upcoming.session_type]
    return _reply("skip", f"{skipped} Next up: {label} {when}.", turn)


def _cant_train(session: Session, turn: Turn, intent: CantTrain) -> AgentReply | None:
    """ "I can't train today": ask whether to move that day's workout (to the week's next free day in the
    plan, as an example) or skip it, and remember the question for the answer."""
    trainee, today = turn.trainee, turn.local_date
    day = intent.day.on(today)
    name = day_name(day, today)
    nothing = f"No workout left {on_day(name)}, so nothing to change."
    pending = _day_workouts(session, turn, day, "cant_train", nothing=nothing)
    if not isinstance(pending, list):
        return pending
    free = _free_day_after(session, trainee.id, day)
    where = f" to {day_name(free, today)}" if free else " to another day"
    body = f"No problem. Want to move {name}'s workout{where}, or skip it? Reply with a day or 'skip'."
    reply = _reply("cant_train", body, turn)
    remember_question(turn.conversation, asked(turn, CANT_TRAIN, day=day.isoformat(), on=today.isoformat()))
    return reply


def _free_day_after(session: Session, trainee_id: int, day: date) -> date | None:
    """The first day after `day`, in its week and the current plan, with no workout."""
    plan = current_plan(session, trainee_id)
    last = day + timedelta(days=7 - day.isoweekday())
    if plan is not None:
        last = min(last, plan.end_date)
    busy = set(
        session.scalars(
            current_workouts(trainee_id)
            .with_only_columns(Workout.scheduled_date)
            .where(Workout.scheduled_date.between(day, last))
        )
    )
    later = (day + timedelta(days=n) for n in range(1, (last - day).days + 1))
    return next((d for d in later if d not in busy), None)


def _shorten(session: Session, turn: Turn, intent: ShortenWorkout) -> AgentReply | None:
    """Fit the named day's workout into the minutes given (extras go first, main lifts stay) and send it
    back as it now stands. Too little time for any workout gets the offer of a skip."""
    if intent.minutes > MAX_SHORTEN_MINUTES:
        return None  # not a short day: whatever it means, the LLM reads it
    today = turn.local_date
    day = intent.day.on(today)
    name = day_name(day, today)
    pending = _day_workouts(session, turn, day, "shorten")
    if not isinstance(pending, list):
        return pending
    if len(pending) > 1:
        return None  # two workouts that day: which one gets the time is the LLM's question
    workout = pending[0]
    fits = f"{name.capitalize()}'s workout already takes about {{}} min, so it fits."
    if workout.estimated_minutes is not None and workout.estimated_minutes <= intent.minutes:
        return _reply("shorten_fits", fits.format(workout.estimated_minutes), turn)
    if intent.minutes < MIN_SHORTEN_MINUTES:
        body = f"{intent.minutes} min is too little for this one. Want to skip it? Text 'skip {name}'."
        return _reply("shorten_too_short", body, turn)
    result = shorten_workout(session, turn.trainee.id, workout.id, intent.minutes)
    if result.minutes_before <= intent.minutes:  # no estimate was stored; now there is one, and it fits
        return _reply("shorten_fits", fits.format(result.minutes_before), turn)
    kept = ""
    if result.has_main_lifts:
        kept = ", every main lift kept" + (" with fewer sets" if result.main_sets_removed else "")
    if result.fits:
        done = f"Done: {name}'s workout now takes about {result.minutes_after} min{kept}."
    else:
        done = (
            f"Done: I cut it as far as it goes{kept}, but {name}'s workout still takes about "
            f"{result.minutes_after} min. Keep the rests short."
        )
    return _reply("shorten", f"{done} Here it is:\n\n{workout.sms_text}", turn)


def _acknowledged(session: Session, turn: Turn) -> AgentReply | None:
    """A bare "ok thanks" needs no answer, unless it answers the coach: "ok" to "Swap lunges for step-ups?"
    or to "Reply YES to confirm" is a yes, which the LLM acts on. Saying nothing to a thanks is how a good
    coach texts, and costs nothing. The coach's last few texts are read (a long reply goes out in parts)."""
    last = session.scalars(
        sa.select(Message.body)
        .where(
            Message.trainee_id == turn.trainee.id,
            Message.direction == Direction.OUTBOUND,
            Message.id < turn.texts[0].id,
        )
        .order_by(Message.id.desc())
        .limit(ACK_LOOKBACK)
    ).all()
    if any("?" in body or REPLY_PROMPT.search(body) for body in last):
        return None
    remember_question(turn.conversation, None)
    return AgentReply(body=None, outcome=AgentOutcome.DETERMINISTIC, path="fast:ack")


def _pause(session: Session, turn: Turn) -> AgentReply | None:
    try:
        result = pause_plan(session, turn.trainee.id)
    except PlanNotFound:
        return None  # nothing to pause yet (plan still being built): the LLM explains
    return _reply("pause", PAUSE_DONE_TEXT if result.changed else ALREADY_PAUSED_TEXT, turn)


def _resume(session: Session, turn: Turn, *, returning: bool) -> AgentReply | None:
    if returning and turn.trainee.status is not TraineeStatus.PAUSED:
        return None  # "I'm back" from an active trainee is small talk, not a command
    try:
        result = resume_plan(session, turn.trainee.id)
    except PlanNotFound:
        return None
    return _reply("resume", RESUMED_TEXT if result.changed else ALREADY_ACTIVE_TEXT, turn)


def _change_send_time(turn: Turn, request: SendTime) -> AgentReply:
    trainee = turn.trainee
    at = request.resolve(trainee.send_time)
    if at is None:
        return _reply("send_time_unclear", UNCLEAR_TIME_TEXT, turn)
    trainee.send_time = at
    # Even inside quiet hours: a daily text at the time the trainee chose is one they asked for.
    body = f"Done. I'll text your workouts at {clock(at)} ({trainee.time_zone} time)."
    return _reply("send_time", body, turn)


def clock(at: time) -> str:
    """A time of day as a trainee reads it: "6:30 AM"."""
    return f"{at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _day_shown(reply: AgentReply, turn: Turn, week: date | None = None) -> AgentReply:
    """Remember that a day or a week (its Monday) was shown: another day may be asked next."""
    details = {"week": week.isoformat()} if week else {}
    remember_question(turn.conversation, asked(turn, DAY_SHOWN, **details))
    return reply


def _reply(intent: str, body: str, turn: Turn) -> AgentReply:
    # Whatever the coach was waiting to hear, the conversation has moved on.
    remember_question(turn.conversation, None)
    return AgentReply(body=body, outcome=AgentOutcome.DETERMINISTIC, path=f"fast:{intent}")
