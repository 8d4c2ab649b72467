"""What the coach sees in a turn: read in one statement whatever the history, and older turns summarised."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from coach.agent.context import (
    HISTORY_CHARS,
    HISTORY_MESSAGES,
    context_parameters,
    fold_into_summary,
    load_context,
)
from coach.agent.context_query import CONTEXT_SQL, PARAMETERS
from coach.agent.llm import build_chat_model
from coach.agent.summary import SUMMARY_CHARS
from coach.agent.turn import Turn
from coach.config import Settings
from coach.conversation.answer import answer_inbound
from coach.models import (
    AgentRun,
    Conversation,
    FitnessPlan,
    FitnessProfile,
    Message,
    OutboundMessage,
    Trainee,
    Workout,
)
from coach.models.enums import (
    AgentOutcome,
    DeliveryState,
    Direction,
    ExerciseRole,
    OutboundKind,
    PersonaTone,
    PlanStatus,
    TraineeStatus,
    Units,
)
from coach.movements.library import load_library
from coach.training.generator import generate_plan
from coach.training.log_parsing import ParsedLog, SetEntry, SorenessEntry
from coach.training.persist import save_plan
from coach.training.profile import profile_from_records
from coach.training.workout_log import record_log
from tests import factories
from tests.doubles import openai_api as llm

START = date(2030, 1, 7)  # a Monday; the example trains Mon, Tue, Thu and Fri
ZONE = "America/Chicago"
LIBRARY = load_library()
WORKOUT_TEXT = (
    "Mon Mar 04 - Upper body (hypertrophy)\n"
    "Warm-up: Thoracic Rotation 4 min, Band Pull-Apart 3 min\n"
    "Barbell Bench Press 4x6-8 @ 80kg\n"
    "Barbell Bent-Over Row 4x6-8 @RPE 8\n"
    "Incline Dumbbell Press 3x10-12 @RPE 8\n"
    "Cable Rear Delt Fly 2x12-15 @RPE 9\n"
    "Concentration Curl 3x10-12 @RPE 9\n"
    "Cool-down: Wall Slide 2 min\n"
    "Why: accumulation - build work capacity with more sets at moderate effort"
)
# One training day of texts, repeated: the workout, a log, the coach's reply, a question, its answer, an ack.
DAY = [
    (False, WORKOUT_TEXT),
    (True, "Bench 80kg 3x8, last set was a grind. Rows 60kg 4x8 @8"),
    (
        False,
        "Logged: bench 80kg 3x8 (e1RM 101kg), rows 60kg 4x8. Solid. Same bench load next time and aim "
        "for all 8s; add 2.5kg once it moves at RPE 8.",
    ),
    (True, "knee is a bit sore after lunges yesterday, should I still do legs tomorrow?"),
    (
        False,
        "Some soreness is normal. Warm up well and keep tomorrow's squats at RPE 7. If it's sharp pain "
        "rather than soreness, tell me and we'll swap the lunges out.",
    ),
    (True, "ok thanks"),
]


@dataclass
class Coached:
    owner: Trainee
    conversation: Conversation
    turn: Turn


def coached(
    db: Session,
    settings: Settings,
    *,
    name: str,
    week: int,
    messages: int,
    text: str = "Knee is a bit sore today, can we swap the lunges for something easier on it?",
    sent_today: bool = True,
) -> Coached:
    """A trainee `week` weeks into a 10-week plan (today is that week's Thursday, 18:00 local), every
    workout before today logged, soreness yesterday, `messages` texts of history, today's workout text
    sent at 07:00 (unless not `sent_today`) and one owed text."""
    owner = factories.trainee(
        db,
        name=name,
        status=TraineeStatus.ACTIVE,
        time_zone=ZONE,
        send_time=time(7, 0),
        training_days=[1, 2, 4, 5],
        persona_tone=PersonaTone.ANALYTICAL,
        persona_aggression=4,
        units=Units.KG,
    )
    db.add(
        FitnessProfile(
            trainee_id=owner.id,
            goals=[{"goal": "hypertrophy", "weight": 7}, {"goal": "strength", "weight": 3}],
            experience_level="intermediate",
            equipment=["barbell", "rack", "bench", "dumbbell", "cable", "machine", "pullup_bar"],
            limitations=[],
            days_per_week=4,
            session_minutes=60,
            injury_notes="old ankle sprain, fine now",
        )
    )
    conversation = factories.conversation(db, owner)
    db.flush()
    db.refresh(owner)
    assert owner.profile is not None
    training = profile_from_records(owner, owner.profile, [], {"bench_press": 100}, weeks=10)
    save_plan(db, owner.id, generate_plan(training, LIBRARY, START), units=owner.units)
    today = START + timedelta(weeks=week - 1, days=3)
    now = datetime.combine(today, time(18, 0), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    _log_everything_before(db, owner, today, now)
    _history(db, owner, conversation, messages, now)
    if sent_today:
        todays = db.scalar(
            sa.select(Workout.sms_text).where(Workout.trainee_id == owner.id, Workout.scheduled_date == today)
        )
        morning = datetime.combine(today, time(7, 0), tzinfo=ZoneInfo(ZONE))
        sent = _message(db, owner, conversation, todays or "", morning, inbound=False)
        sent.outbound_id = _queue(db, owner, [(todays or "", morning)])[0]
    owed = _message(db, owner, conversation, text, now, inbound=True)
    db.flush()
    db.refresh(owner)
    db.refresh(conversation)
    turn = Turn(trainee=owner, conversation=conversation, texts=[owed], now=now, settings=settings)
    return Coached(owner, conversation, turn)


def _log_everything_before(db: Session, owner: Trainee, today: date, now: datetime) -> None:
    workouts = db.scalars(
        sa.select(Workout)
        .where(Workout.trainee_id == owner.id, Workout.scheduled_date < today)
        .order_by(Workout.scheduled_date)
    ).all()
    for workout in workouts:
        entries = [
            SetEntry(
                row.movement.slug,
                row.movement.name,
                float(row.load_kg or 40),
                Units.KG,
                row.rep_min or 8,
                row.sets,
                8.0,
                None,
                None,
            )
            for row in workout.exercises
            if row.section is ExerciseRole.MAIN
        ]
        report = ParsedLog(entries, "done", [], 7.5, [], [])
        record_log(db, owner.id, report, local_date=workout.scheduled_date, source_message_id=None, now=now)
    sore = ParsedLog([], None, [SorenessEntry("quads", 3)], None, [], [])
    record_log(db, owner.id, sore, local_date=today - timedelta(days=1), source_message_id=None, now=now)


def _history(db: Session, owner: Trainee, conversation: Conversation, count: int, now: datetime) -> None:
    """`count` texts of a realistic day's pattern, spread evenly from the plan's start to an hour ago."""
    first = datetime.combine(START, time(12, 0), tzinfo=UTC)
    step = (now - timedelta(hours=1) - first) / max(count, 1)
    rows = []
    for index in range(count):
        inbound, body = DAY[index % len(DAY)]
        row = _row(owner, conversation, body, first + step * index, inbound=inbound)
        rows.append({**row, "handled_at": row["created_at"] if inbound else None})  # answered long ago
    workout_rows = [row for row in rows if row["body"] == WORKOUT_TEXT]
    if workout_rows:
        sent = _queue(db, owner, [(row["body"], row["created_at"]) for row in workout_rows])
        for row, outbound_id in zip(workout_rows, sent, strict=True):
            row["outbound_id"] = outbound_id
    if rows:
        db.execute(insert(Message), rows)


def _queue(db: Session, owner: Trainee, texts: list[tuple[str, datetime]]) -> list[int]:
    """Daily workout texts in the outbound queue, as the scheduler writes them; their ids in order."""
    values = [
        {
            "trainee_id": owner.id,
            "kind": OutboundKind.DAILY_WORKOUT,
            "body": body,
            "idempotency_key": f"daily:{owner.id}:{at.isoformat()}",
            "state": DeliveryState.DELIVERED,
        }
        for body, at in texts
    ]
    returned = db.execute(
        insert(OutboundMessage).values(values).returning(OutboundMessage.id, OutboundMessage.idempotency_key)
    ).all()
    ids = {key: outbound_id for outbound_id, key in returned}
    return [ids[value["idempotency_key"]] for value in values]


def _row(
    owner: Trainee, conversation: Conversation, body: str, at: datetime, *, inbound: bool
) -> dict[str, Any]:
    return {
        "conversation_id": conversation.id,
        "trainee_id": owner.id,
        "direction": Direction.INBOUND if inbound else Direction.OUTBOUND,
        "body": body,
        "status": DeliveryState.RECEIVED if inbound else DeliveryState.DELIVERED,
        "created_at": at,
    }


def _message(
    db: Session, owner: Trainee, conversation: Conversation, body: str, at: datetime, *, inbound: bool
) -> Message:
    message = Message(**_row(owner, conversation, body, at, inbound=inbound))
    db.add(message)
    db.flush()
    return message


@contextmanager
def counted(db: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    connection = db.connection()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)


def test_context_is_one_statement_for_a_first_week_with_3_texts_and_a_tenth_week_with_300(db, settings):
    early = coached(db, settings, name="Early", week=1, messages=3)
    late = coached(db, settings, name="Late", week=10, messages=300)
    with counted(db) as first:
        early_context = load_context(db, early.turn)
    with counted(db) as tenth:
        late_context = load_context(db, late.turn)
    assert len(first) == len(tenth) == 1
    assert early_context.week is not None and early_context.week.number == 1
    assert late_context.week is not None and late_context.week.number == 10


def test_context_holds_the_plan_its_week_today_and_next_workouts_logs_e1rms_and_soreness(db, settings):
    late = coached(db, settings, name="Dana", week=10, messages=40)
    context = load_context(db, late.turn)

    assert context.local_date == START + timedelta(weeks=9, days=3)
    assert context.trainee.name == "Dana" and context.trainee.persona_tone == "analytical"
    assert context.trainee.persona_aggression == 4 and context.trainee.send_time == "07:00"
    assert context.trainee.goals == (("hypertrophy", 7), ("strength", 3))
    assert context.plan is not None and context.plan.weeks == 10 and context.plan.status == "active"
    assert context.week is not None and context.week.number == 10
    assert [w.date for w in context.today] == [context.local_date]
    assert context.today[0].sms_text and context.today[0].status == "pending"
    assert context.next_workout is not None and context.next_workout.date == context.local_date + timedelta(
        days=1
    )
    assert [w.date.isoweekday() for w in context.week_workouts] == [1, 2, 4, 5]
    assert [w.status for w in context.week_workouts] == ["completed", "completed", "pending", "pending"]
    assert len(context.logs) == 5 and all(log.completed and log.sets for log in context.logs)
    assert [log.date for log in context.logs] == sorted((log.date for log in context.logs), reverse=True)
    assert 1 <= len(context.e1rms) <= 6
    assert [kg for _, kg in context.e1rms] == sorted((kg for _, kg in context.e1rms), reverse=True)
    assert [(s.body_part, s.level) for s in context.soreness] == [("quads", 3)]


def test_history_is_the_newest_texts_within_the_budget_in_order_without_the_owed_text(db, settings):
    late = coached(db, settings, name="Dana", week=10, messages=300)
    context = load_context(db, late.turn)

    history = context.history
    assert 1 <= len(history) <= HISTORY_MESSAGES
    assert sum(len(m.body) for m in history) <= HISTORY_CHARS
    assert [m.at for m in history] == sorted(m.at for m in history)
    assert late.turn.newest_id not in {m.id for m in history}
    newest_before = db.scalar(
        sa.select(Message.id)
        .where(Message.conversation_id == late.conversation.id, Message.id != late.turn.newest_id)
        .order_by(Message.created_at.desc())
        .limit(1)
    )
    assert history[-1].id == newest_before
    # Everything older is waiting to be folded into the summary (the newest few dozen of it).
    assert context.older and context.older[-1].at <= history[0].at


def test_cost_guard_figures_count_runs_since_local_midnight_and_texts_in_the_last_minute(db, settings):
    late = coached(db, settings, name="Dana", week=10, messages=3)
    now = late.turn.now
    midnight = datetime.combine(late.turn.local_date, time(), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    for at, calls, tokens in [(midnight - timedelta(minutes=5), 7, 7000), (midnight, 2, 1500), (now, 1, 900)]:
        db.add(
            AgentRun(
                trainee_id=late.owner.id,
                outcome=AgentOutcome.ANSWERED,
                llm_calls=calls,
                prompt_tokens=tokens - 100,
                completion_tokens=100,
                created_at=at,
            )
        )
    for seconds in (30, 50, 90):
        _message(db, late.owner, late.conversation, "hey", now - timedelta(seconds=seconds), inbound=True)
    _message(db, late.owner, late.conversation, "coach says hi", now - timedelta(seconds=10), inbound=False)
    db.flush()

    context = load_context(db, late.turn)

    assert (context.llm_calls_today, context.llm_tokens_today) == (3, 2400)
    assert context.texts_last_minute == 3  # the owed text and the two sent 30 and 50 seconds ago


def test_context_never_holds_another_trainees_plan_texts_or_name(db, settings):
    mine = coached(db, settings, name="Avery", week=3, messages=10)
    theirs = coached(db, settings, name="Blake", week=6, messages=10, text="my secret is 4242")
    _message(db, theirs.owner, theirs.conversation, "blake only", mine.turn.now, inbound=True)
    context = load_context(db, mine.turn)

    dumped = repr(context)
    assert "Blake" not in dumped and "4242" not in dumped and "blake only" not in dumped
    assert theirs.owner.phone not in dumped and mine.owner.phone not in dumped
    assert context.week is not None and context.week.number == 3


def test_the_query_reads_a_bounded_number_of_messages_not_the_whole_history(db, settings):
    late = coached(db, settings, name="Dana", week=10, messages=400)
    # Other trainees' texts, as in production, where one conversation is a sliver of the table.
    first = datetime.combine(START, time(12, 0), tzinfo=UTC)
    for _ in range(40):
        other = factories.trainee(db)
        chat = factories.conversation(db, other)
        rows = [
            _row(other, chat, "hello", first + timedelta(hours=i), inbound=i % 2 == 0) for i in range(150)
        ]
        db.execute(insert(Message), rows)
    db.execute(sa.text("ANALYZE messages"))
    explain = sa.text("EXPLAIN (ANALYZE, FORMAT JSON) " + CONTEXT_SQL).bindparams(*PARAMETERS)
    plan = db.execute(explain, context_parameters(late.turn)).scalar_one()
    nodes = list(_nodes(plan[0]["Plan"]))
    on_messages = [node for node in nodes if node.get("Relation Name") == "messages"]
    assert on_messages and all(node["Node Type"] != "Seq Scan" for node in on_messages), on_messages
    # Rows read from messages per scan (index rows returned + rows removed by filters) stay small.
    read = sum(n["Actual Rows"] * n["Actual Loops"] + n.get("Rows Removed by Filter", 0) for n in on_messages)
    assert read < 120, json.dumps(on_messages, indent=1)
    print("\nmessages rows read by the context query:", read)


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def test_texts_that_left_the_window_are_folded_once_into_a_short_dated_summary(db, settings):
    late = coached(db, settings, name="Dana", week=10, messages=300)
    context = load_context(db, late.turn)
    assert context.older

    fold_into_summary(db, late.turn, context)
    db.flush()

    summary = late.conversation.summary
    assert summary and len(summary) <= SUMMARY_CHARS
    assert all(re.match(r"(Jan|Feb|Mar) \d\d: \S", line) for line in summary.splitlines()), summary
    assert (
        "ok thanks" not in summary and DAY[2][1][:30] not in summary
    )  # acknowledgements and coach texts left out
    memory = late.conversation.state["memory"]
    assert memory["summary_through_id"] == context.older[-1].id

    again = load_context(db, late.turn)
    assert again.older == () and again.summary == summary
    assert {m.id for m in again.history} == {m.id for m in context.history}
    with counted(db) as statements:
        fold_into_summary(db, late.turn, again)
        db.flush()
    assert statements == [] and late.conversation.summary == summary


def test_newer_texts_push_older_summary_lines_out(db, settings):
    late = coached(db, settings, name="Dana", week=10, messages=60)
    fold_into_summary(db, late.turn, load_context(db, late.turn))
    db.flush()
    before = late.conversation.summary or ""
    base = late.turn.now - timedelta(minutes=30)
    for index in range(20):
        body = f"new question number {index} about my training block and recovery this week"
        _message(db, late.owner, late.conversation, body, base + timedelta(seconds=index), inbound=True)
    db.flush()

    fold_into_summary(db, late.turn, load_context(db, late.turn))
    db.flush()

    after = late.conversation.summary or ""
    assert len(after) <= SUMMARY_CHARS and "new question number" in after
    assert after.splitlines()[0] != before.splitlines()[0]


def test_nothing_is_folded_while_the_whole_conversation_fits(db, settings):
    early = coached(db, settings, name="Early", week=1, messages=3)
    context = load_context(db, early.turn)
    assert len(context.history) == 4 and context.older == ()  # three texts and this morning's workout
    fold_into_summary(db, early.turn, context)
    assert early.conversation.summary is None and "memory" not in early.conversation.state


def test_a_paused_plan_is_still_the_current_plan(db, settings):
    late = coached(db, settings, name="Dana", week=2, messages=3)
    db.execute(
        sa.update(FitnessPlan).where(FitnessPlan.trainee_id == late.owner.id).values(status=PlanStatus.PAUSED)
    )
    context = load_context(db, late.turn)
    assert context.plan is not None and context.plan.status == "paused"
    assert context.week is not None and context.week.number == 2


def test_an_llm_turn_costs_the_same_statements_in_week_1_and_week_10_and_keeps_the_folded_summary(
    db, llm_settings, openai_api
):
    model = build_chat_model(llm_settings)
    early = coached(db, llm_settings, name="Early", week=1, messages=3)
    late = coached(db, llm_settings, name="Late", week=10, messages=300)
    counts = []
    for who in (early, late):
        openai_api.push(llm.reply("Swap the lunges for step-ups today and keep them slow."))
        with counted(db) as statements:
            queued = answer_inbound(
                db, who.turn.newest_id, now=who.turn.now, settings=llm_settings, model=model
            )
        assert queued
        counts.append(len(statements))
    assert counts[0] == counts[1]

    db.expire_all()  # read back what the turn wrote, not the session's copy
    conversation = db.get(Conversation, late.conversation.id)
    assert conversation is not None and conversation.summary and conversation.state["memory"]
    assert load_context(db, late.turn).older == ()  # folded: the next turn reads after it
