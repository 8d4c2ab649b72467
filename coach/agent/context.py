"""What the coach knows about a trainee when it thinks about their texts, read in one SQL statement.

`load_context` returns a `CoachContext`: profile and persona, the current plan and week, today's and the
next workout, recent sessions, best e1RMs, soreness and readiness, the recent conversation (newest texts
up to a token budget, in order) and the summary of older turns, plus the figures the cost guard needs.
Its cost is the same for a trainee's first week and their tenth (see `context_query`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from coach.agent.context_query import CONTEXT_QUERY
from coach.agent.summary import fold_into_summary
from coach.agent.turn import Turn

__all__ = ["CoachContext", "fold_into_summary", "load_context"]

# The conversation window: about 700 tokens at four characters a token, and at most 16 texts. Each text
# is counted with the JSON around it in the request ({"role":"assistant","content":""},).
HISTORY_TOKENS = 700
HISTORY_CHARS = HISTORY_TOKENS * 4
HISTORY_MESSAGES = 16
MESSAGE_OVERHEAD_CHARS = 36
# One long text (an old workout) is cut here, so it cannot take the whole window; a reply is <= 300.
MESSAGE_CHARS = 300
# Texts that fell out of the window, read for the summary: enough for its ~600 characters.
FOLD_MESSAGES = 40
FOLD_CHARS = 160
LOG_SESSIONS = 5
SETS_PER_LOG = 3
E1RM_MOVEMENTS = 6
E1RM_DAYS = 90
SORENESS_DAYS = 7
SORENESS_ENTRIES = 4


@dataclass(frozen=True)
class TraineeBrief:
    """Who the coach is talking to (never their phone number)."""

    name: str | None
    time_zone: str
    send_time: str | None
    training_days: tuple[int, ...]
    status: str
    units: str
    persona_tone: str
    persona_aggression: int
    goals: tuple[tuple[str, int], ...]
    experience: str | None
    equipment: tuple[str, ...]
    limitations: tuple[str, ...]
    injury_notes: str | None
    session_minutes: int | None
    hard_no: tuple[str, ...]


@dataclass(frozen=True)
class PlanBrief:
    name: str
    goal: str
    status: str
    split: str
    start: date
    end: date
    weeks: int
    days_per_week: int


@dataclass(frozen=True)
class WeekBrief:
    number: int
    start: date
    phase: str
    is_deload: bool
    focus: str | None


@dataclass(frozen=True)
class WorkoutBrief:
    date: date
    status: str
    session_type: str
    focus: str | None = None
    minutes: int | None = None
    sms_text: str | None = None


@dataclass(frozen=True)
class TopSet:
    name: str
    weight_kg: float
    reps: int
    sets: int
    rpe: float | None


@dataclass(frozen=True)
class SessionLog:
    date: date
    completed: bool
    session_rpe: float | None
    sets: tuple[TopSet, ...]


@dataclass(frozen=True)
class Soreness:
    date: date
    body_part: str
    level: int


@dataclass(frozen=True)
class Readiness:
    date: date
    sleep_hours: float | None
    energy: int | None
    stress: int | None


@dataclass(frozen=True)
class PastMessage:
    id: int
    inbound: bool
    body: str
    at: datetime


@dataclass(frozen=True)
class CoachContext:
    """Everything the prompt needs about one trainee at one moment; built by `load_context`.

    `history` is the recent conversation in order (oldest first) without the texts this turn answers;
    `older` holds texts that fell out of that window and are not in `summary` yet (for `fold_into_summary`).
    """

    local_now: datetime
    trainee: TraineeBrief
    plan: PlanBrief | None
    week: WeekBrief | None
    today: tuple[WorkoutBrief, ...]
    next_workout: WorkoutBrief | None
    week_workouts: tuple[WorkoutBrief, ...]
    logs: tuple[SessionLog, ...]
    e1rms: tuple[tuple[str, float], ...]
    soreness: tuple[Soreness, ...]
    readiness: Readiness | None
    summary: str | None
    history: tuple[PastMessage, ...]
    older: tuple[PastMessage, ...]
    llm_calls_today: int
    llm_tokens_today: int
    texts_last_minute: int

    @property
    def local_date(self) -> date:
        return self.local_now.date()


def load_context(session: Session, turn: Turn) -> CoachContext:
    """Read the coach's view of `turn.trainee` in one statement; nothing of any other trainee is read.

    The cost guard figures count agent runs since the trainee's local midnight and the trainee's inbound
    texts in the 60 seconds before `turn.now`.
    """
    row: dict[str, Any] = session.execute(CONTEXT_QUERY, context_parameters(turn)).scalar_one()
    return _context(turn.local_now, row)


def context_parameters(turn: Turn) -> dict[str, Any]:
    """The bound values of the context query for this turn (also what an EXPLAIN of it needs)."""
    local_now = turn.local_now
    today = local_now.date()
    midnight = datetime.combine(today, time(), tzinfo=local_now.tzinfo)
    return {
        "trainee_id": turn.trainee.id,
        "conversation_id": turn.conversation.id,
        "today": today,
        "e1rm_since": today - timedelta(days=E1RM_DAYS),
        "soreness_since": today - timedelta(days=SORENESS_DAYS),
        "day_start": midnight.astimezone(UTC),
        "minute_ago": turn.now - timedelta(seconds=60),
        "owed_ids": turn.message_ids,
        "log_limit": LOG_SESSIONS,
        "sets_per_log": SETS_PER_LOG,
        "e1rm_limit": E1RM_MOVEMENTS,
        "soreness_limit": SORENESS_ENTRIES,
        "body_chars": MESSAGE_CHARS,
        "budget_chars": HISTORY_CHARS,
        "message_overhead": MESSAGE_OVERHEAD_CHARS,
        "max_messages": HISTORY_MESSAGES,
        "fold_chars": FOLD_CHARS,
        "fold_limit": FOLD_MESSAGES,
    }


def _context(local_now: datetime, row: dict[str, Any]) -> CoachContext:
    plan, week = row["plan"], row["week"]
    return CoachContext(
        local_now=local_now,
        trainee=_trainee(row["trainee"]),
        plan=None if plan is None else _plan(plan),
        week=None if week is None else _week(week),
        today=tuple(_workout(item) for item in row["today"]),
        next_workout=None if row["next"] is None else _workout(row["next"]),
        week_workouts=tuple(_workout(item) for item in row["week_workouts"]),
        logs=tuple(_log(item) for item in row["logs"]),
        e1rms=tuple((item["name"], float(item["kg"])) for item in row["e1rms"]),
        soreness=tuple(
            Soreness(_day(item["log_date"]), item["body_part"], item["level"]) for item in row["soreness"]
        ),
        readiness=None if row["readiness"] is None else _readiness(row["readiness"]),
        summary=row["summary"],
        history=tuple(_message(item) for item in row["history"]),
        older=tuple(_message(item) for item in row["older"]),
        llm_calls_today=int(row["llm_calls_today"]),
        llm_tokens_today=int(row["llm_tokens_today"]),
        texts_last_minute=int(row["texts_last_minute"]),
    )


def _trainee(data: dict[str, Any]) -> TraineeBrief:
    return TraineeBrief(
        name=data["name"],
        time_zone=data["time_zone"],
        send_time=data["send_time"],
        training_days=tuple(data["training_days"] or ()),
        status=data["status"],
        units=data["units"],
        persona_tone=data["persona_tone"],
        persona_aggression=int(data["persona_aggression"]),
        goals=tuple((item["goal"], int(item["weight"])) for item in data["goals"] or ()),
        experience=data["experience_level"],
        equipment=tuple(data["equipment"] or ()),
        limitations=tuple(data["limitations"] or ()),
        injury_notes=data["injury_notes"],
        session_minutes=data["session_minutes"],
        hard_no=tuple(data["hard_no"] or ()),
    )


def _plan(data: dict[str, Any]) -> PlanBrief:
    return PlanBrief(
        name=data["name"],
        goal=data["goal"],
        status=data["status"],
        split=data["split_template"],
        start=_day(data["start_date"]),
        end=_day(data["end_date"]),
        weeks=data["duration_weeks"],
        days_per_week=data["days_per_week"],
    )


def _week(data: dict[str, Any]) -> WeekBrief:
    return WeekBrief(
        number=data["week_number"],
        start=_day(data["start_date"]),
        phase=data["phase"],
        is_deload=bool(data["is_deload"]),
        focus=data["focus"],
    )


def _workout(data: dict[str, Any]) -> WorkoutBrief:
    return WorkoutBrief(
        date=_day(data["scheduled_date"]),
        status=data["status"],
        session_type=data["session_type"],
        focus=data.get("focus"),
        minutes=data.get("estimated_minutes"),
        sms_text=data.get("sms_text"),
    )


def _log(data: dict[str, Any]) -> SessionLog:
    return SessionLog(
        date=_day(data["log_date"]),
        completed=bool(data["completed"]),
        session_rpe=_number(data["session_rpe"]),
        sets=tuple(
            TopSet(s["name"], float(s["weight_kg"]), s["reps"], s["sets_done"], _number(s["rpe"]))
            for s in data["sets"]
        ),
    )


def _readiness(data: dict[str, Any]) -> Readiness:
    return Readiness(_day(data["log_date"]), _number(data["sleep_hours"]), data["energy"], data["stress"])


def _message(data: dict[str, Any]) -> PastMessage:
    at = datetime.fromisoformat(data["at"]).replace(tzinfo=UTC)
    return PastMessage(id=int(data["id"]), inbound=bool(data["inbound"]), body=data["body"] or "", at=at)


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _number(value: float | int | None) -> float | None:
    return None if value is None else float(value)
