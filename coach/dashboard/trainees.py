"""Trainees as an operator handles them: find one, pause or resume their texts, send them a one-off text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from coach.bootstrap import Services
from coach.dashboard import audit
from coach.dashboard.errors import NotAllowed, NotFound
from coach.messaging.outbox import enqueue_text
from coach.messaging.tasks import wake_senders
from coach.models import Trainee
from coach.models.enums import OutboundKind, TraineeStatus

SEARCH_LIMIT = 50
MAX_TEXT_LENGTH = 1600


@dataclass(frozen=True)
class TraineeRow:
    id: int
    phone: str
    name: str | None
    status: str
    time_zone: str
    created_at: datetime


def search(services: Services, query: str, limit: int = SEARCH_LIMIT) -> list[TraineeRow]:
    """Trainees whose phone contains the query's digits or whose name contains the query; newest first."""
    query = query.strip()[:100]
    stmt = sa.select(Trainee).order_by(Trainee.id.desc()).limit(limit)
    if query:
        number = "".join(ch for ch in query if ch.isdigit())
        matches = [Trainee.name.icontains(query, autoescape=True)]
        if number:
            matches.append(Trainee.phone.contains(number, autoescape=True))
        stmt = stmt.where(sa.or_(*matches))
    with services.sessions() as session:
        return [
            TraineeRow(t.id, t.phone, t.name, t.status.value, t.time_zone, t.created_at)
            for t in session.scalars(stmt)
        ]


# Which status each action moves a trainee from, and to.
PAUSE = (TraineeStatus.ACTIVE, TraineeStatus.PAUSED)
RESUME = (TraineeStatus.PAUSED, TraineeStatus.ACTIVE)


def set_paused(services: Services, trainee_id: int, paused: bool, operator: audit.Operator) -> None:
    """Pause (no scheduled texts) or resume an active trainee. Replies to their own texts continue."""
    source, target = PAUSE if paused else RESUME
    with services.sessions() as session:
        current = session.scalar(sa.select(Trainee.status).where(Trainee.id == trainee_id).with_for_update())
        if current is None:
            raise NotFound(f"no trainee {trainee_id}")
        if current is not source:
            raise NotAllowed(f"trainee {trainee_id} is {current.value}, not {source.value}")
        session.execute(sa.update(Trainee).where(Trainee.id == trainee_id).values(status=target))
        action = "trainee.pause" if paused else "trainee.resume"
        audit.record(session, operator, action, "trainee", trainee_id)
        session.commit()


def send_text(
    services: Services, trainee_id: int, body: str, request_id: uuid.UUID, operator: audit.Operator
) -> bool:
    """Queue a one-off text from an operator through the outbox, so opt-out and quiet hours still apply.

    `request_id` comes from the form, so submitting the same form twice queues one text. Returns whether a
    new text was queued.
    """
    body = body.strip()
    if not body:
        raise NotAllowed("the text is empty")
    if len(body) > MAX_TEXT_LENGTH:
        raise NotAllowed(f"the text is longer than {MAX_TEXT_LENGTH} characters")
    with services.sessions() as session:
        if session.get(Trainee, trainee_id) is None:
            raise NotFound(f"no trainee {trainee_id}")
        ids = enqueue_text(
            session,
            trainee_id=trainee_id,
            kind=OutboundKind.OPERATOR,
            body=body,
            idempotency_key=f"operator:{request_id}",
            segment_budget=services.settings.sms_segment_budget,
        )
        if ids:
            audit.record(
                session, operator, "trainee.send_text", "trainee", trainee_id, body=body, outbound_ids=ids
            )
        session.commit()
    if ids:
        wake_senders(services)
    return bool(ids)
