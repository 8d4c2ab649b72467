"""Per-turn costs of the agent job: the SQL statements `answer_inbound` issues, and the prompt the LLM reads.

Runs in process against a scratch database and the local OpenAI double. Simulated time lies about three
months ahead of the real clock, so every row a turn stamps with the database's `now()` is older than the
simulated instant; `Clock.stamp` then moves those rows to the simulated instant, as if they had been written
then. The scheduler's statements (daily texts, previews, nudges), the weekly progression and the sender run
on the same clock, so a trainee's history is what the product itself would have written.
"""

from __future__ import annotations

import json
import secrets
import time as time_module
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from bench.common import ms, print_table
from coach.agent.context import HISTORY_MESSAGES
from coach.agent.llm import OpenAIChat
from coach.agent.onboarding.extract import Extraction
from coach.agent.prompt import SYSTEM_PROMPT
from coach.agent.tools_schema import TOOLS
from coach.config import TEST, Settings
from coach.conversation.answer import answer_inbound
from coach.db import make_engine
from coach.messaging import delivery
from coach.messaging.inbound import receive_sms
from coach.messaging.quiet import zone
from coach.messaging.sms import SendResult
from coach.messaging.text import segment_count
from coach.models import AgentRun, Microcycle, Trainee, Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, WorkoutStatus
from coach.movements.library import seed_movements
from coach.scheduling import due, weekly
from coach.training.progression import progress_week
from tests.agent_helpers import coached_trainee
from tests.doubles import openai_api as llm
from tests.doubles.openai_api import OpenAIDouble
from tests.messaging_helpers import inbound_params

TIME_ZONE = "America/New_York"
SEND_TIME = time(8, 0)  # the simulated trainee's daily text time
WHY_SQUATS = "why so many squats?"
FAST_LOG = "did it, squats 100kg 5x5 @8"
STATEMENT_TARGET = 8
TOKEN_TARGET = 3000
# Rows the database stamped with its own now() are older than this; simulated instants are all later.
SIMULATION_LEAD = timedelta(days=80)
# The onboarding extraction a model returns for a text that says nothing the parsers missed.
ALL_NULL_EXTRACTION = json.dumps(dict.fromkeys(Extraction.model_fields))


@dataclass
class World:
    """The scratch database, the settings the agent job runs with, and the OpenAI double it calls."""

    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings
    llm: OpenAIDouble
    model: OpenAIChat

    def close(self) -> None:
        self.llm.stop()
        self.engine.dispose()


def open_world(database_url: str) -> World:
    """Seed the movement library into a migrated database and start the OpenAI double."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        seed_movements(session)
    double = OpenAIDouble().start()
    settings = Settings(
        env=TEST,
        database_url=database_url,
        public_base_url="https://coach.bench",
        twilio_from_number="+15550009999",
        openai_api_key="bench-key",
        openai_base_url=double.base_url,
        coach_model="gpt-4o-mini",
        llm_timeout_seconds=10.0,
        llm_max_retries=0,
    )
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return World(engine, sessions, settings, double, OpenAIChat(settings))


def empty_tables(world: World) -> None:
    with world.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE trainees, agent_runs RESTART IDENTITY CASCADE"))


def first_monday() -> date:
    """A Monday about three months ahead (see the module docstring)."""
    day = (datetime.now(UTC) + SIMULATION_LEAD).date()
    return day + timedelta(days=(7 - day.weekday()) % 7)


def local(day: date, at: str, time_zone: str = TIME_ZONE) -> datetime:
    """`at` ("18:30") on `day` in the trainee's zone, as a UTC instant."""
    return datetime.combine(day, time.fromisoformat(at), zone(time_zone)).astimezone(UTC)


@dataclass
class Clock:
    """Simulated time for one world: ticks the scheduler, progresses weeks, sends what is due, stamps rows."""

    world: World
    now: datetime
    sent: list[str] = field(default_factory=list)

    def advance(self, to: datetime) -> None:
        """Run the scheduler over (now, to] and send what fell due, as the scheduler and sender would."""
        if to <= self.now:
            return
        win = due.window(to, to - self.now)
        with self.world.sessions() as session:
            due.queue_due_texts(session, win)
            session.commit()
            for trainee_id, week in weekly.weeks_to_prepare(session, win):
                progress_week(session, trainee_id, week, now=to)
                session.commit()
        self.now = to
        self.deliver()

    def deliver(self) -> None:
        """Send every due text (recording its body) and stamp the stored messages with `now`."""
        with self.world.sessions() as session:
            while delivery.send_due(session, self, self.world.settings, self.now, limit=16):
                pass
        self.stamp()

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        """The SMS backend of the simulation: every text is delivered at once."""
        self.sent.append(body)
        return SendResult(sid="SM" + secrets.token_hex(16), status="delivered", segments=segment_count(body))

    def stamp(self) -> None:
        """Move rows the database stamped with its real now() to the simulated instant."""
        real = {"real": datetime.now(UTC) + timedelta(days=1), "at": self.now}
        with self.world.engine.begin() as conn:
            for table in ("messages", "outbound_messages", "agent_runs"):
                conn.execute(
                    sa.text(f"UPDATE {table} SET created_at = :at WHERE created_at < :real"),  # noqa: S608
                    real,
                )

    def text(self, phone: str, body: str) -> int:
        """Store an inbound text as the webhook does (at `now`); returns its message id."""
        result = receive_sms(self.world.sessions, inbound_params(phone, body), now=self.now, segment_budget=3)
        self.stamp()
        assert result.message_id is not None
        return result.message_id

    def answer(self, message_id: int) -> bool:
        """Run the agent job's transaction for a stored text at `now`, then send its reply."""
        with self.world.sessions() as session:
            queued = answer_inbound(
                session, message_id, now=self.now, settings=self.world.settings, model=self.world.model
            )
        self.deliver()
        return queued


@dataclass
class StatementLog:
    """Every statement the engine sends while recording (SQLAlchemy's before_cursor_execute)."""

    engine: Engine
    statements: list[str] = field(default_factory=list)

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        self.statements = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            self.statements.append(statement)

        event.listen(self.engine, "before_cursor_execute", record)
        try:
            yield self.statements
        finally:
            event.remove(self.engine, "before_cursor_execute", record)


@dataclass(frozen=True)
class TurnCost:
    label: str
    statements: list[str]
    path: str
    llm_calls: int
    seconds: float


def measured_turn(world: World, clock: Clock, phone: str, body: str, label: str) -> TurnCost:
    """Store a text, then count the statements `answer_inbound` alone issues for it, and time it."""
    message_id = clock.text(phone, body)
    log = StatementLog(world.engine)
    with log.recording() as statements, world.sessions() as session:
        started = time_module.perf_counter()
        answer_inbound(session, message_id, now=clock.now, settings=world.settings, model=world.model)
        took = time_module.perf_counter() - started
    clock.deliver()
    run = last_run(world)
    return TurnCost(label, list(statements), run.path or "", run.llm_calls, took)


def last_run(world: World) -> AgentRun:
    with world.sessions() as session:
        run = session.scalars(sa.select(AgentRun).order_by(AgentRun.id.desc()).limit(1)).one()
        session.expunge(run)
        return run


# -- trainees ---------------------------------------------------------------------------------------------


def coached(world: World, clock: Clock, name: str, start: date) -> Trainee:
    """An onboarded trainee (Mon-Fri, the example profile) whose plan starts on `start`, texts at 08:00."""
    with world.sessions() as session:
        trainee = coached_trainee(session, name=name, time_zone=TIME_ZONE, start=start)
        trainee.send_time = SEND_TIME
        session.commit()
    clock.stamp()
    return trainee


def week_one_trainee(world: World, monday: date) -> tuple[Trainee, Clock]:
    """Monday of week 1, evening: the workout text, a logged lift and the coach's confirmation (3 texts)."""
    clock = Clock(world, local(monday, "00:00"))
    trainee = coached(world, clock, "Avery", monday)
    training_day(world, clock, trainee, monday)
    return trainee, clock


def ten_week_trainee(world: World, monday: date, messages: int = 300) -> tuple[Trainee, Clock]:
    """A trainee whose plan started ten weeks before `monday`, with about `messages` texts of history.

    Every training day: the workout text at 08:00, a report in the evening (sets of the day's first main
    lift, or "done" and a rating), now and then "what's tomorrow"; on Sundays a question the LLM answers,
    which folds older texts into the summary as it would. Everything runs through the fast path, the
    scheduler, the weekly progression and the sender on the simulated clock. `monday` itself ends like the
    week-1 trainee's (the workout text, a logged lift, the confirmation).
    """
    start = monday - timedelta(weeks=10)
    clock = Clock(world, local(start, "00:00"))
    trainee = coached(world, clock, "Blake", start)
    day = start
    while day < monday:
        # "what's tomorrow?" now and then, as long as the history is short of its share of `messages`.
        share = messages * (day - start).days / (monday - start).days
        history_day(world, clock, trainee, day, chatty=message_count(world, trainee.id) < share)
        day += timedelta(days=1)
    training_day(world, clock, trainee, monday)
    return trainee, clock


def training_day(world: World, clock: Clock, trainee: Trainee, day: date) -> None:
    """The workout text at 08:00 and, at 18:05, the day's first main lift logged (the fast path)."""
    clock.advance(local(day, "08:00"))
    clock.advance(local(day, "18:05"))
    lift = first_main_lift(world, trainee.id, day) or FAST_LOG
    clock.answer(clock.text(trainee.phone, lift))


def history_day(world: World, clock: Clock, trainee: Trainee, day: date, *, chatty: bool) -> None:
    """One day of a veteran's history; `chatty` adds a "what's tomorrow?" in the evening."""
    clock.advance(local(day, "08:00"))
    n = (day - date(2000, 1, 3)).days
    if day.isoweekday() <= 5:
        lift = first_main_lift(world, trainee.id, day)
        clock.advance(local(day, "18:30"))
        if n % 3 == 0 or lift is None:
            clock.answer(clock.text(trainee.phone, "done"))
            clock.advance(local(day, "18:32"))
            clock.answer(clock.text(trainee.phone, str(6 + n % 3)))
        else:
            clock.answer(clock.text(trainee.phone, lift))
    elif day.isoweekday() == 7:
        world.llm.reset()
        world.llm.push(llm.reply("You're adding load most weeks and your sessions feel right. Keep going!"))
        clock.advance(local(day, "19:00"))
        clock.answer(clock.text(trainee.phone, "how's my progress looking?"))
    if chatty:
        clock.advance(local(day, "21:00"))
        clock.answer(clock.text(trainee.phone, "what's tomorrow?"))
    clock.advance(local(day, "23:59"))


# What the trainee reports lifting where the plan prescribes effort (RPE) rather than a load.
USUAL_LOAD_KG = {"Dumbbell": 22.5, "Barbell": 60.0, "Deadlift": 100.0, "Squat": 80.0, "Press": 40.0}


def first_main_lift(world: World, trainee_id: int, day: date) -> str | None:
    """The day's first loaded main lift as the trainee would report it: "Barbell Back Squat 80kg 4x6 @8"."""
    with world.sessions() as session:
        rows = session.scalars(
            sa.select(WorkoutExercise)
            .join(Workout, Workout.id == WorkoutExercise.workout_id)
            .where(
                Workout.trainee_id == trainee_id,
                Workout.scheduled_date == day,
                Workout.status == WorkoutStatus.PENDING,
                WorkoutExercise.section == ExerciseRole.MAIN,
                WorkoutExercise.rep_min.is_not(None),
            )
            .order_by(WorkoutExercise.id)
        )
        for row in rows:
            usual = next((kg for word, kg in USUAL_LOAD_KG.items() if word in row.movement.name), None)
            load = float(row.load_kg) if row.load_kg else usual
            if load:
                return f"{row.movement.name} {load:g}kg {row.sets}x{row.rep_min} @8"
        return None


def message_count(world: World, trainee_id: int) -> int:
    with world.sessions() as session:
        return int(
            session.scalar(sa.text("SELECT count(*) FROM messages WHERE trainee_id = :t"), {"t": trainee_id})
            or 0
        )


def plan_week(world: World, trainee_id: int, day: date) -> int | None:
    with world.sessions() as session:
        return session.scalar(
            sa.select(Microcycle.week_number)
            .join(Workout, Workout.microcycle_id == Microcycle.id)
            .where(Workout.trainee_id == trainee_id, Microcycle.start_date <= day)
            .order_by(Microcycle.start_date.desc())
            .limit(1)
        )


# -- the figures -----------------------------------------------------------------------------------------


@dataclass
class PromptSize:
    tokens: int
    system_chars: int
    context_chars: int
    history_chars: int
    history_messages: int
    owed_chars: int
    tools_chars: int


def prompt_size(request: dict[str, Any]) -> PromptSize:
    """Split the request the double received into its parts (characters of compact JSON)."""
    messages = request["messages"]

    def chars(value: Any) -> int:
        return len(json.dumps(value, separators=(",", ":")))

    history = messages[2:-1]
    return PromptSize(
        tokens=llm.estimate_tokens({"messages": messages, "tools": request.get("tools")}),
        system_chars=len(messages[0]["content"]),
        context_chars=len(messages[1]["content"]),
        history_chars=sum(chars(m) for m in history),
        history_messages=len(history),
        owed_chars=chars(messages[-1]),
        tools_chars=chars(request.get("tools") or []),
    )


@dataclass
class TurnFigures:
    costs: list[TurnCost]
    prompt: PromptSize
    context_text: str
    history_note: str


def measure_turns(world: World, *, quick: bool) -> TurnFigures:
    """Statements per turn for the week-1 and the 10-week trainee, a fast-path and onboarding turns."""
    monday = first_monday()
    costs: list[TurnCost] = []
    empty_tables(world)
    # The veteran's history comes first, so both measured turns find the process warm (connections open,
    # statements compiled, the LLM client connected).
    veteran, clock = ten_week_trainee(world, monday, messages=120 if quick else 300)
    fresh, fresh_clock = week_one_trainee(world, monday)
    costs.append(question_turn(world, fresh_clock, fresh, monday, "week 1"))
    week = plan_week(world, veteran.id, monday)
    costs.append(question_turn(world, clock, veteran, monday, f"10 weeks in (plan week {week})"))
    request = world.llm.requests[-1]
    history = f"{message_count(world, veteran.id) - 2} messages of history, 10 weeks in"

    tuesday = monday + timedelta(days=1)
    clock.advance(local(tuesday, "18:30"))
    costs.append(measured_turn(world, clock, veteran.phone, FAST_LOG, f"fast-path log '{FAST_LOG}'"))
    clock.advance(local(tuesday, "20:30"))
    costs.append(
        measured_turn(world, clock, veteran.phone, "what's tomorrow?", "fast-path 'what's tomorrow?'")
    )

    empty_tables(world)
    costs.extend(onboarding_turns(world, monday))
    return TurnFigures(costs, prompt_size(request), request["messages"][1]["content"], history)


def question_turn(world: World, clock: Clock, trainee: Trainee, monday: date, week: str) -> TurnCost:
    """Monday 19:00: a question the LLM answers in plain text, no tools."""
    clock.advance(local(monday, "19:00"))
    history = message_count(world, trainee.id)
    world.llm.reset()
    world.llm.push(llm.reply("Squats train your whole lower body, so they anchor the plan."))
    label = f"LLM turn, {week}, {history} messages of history"
    return measured_turn(world, clock, trainee.phone, WHY_SQUATS, label)


ONBOARDING_TEXTS = (
    ("Hi!", "onboarding, first text"),
    ("I'm Casey and I want to build muscle", "onboarding, an answer"),
    ("been lifting about 2 years", ""),
    ("Mon Wed Fri, about 60 minutes", ""),
    ("full gym", ""),
    ("no injuries", ""),
    ("7am works", ""),
    ("yes", ""),
)


def onboarding_turns(world: World, monday: date) -> list[TurnCost]:
    """A new number onboarding: its first text, an answer, and the text that finishes it (the plan)."""
    clock = Clock(world, local(monday, "19:00"))
    phone = "+12125550101"  # a New York number: onboarding suggests Eastern time
    costs: list[TurnCost] = []
    for body, label in ONBOARDING_TEXTS:
        world.llm.reset()
        world.llm.push(*[llm.reply(ALL_NULL_EXTRACTION)] * 2)
        cost = measured_turn(world, clock, phone, body, label)
        clock.advance(clock.now + timedelta(minutes=2))
        if active(world, phone):
            return [*costs, replace(cost, label="onboarding, last text (saves the plan)")]
        if label:
            costs.append(cost)
    return costs


def active(world: World, phone: str) -> bool:
    with world.sessions() as session:
        status = session.scalar(sa.select(Trainee.status).where(Trainee.phone == phone))
        return status is not None and status.value == "active"


def print_turns(figures: TurnFigures, *, verbose: bool) -> None:
    llm_turns = [c for c in figures.costs if c.path == "llm"]
    same = len({len(c.statements) for c in llm_turns}) == 1
    rows = []
    for cost in figures.costs:
        note = f"{ms(cost.seconds)}, path {cost.path}, {cost.llm_calls} LLM calls"
        if cost.path == "llm":
            note += " | target <= 8: " + ("PASS" if len(cost.statements) <= STATEMENT_TARGET else "MISS")
        rows.append((cost.label, f"{len(cost.statements)} statements", note))
    rows.append(
        ("LLM turns cost the same for both trainees", "yes" if same else "no", "PASS" if same else "MISS")
    )
    print_table(
        "SQL statements per agent turn (answer_inbound only; the webhook and sender not counted)", rows
    )
    if not same:
        first, *others = llm_turns
        for other in others:
            for statement in _extra(other.statements, first.statements):
                print(f"    only in '{other.label}': {' '.join(statement.split())[:100]}")
    if verbose:
        for cost in figures.costs:
            print(f"\n  {cost.label} ({cost.path}):")
            for n, statement in enumerate(cost.statements, 1):
                print(f"    {n:2}. {' '.join(statement.split())[:150]}")
    prompt = figures.prompt
    ok = prompt.tokens <= TOKEN_TARGET
    window = f"{prompt.history_messages} messages (at most {HISTORY_MESSAGES}; trimmed when over budget)"
    print_table(
        f"Prompt per LLM turn, trainee with {figures.history_note} (the double's estimate: chars/4)",
        [
            ("prompt tokens received by the double", f"{prompt.tokens} tokens", "PASS" if ok else "MISS"),
            ("  static system prompt", f"{prompt.system_chars} chars", f"{len(SYSTEM_PROMPT)} in prompt.py"),
            ("  dynamic context (2nd system message)", f"{prompt.context_chars} chars", ""),
            ("  conversation window", f"{prompt.history_chars} chars", window),
            ("  the owed text", f"{prompt.owed_chars} chars", ""),
            ("  tool schemas", f"{prompt.tools_chars} chars", f"{len(TOOLS)} tools"),
        ],
    )
    if verbose:
        print("\n  dynamic context:\n    " + figures.context_text.replace("\n", "\n    "))


def _extra(statements: list[str], baseline: list[str]) -> list[str]:
    """Statements of one turn that the other turn does not issue (compared by their first words)."""
    seen = [" ".join(s.split())[:60] for s in baseline]
    extra = []
    for statement in statements:
        key = " ".join(statement.split())[:60]
        if key in seen:
            seen.remove(key)
        else:
            extra.append(statement)
    return extra
