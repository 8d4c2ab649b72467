"""The fast path's logging: workout reports the parser fully understands, and the rating asked after "done".

A report ("done", "skipped", "squats 100kg 5x5 @8", "legs sore 3/5") is stored with `record_log`, keyed on the
newest text so a retried job stores nothing twice. A plain "done" gets one follow-up, "How hard was it,
1-10?", remembered in the conversation state under "pending"; the next text, if it is only a rating and
comes within `QUESTION_MAX_AGE`, becomes that session's RPE.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.intents import rating
from coach.agent.turn import AgentReply, Turn
from coach.models import Conversation, FitnessPlan, Message, Microcycle, Workout, WorkoutLog
from coach.models.enums import AgentOutcome, Direction, PlanStatus, Units, WorkoutStatus
from coach.movements.library import load_library
from coach.training.log_confirmation import confirmation
from coach.training.log_parsing import MovementIndex, ParsedLog, parse_log
from coach.training.workout_log import LogResult, record_log

PENDING = "pending"
T = TypeVar("T")
SESSION_RPE = "session_rpe"
SESSION_RPE_QUESTION = "How hard was it, 1-10?"
QUESTION_MAX_AGE = timedelta(hours=12)


@cache
def movement_index() -> MovementIndex:
    """The log parser's index of the packaged movement library, built once per process."""
    return MovementIndex.from_library(load_library())


def remember_question(conversation: Conversation, question: dict[str, Any] | None) -> None:
    """Set (or with None, drop) the question the coach waits on; a new dict so SQLAlchemy sees the change."""
    state = dict(conversation.state or {})
    if question is None and PENDING not in state:
        return
    state.pop(PENDING, None)
    if question is not None:
        state[PENDING] = question
    conversation.state = state


def pending_answer(
    session: Session, turn: Turn, kind: str, read: Callable[[str], T | None]
) -> tuple[dict[str, Any], T] | None:
    """The pending question of `kind` and the one answer every owed text gives to it (`read` gives None for
    a text that is no answer), while the question is still open; None otherwise."""
    question = (turn.conversation.state or {}).get(PENDING)
    if not isinstance(question, dict) or question.get("question") != kind:
        return None
    values = {read(message.body) for message in turn.texts if message.body.strip()}
    value = values.pop() if len(values) == 1 else None
    if value is None or not question_still_open(session, turn, question):
        return None
    return question, value


def record_report(session: Session, turn: Turn) -> AgentReply | None:
    """Store a workout report the parser understands in full; None for anything else (or a bare feel note).

    A completion or sets on a day with no open workout count for yesterday's workout when that one is still
    open (the answer to "did you get yesterday's workout done?"). The caller commits.
    """
    trainee = turn.trainee
    parsed = parse_log(turn.text, units=trainee.units, index=movement_index())
    if not parsed.fully_understood or not _reports_something(parsed):
        return None
    day = turn.local_date
    if parsed.sets or parsed.completion or parsed.session_rpe is not None:
        day = _session_day(session, trainee.id, turn.local_date)
    try:
        with session.begin_nested():  # a refused log (impossible weight) leaves nothing half-written
            result = record_log(
                session, trainee.id, parsed, local_date=day, source_message_id=turn.newest_id, now=turn.now
            )
    except (LookupError, ValueError):
        return None
    body = _confirm(result, trainee.units, yesterday=day < turn.local_date)
    asks = result.completed is True and not result.sets and parsed.session_rpe is None
    remember_question(turn.conversation, _question(turn, day, result) if asks else None)
    if asks:
        body = f"{body} {SESSION_RPE_QUESTION}"
    return AgentReply(body=body, outcome=AgentOutcome.DETERMINISTIC, path="fast:log")


def record_rating(session: Session, turn: Turn) -> AgentReply | None:
    """Store "7" / "8/10" / "about a 6" as the session RPE the coach just asked for; None otherwise.

    Only an answer to the pending question counts: asked less than `QUESTION_MAX_AGE` ago, and nothing else
    said since. The caller commits.
    """
    answer = pending_answer(session, turn, SESSION_RPE, rating)
    if answer is None:
        return None
    question, value = answer
    log = session.get(WorkoutLog, question.get("workout_log_id"))
    if log is None or log.trainee_id != turn.trainee.id:
        return None
    log.session_rpe = Decimal(str(value))  # setting the same value again is harmless, so retries are too
    remember_question(turn.conversation, None)
    return AgentReply(
        body=f"Got it, {value:g}/10 for that session. Thanks!",
        outcome=AgentOutcome.DETERMINISTIC,
        path="fast:rating",
    )


def _reports_something(parsed: ParsedLog) -> bool:
    # A text of only feel notes ("felt great") stores nothing; the LLM answers it better than a form reply.
    return bool(parsed.sets or parsed.completion or parsed.soreness or parsed.session_rpe is not None)


def _session_day(session: Session, trainee_id: int, today: date) -> date:
    """Today, unless today has no open workout and yesterday's is still open."""
    yesterday = today - timedelta(days=1)
    open_days = set(
        session.scalars(
            sa.select(Workout.scheduled_date)
            .join(Microcycle, Microcycle.id == Workout.microcycle_id)
            .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
            .where(
                Workout.trainee_id == trainee_id,
                FitnessPlan.trainee_id == trainee_id,
                FitnessPlan.status == PlanStatus.ACTIVE,
                Workout.status == WorkoutStatus.PENDING,
                Workout.scheduled_date.in_([today, yesterday]),
            )
        )
    )
    return yesterday if yesterday in open_days and today not in open_days else today


def _confirm(result: LogResult, units: Units, *, yesterday: bool) -> str:
    body = confirmation(result, units)
    # The confirmation speaks of "today's workout"; say which day it really was.
    return body.replace("today's", "yesterday's") if yesterday else body


def asked(turn: Turn, question: str, **details: Any) -> dict[str, Any]:
    """What the coach waits on after answering `turn` (see `question_still_open`)."""
    return {
        "question": question,
        "asked_at": turn.now.isoformat(),
        "after_message_id": turn.newest_id,
        **details,
    }


def _question(turn: Turn, day: date, result: LogResult) -> dict[str, Any]:
    return asked(turn, SESSION_RPE, log_date=day.isoformat(), workout_log_id=result.workout_log_id)


def question_still_open(session: Session, turn: Turn, question: dict[str, Any]) -> bool:
    """True when the question is recent and these texts are the first the trainee sent after it."""
    try:
        asked_at = datetime.fromisoformat(str(question["asked_at"]))
        after_id = int(question["after_message_id"])
    except (KeyError, TypeError, ValueError):
        return False
    if not timedelta(0) <= turn.now - asked_at <= QUESTION_MAX_AGE:
        return False
    said_since = session.scalar(
        sa.select(
            sa.exists().where(
                Message.trainee_id == turn.trainee.id,
                Message.direction == Direction.INBOUND,
                Message.id > after_id,
                Message.id < turn.texts[0].id,
            )
        )
    )
    return not said_since
