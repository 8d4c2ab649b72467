"""What the agent did and what it cost: today's figures, the run list, and safety flags to review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.bootstrap import Services
from coach.dashboard import audit
from coach.dashboard.errors import NotAllowed, NotFound
from coach.messaging.phone import mask
from coach.models import AgentRun, Trainee

NOW = sa.bindparam("now", type_=sa.DateTime(timezone=True))
PAGE_SIZE = 50

# Today's runs, through ix_agent_runs_created; latency percentiles computed by PostgreSQL.
TODAY = sa.text(
    """
    SELECT count(*) AS runs, coalesce(sum(llm_calls), 0) AS llm_calls,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_ms,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_ms,
           coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
           coalesce(sum(completion_tokens), 0) AS completion_tokens,
           coalesce(sum(cost_usd), 0) AS cost_usd,
           count(*) FILTER (WHERE llm_calls = 0) AS without_llm
    FROM agent_runs
    WHERE created_at >= date_trunc('day', CAST(:now AS timestamptz), 'UTC')
    """
).bindparams(NOW)

ERROR_CLASSES_TODAY = sa.text(
    """
    SELECT error_class, count(*) AS runs FROM agent_runs
    WHERE created_at >= date_trunc('day', CAST(:now AS timestamptz), 'UTC') AND error_class IS NOT NULL
    GROUP BY error_class ORDER BY runs DESC, error_class LIMIT 20
    """
).bindparams(NOW)

# Trainees the cost guard held back today (daily LLM budget or flood limit), most limited first. A flood's
# notice and the quiet runs after it ("guard:flood", "guard:flood:quiet") count as one limit.
LIMITED_TODAY = sa.text(
    """
    SELECT r.trainee_id, t.phone, split_part(r.path, ':', 1) || ':' || split_part(r.path, ':', 2) AS path,
        count(*) AS runs, max(r.created_at) AS last_at
    FROM agent_runs r LEFT JOIN trainees t ON t.id = r.trainee_id
    WHERE r.created_at >= date_trunc('day', CAST(:now AS timestamptz), 'UTC') AND r.outcome = 'over_budget'
    GROUP BY r.trainee_id, t.phone, 3 ORDER BY runs DESC, last_at DESC LIMIT 20
    """
).bindparams(NOW)

# Through the partial index ix_agent_runs_flagged.
FLAGS_TO_REVIEW = sa.text("SELECT count(*) FROM agent_runs WHERE flagged AND handled_at IS NULL")


def statements() -> dict[str, sa.TextClause]:
    return {
        "agent_today": TODAY,
        "agent_error_classes": ERROR_CLASSES_TODAY,
        "agent_flags_to_review": FLAGS_TO_REVIEW,
        "agent_limited_today": LIMITED_TODAY,
    }


@dataclass(frozen=True)
class AgentFigures:
    runs: int
    llm_calls: int
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal
    error_classes: list[tuple[str, int]]
    flags_to_review: int
    without_llm: int = 0
    # (trainee id, masked phone, limit, runs held back) for trainees the cost guard stopped today.
    limited: list[tuple[int | None, str, str, int]] = field(default_factory=list)


def read_agent_figures(session: Session, now: datetime) -> AgentFigures:
    """Today's (UTC) agent figures."""
    params = {"now": now}
    today = session.execute(TODAY, params).one()
    return AgentFigures(
        runs=today.runs,
        llm_calls=int(today.llm_calls),
        p50_latency_ms=today.p50_ms,
        p95_latency_ms=today.p95_ms,
        prompt_tokens=int(today.prompt_tokens),
        completion_tokens=int(today.completion_tokens),
        cost_usd=Decimal(today.cost_usd),
        error_classes=[(row.error_class, row.runs) for row in session.execute(ERROR_CLASSES_TODAY, params)],
        flags_to_review=int(session.execute(FLAGS_TO_REVIEW).scalar_one()),
        without_llm=int(today.without_llm),
        limited=[
            (row.trainee_id, mask(row.phone) if row.phone else "-", row.path, row.runs)
            for row in session.execute(LIMITED_TODAY, params)
        ],
    )


@dataclass(frozen=True)
class RunRow:
    id: int
    trainee_id: int | None
    phone: str | None
    model: str | None
    outcome: str
    prompt_tokens: int
    completion_tokens: int
    llm_calls: int
    latency_ms: int | None
    tool_names: list[str]
    error_class: str | None
    error: str | None
    cost_usd: Decimal
    flagged: bool
    flag_reason: str | None
    handled_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class RunFilter:
    flagged_only: bool = False
    errors_only: bool = False
    trainee_id: int | None = None
    before_id: int | None = None


def list_runs(services: Services, which: RunFilter, limit: int = PAGE_SIZE) -> list[RunRow]:
    """Newest runs first, optionally only safety flags still to review, or only failed runs."""
    stmt = sa.select(AgentRun, Trainee.phone).outerjoin(Trainee, Trainee.id == AgentRun.trainee_id)
    if which.flagged_only:
        stmt = stmt.where(AgentRun.flagged, AgentRun.handled_at.is_(None))
    if which.errors_only:
        stmt = stmt.where(AgentRun.error_class.is_not(None))
    if which.trainee_id is not None:
        stmt = stmt.where(AgentRun.trainee_id == which.trainee_id)
    if which.before_id is not None:
        stmt = stmt.where(AgentRun.id < which.before_id)
    stmt = stmt.order_by(AgentRun.id.desc()).limit(limit)
    with services.sessions() as session:
        return [_row(run, phone) for run, phone in session.execute(stmt)]


def runs_of(session: Session, trainee_id: int, limit: int = 20) -> list[RunRow]:
    stmt = (
        sa.select(AgentRun, sa.literal(None, sa.String))
        .where(AgentRun.trainee_id == trainee_id)
        .order_by(AgentRun.id.desc())
        .limit(limit)
    )
    return [_row(run, phone) for run, phone in session.execute(stmt)]


def _row(run: AgentRun, phone: str | None) -> RunRow:
    return RunRow(
        id=run.id,
        trainee_id=run.trainee_id,
        phone=phone,
        model=run.model,
        outcome=run.outcome.value,
        prompt_tokens=run.prompt_tokens,
        completion_tokens=run.completion_tokens,
        llm_calls=run.llm_calls,
        latency_ms=run.latency_ms,
        tool_names=[_tool_name(call) for call in run.tool_calls],
        error_class=run.error_class,
        error=run.error,
        cost_usd=run.cost_usd,
        flagged=run.flagged,
        flag_reason=run.flag_reason,
        handled_at=run.handled_at,
        created_at=run.created_at,
    )


def _tool_name(call: Any) -> str:
    if isinstance(call, dict):
        return str(call.get("name") or call.get("tool") or "?")
    return str(call)


def mark_handled(services: Services, run_id: int, operator: audit.Operator, now: datetime) -> None:
    """Record that an operator reviewed a safety-flagged run."""
    with services.sessions() as session:
        handled = session.execute(
            sa.update(AgentRun)
            .where(AgentRun.id == run_id, AgentRun.flagged, AgentRun.handled_at.is_(None))
            .values(handled_at=now)
            .returning(AgentRun.flag_reason)
        ).one_or_none()
        if handled is None:
            exists = session.scalar(sa.select(AgentRun.id).where(AgentRun.id == run_id))
            session.rollback()
            if exists is None:
                raise NotFound(f"no agent run {run_id}")
            raise NotAllowed(f"agent run {run_id} is not a safety flag waiting for review")
        audit.record(session, operator, "agent_run.mark_handled", "agent_run", run_id, reason=handled[0])
        session.commit()
