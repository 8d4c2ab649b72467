"""The audit log: every operator action is written in the same transaction as the change it made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.bootstrap import Services
from coach.models import AuditEntry

PAGE_SIZE = 100


@dataclass(frozen=True)
class Operator:
    """Who is acting: the name given at login and the address the request came from."""

    name: str
    address: str


def record(
    session: Session,
    operator: Operator,
    action: str,
    target_type: str,
    target_id: object,
    **details: Any,
) -> None:
    """Add an audit entry to the caller's transaction (it commits with the change)."""
    session.add(
        AuditEntry(
            actor=operator.name,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            details={"address": operator.address, **details},
        )
    )


@dataclass(frozen=True)
class AuditRow:
    actor: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    created_at: datetime


def recent_entries(services: Services, limit: int = PAGE_SIZE) -> list[AuditRow]:
    """The newest audit entries first."""
    with services.sessions() as session:
        rows = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
        return [
            AuditRow(r.actor, r.action, r.target_type, r.target_id, r.details, r.created_at) for r in rows
        ]
