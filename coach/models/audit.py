"""What operators did from the dashboard: who, what, to which row, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coach.models.base import Base, id_column
from coach.models.messaging import Message, OutboundMessage
from coach.models.trainees import Trainee


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_created", "created_at"),
        sa.Index("ix_audit_log_target", "target_type", "target_id"),
    )

    id: Mapped[int] = id_column()
    # The name the operator gave at login; the dashboard has one shared password, not accounts.
    actor: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[str] = mapped_column(sa.String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


# Indexes the dashboard's overview reads through, so its figures cost the same with 1M queue rows. They sit
# here, with the dashboard's own table, because they exist for the dashboard alone.
_outbound: sa.Table = OutboundMessage.__table__  # type: ignore[assignment]
_messages: sa.Table = Message.__table__  # type: ignore[assignment]
_trainees: sa.Table = Trainee.__table__  # type: ignore[assignment]
# Texts queued in the last hour / day by state, and per hour: an index-only range scan.
sa.Index("ix_outbound_messages_created_state", _outbound.c.created_at, _outbound.c.state)
# The pending part of the queue (a few thousand rows at most), counted without touching the table.
sa.Index(
    "ix_outbound_messages_pending",
    _outbound.c.state,
    postgresql_include=["created_at", "not_before", "next_attempt_at", "attempts"],
    postgresql_where=sa.text("state IN ('queued', 'sending')"),
)
# Inbound texts per hour over the last day.
sa.Index("ix_messages_created_direction", _messages.c.created_at, _messages.c.direction)
# Opt-outs today.
sa.Index(
    "ix_trainees_opted_out",
    _trainees.c.opted_out_at,
    postgresql_where=sa.text("opted_out_at IS NOT NULL"),
)
