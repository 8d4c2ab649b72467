"""A record of every time the coach thought about a trainee's text."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coach.models.base import Base, enum_column, id_column
from coach.models.enums import AgentOutcome


class AgentRun(Base):
    __tablename__ = "agent_runs"
    __table_args__ = (
        sa.Index("ix_agent_runs_created", "created_at"),
        sa.Index("ix_agent_runs_trainee_created", "trainee_id", "created_at"),
        sa.Index(
            "ix_agent_runs_flagged", "created_at", postgresql_where=sa.text("flagged AND handled_at IS NULL")
        ),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trainees.id", ondelete="SET NULL"))
    inbound_message_ids: Mapped[list[int]] = mapped_column(
        ARRAY(sa.BigInteger), server_default=sa.text("'{}'::bigint[]")
    )
    model: Mapped[str | None] = mapped_column(sa.String(100))
    prompt_tokens: Mapped[int] = mapped_column(server_default="0")
    completion_tokens: Mapped[int] = mapped_column(server_default="0")
    cached_tokens: Mapped[int] = mapped_column(server_default="0")
    llm_calls: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    latency_ms: Mapped[int | None]
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=sa.text("'[]'::jsonb"))
    outcome: Mapped[AgentOutcome] = mapped_column(enum_column(AgentOutcome, "agent_outcome"))
    # Which way the coach answered: onboarding, safety, fast:<intent>, llm, guard:<limit>, ...
    path: Mapped[str | None] = mapped_column(sa.String(60))
    error_class: Mapped[str | None] = mapped_column(sa.String(100))
    error: Mapped[str | None]
    cost_usd: Mapped[Decimal] = mapped_column(sa.Numeric(10, 6), server_default="0")
    flagged: Mapped[bool] = mapped_column(server_default=sa.false())
    flag_reason: Mapped[str | None]
    handled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
