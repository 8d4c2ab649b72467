"""One trainee on one page: profile, plan tree, conversation, logs with an e1RM trend, agent runs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from coach.bootstrap import Services
from coach.dashboard.agent_runs import RunRow, runs_of
from coach.dashboard.errors import NotFound
from coach.dashboard.messages import MessageFilter, QueuedText, texts_matching
from coach.models import (
    FitnessPlan,
    FitnessProfile,
    Mesocycle,
    Message,
    Microcycle,
    Movement,
    SetLog,
    Trainee,
    WorkoutLog,
)

CONVERSATION_LENGTH = 50
RECENT = 20
TREND_MOVEMENTS = 3


@dataclass(frozen=True)
class ConversationLine:
    direction: str
    body: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class LoggedSet:
    movement: str
    weight_kg: Decimal
    reps: int
    rpe: Decimal | None
    e1rm_kg: Decimal | None


@dataclass(frozen=True)
class LoggedWorkout:
    log_date: date
    completed: bool
    session_rpe: Decimal | None
    notes: str | None
    sets: list[LoggedSet]


@dataclass(frozen=True)
class E1rmSeries:
    movement: str
    points: list[tuple[date, float]]


@dataclass(frozen=True)
class TraineeDetail:
    trainee: Trainee
    profile: FitnessProfile | None
    plans: list[FitnessPlan]
    conversation: list[ConversationLine]
    queue: list[QueuedText]
    logs: list[LoggedWorkout]
    e1rm_trend: list[E1rmSeries]
    agent_runs: list[RunRow]


def load_trainee(services: Services, trainee_id: int) -> TraineeDetail:
    """One trainee and everything an operator needs to understand them."""
    with services.sessions() as session:
        trainee = session.get(Trainee, trainee_id, options=[selectinload(Trainee.profile)])
        if trainee is None:
            raise NotFound(f"no trainee {trainee_id}")
        return TraineeDetail(
            trainee=trainee,
            profile=trainee.profile,
            plans=_plans(session, trainee_id),
            conversation=_conversation(session, trainee_id),
            queue=texts_matching(session, MessageFilter(trainee_id=trainee_id), RECENT),
            logs=_logs(session, trainee_id),
            e1rm_trend=_e1rm_trend(session, trainee_id),
            agent_runs=runs_of(session, trainee_id, RECENT),
        )


def _plans(session: Session, trainee_id: int) -> list[FitnessPlan]:
    """Plans newest first, with mesocycles, weeks and workouts loaded for the tree."""
    stmt = (
        sa.select(FitnessPlan)
        .where(FitnessPlan.trainee_id == trainee_id)
        .order_by(FitnessPlan.id.desc())
        .limit(5)
        .options(
            selectinload(FitnessPlan.mesocycles)
            .selectinload(Mesocycle.microcycles)
            .selectinload(Microcycle.workouts)
        )
    )
    return list(session.scalars(stmt))


def _conversation(session: Session, trainee_id: int) -> list[ConversationLine]:
    stmt = (
        sa.select(Message.direction, Message.body, Message.status, Message.created_at)
        .where(Message.trainee_id == trainee_id)
        .order_by(Message.id.desc())
        .limit(CONVERSATION_LENGTH)
    )
    rows = session.execute(stmt).all()
    return [ConversationLine(r.direction.value, r.body, r.status.value, r.created_at) for r in reversed(rows)]


def _logs(session: Session, trainee_id: int) -> list[LoggedWorkout]:
    stmt = (
        sa.select(WorkoutLog)
        .where(WorkoutLog.trainee_id == trainee_id)
        .order_by(WorkoutLog.log_date.desc(), WorkoutLog.id.desc())
        .limit(RECENT)
        .options(selectinload(WorkoutLog.sets))
    )
    logs = list(session.scalars(stmt))
    movement_ids = {s.movement_id for log in logs for s in log.sets}
    names: dict[int, str] = {}
    if movement_ids:
        found = session.execute(sa.select(Movement.id, Movement.name).where(Movement.id.in_(movement_ids)))
        names = {movement_id: name for movement_id, name in found}
    return [
        LoggedWorkout(
            log.log_date,
            log.completed,
            log.session_rpe,
            log.notes,
            [
                LoggedSet(names.get(s.movement_id, "?"), s.weight_kg, s.reps, s.rpe, s.e1rm_kg)
                for s in log.sets
            ],
        )
        for log in logs
    ]


def _e1rm_trend(session: Session, trainee_id: int) -> list[E1rmSeries]:
    """The best e1RM per day for the trainee's most-logged movements."""
    stmt = (
        sa.select(Movement.name, WorkoutLog.log_date, sa.func.max(SetLog.e1rm_kg))
        .join(WorkoutLog, WorkoutLog.id == SetLog.workout_log_id)
        .join(Movement, Movement.id == SetLog.movement_id)
        .where(WorkoutLog.trainee_id == trainee_id, SetLog.e1rm_kg.is_not(None))
        .group_by(Movement.name, WorkoutLog.log_date)
        .order_by(WorkoutLog.log_date)
    )
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for name, day, best in session.execute(stmt):
        if best is not None:
            series[name].append((day, float(best)))
    most_logged = sorted(series, key=lambda name: (-len(series[name]), name))[:TREND_MOVEMENTS]
    return [E1rmSeries(name, series[name]) for name in most_logged]
