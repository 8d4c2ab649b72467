"""The message queue row by row: find texts by state, trainee and kind; retry a failed one, cancel one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.bootstrap import Services
from coach.dashboard import audit
from coach.dashboard.errors import NotAllowed, NotFound
from coach.messaging.tasks import wake_senders
from coach.models import OutboundMessage, Trainee
from coach.models.enums import DeliveryState, OutboundKind

PAGE_SIZE = 50
RETRYABLE = (DeliveryState.FAILED,)
CANCELLABLE = (DeliveryState.QUEUED,)


@dataclass(frozen=True)
class MessageFilter:
    state: DeliveryState | None = None
    kind: OutboundKind | None = None
    phone: str | None = None  # digits of the trainee's number, matched anywhere in it
    trainee_id: int | None = None
    before_id: int | None = None


@dataclass(frozen=True)
class QueuedText:
    id: int
    trainee_id: int
    phone: str
    kind: str
    body: str
    state: str
    attempts: int
    error_code: int | None
    error_message: str | None
    not_before: datetime | None
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None

    @property
    def can_retry(self) -> bool:
        return self.state in RETRYABLE

    @property
    def can_cancel(self) -> bool:
        return self.state in CANCELLABLE


def digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def find_texts(services: Services, which: MessageFilter, limit: int = PAGE_SIZE) -> list[QueuedText]:
    """Queue rows matching the filter, newest first (pages continue below `before_id`)."""
    with services.sessions() as session:
        return texts_matching(session, which, limit)


def texts_matching(session: Session, which: MessageFilter, limit: int) -> list[QueuedText]:
    row = OutboundMessage
    stmt = sa.select(row, Trainee.phone).join(Trainee, Trainee.id == row.trainee_id)
    if which.state is not None:
        stmt = stmt.where(row.state == which.state)
    if which.kind is not None:
        stmt = stmt.where(row.kind == which.kind)
    if which.trainee_id is not None:
        stmt = stmt.where(row.trainee_id == which.trainee_id)
    if which.phone:
        stmt = stmt.where(Trainee.phone.contains(digits(which.phone), autoescape=True))
    if which.before_id is not None:
        stmt = stmt.where(row.id < which.before_id)
    stmt = stmt.order_by(row.id.desc()).limit(limit)
    return [_text(message, phone) for message, phone in session.execute(stmt)]


def _text(message: OutboundMessage, phone: str) -> QueuedText:
    return QueuedText(
        id=message.id,
        trainee_id=message.trainee_id,
        phone=phone,
        kind=message.kind.value,
        body=message.body,
        state=message.state.value,
        attempts=message.attempts,
        error_code=message.error_code,
        error_message=message.error_message,
        not_before=message.not_before,
        next_attempt_at=message.next_attempt_at,
        created_at=message.created_at,
        sent_at=message.sent_at,
    )


def _transition(
    session: Session, outbound_id: int, allowed: tuple[DeliveryState, ...], **values: object
) -> DeliveryState:
    """Move one row out of an allowed state, holding its lock so a sender racing us cannot be overwritten."""
    current = session.scalar(
        sa.select(OutboundMessage.state).where(OutboundMessage.id == outbound_id).with_for_update()
    )
    if current is None:
        raise NotFound(f"no queued text {outbound_id}")
    if current not in allowed:
        raise NotAllowed(f"text {outbound_id} is {current.value}")
    session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.id == outbound_id)
        .values(updated_at=sa.func.now(), **values)
    )
    return current


def retry_text(services: Services, outbound_id: int, operator: audit.Operator, now: datetime) -> None:
    """Send a failed text again: back to queued with a fresh attempt count, due now; then wake the senders.

    Opt-out and quiet hours are re-checked by the sender as for any text.
    """
    with services.sessions() as session:
        previous = _transition(
            session,
            outbound_id,
            RETRYABLE,
            state=DeliveryState.QUEUED,
            attempts=0,
            next_attempt_at=now,
            error_code=None,
            error_message=None,
        )
        audit.record(session, operator, "message.retry", "outbound_message", outbound_id, was=previous.value)
        session.commit()
    wake_senders(services)


def cancel_text(services: Services, outbound_id: int, operator: audit.Operator) -> None:
    """Stop a queued text from going out."""
    with services.sessions() as session:
        previous = _transition(session, outbound_id, CANCELLABLE, state=DeliveryState.CANCELLED)
        audit.record(session, operator, "message.cancel", "outbound_message", outbound_id, was=previous.value)
        session.commit()
