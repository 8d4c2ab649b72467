"""Delivery status callbacks: a text's state only ever moves forward."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from coach.messaging import text
from coach.messaging.conversations import active_conversation_id
from coach.models import Message, OutboundMessage
from coach.models.enums import DeliveryState, Direction

TWILIO_STATUS = {
    "accepted": DeliveryState.QUEUED,
    "scheduled": DeliveryState.QUEUED,
    "queued": DeliveryState.QUEUED,
    "sending": DeliveryState.SENDING,
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.DELIVERED,
    "undelivered": DeliveryState.UNDELIVERED,
    "failed": DeliveryState.FAILED,
    "canceled": DeliveryState.FAILED,
}
# queued < sending < sent < delivered | undelivered | failed; the last three are final.
RANK = {
    DeliveryState.QUEUED: 0,
    DeliveryState.SENDING: 1,
    DeliveryState.SENT: 2,
    DeliveryState.DELIVERED: 3,
    DeliveryState.UNDELIVERED: 3,
    DeliveryState.FAILED: 3,
}


class MalformedStatus(ValueError):
    pass


def forward_state(current: DeliveryState, reported: str) -> DeliveryState:
    """The state after a provider report: the report if it is further along, else the current one."""
    new = TWILIO_STATUS.get(reported.strip().lower())
    if new is None or current not in RANK or RANK[new] <= RANK[current]:
        return current
    return new


def apply_status(
    session: Session, params: Mapping[str, str], *, outbound_hint: str | None, now: datetime
) -> bool:
    """Apply one callback (repeats and out-of-order ones change nothing). Commits; True if it changed."""
    sid = params.get("MessageSid", "").strip()
    reported = params.get("MessageStatus", params.get("SmsStatus", "")).strip().lower()
    if not sid or reported not in TWILIO_STATUS:
        raise MalformedStatus("MessageSid and a known MessageStatus are required")
    row = _find(session, sid, outbound_hint)
    if row is None:
        session.commit()
        return False
    adopting = row.provider_sid is None and row.sent_at is None and _unconfirmed(row)
    # A text Twilio reports on was handed over, whatever the report: at least sent, never sent again.
    new = forward_state(DeliveryState.SENT if adopting else row.state, reported)
    if adopting:
        row.error_code = row.error_message = None
    changed = new is not row.state
    if row.provider_sid is None:
        row.provider_sid = sid
    if adopting:
        _adopt(session, row, sid, new, now)
    if changed:
        row.state = new
        row.error_code = _error_code(params) or row.error_code
        row.delivered_at = now if new is DeliveryState.DELIVERED else row.delivered_at
        session.execute(
            sa.update(Message)
            .where(Message.outbound_id == row.id)
            .values(status=new, error_code=row.error_code, delivered_at=row.delivered_at)
        )
    session.commit()
    return changed


def _unconfirmed(row: OutboundMessage) -> bool:
    """Not recorded as sent: still queued, or failed after a last attempt whose outcome was unknown (no
    code, no HTTP status: the answer was lost, and Twilio may well have the text)."""
    return row.state is DeliveryState.QUEUED or (
        row.state is DeliveryState.FAILED and row.error_code is None and row.attempts > 0
    )


def _adopt(session: Session, row: OutboundMessage, sid: str, state: DeliveryState, now: datetime) -> None:
    """A text whose send timed out but that Twilio had taken: record it as the sender would have, so the
    row is not sent again and the conversation shows it."""
    described = text.describe(row.body)
    row.sent_at, row.segments = now, described.segments
    values = sent_message(
        session,
        trainee_id=row.trainee_id,
        conversation_id=None,
        outbound_id=row.id,
        body=row.body,
        described=described,
        sid=sid,
        segments=described.segments,
        state=state,
        now=now,
    )
    session.execute(insert(Message).values(values).on_conflict_do_nothing())


def sent_message(
    session: Session,
    *,
    trainee_id: int,
    conversation_id: int | None,
    outbound_id: int,
    body: str,
    described: text.SmsText,
    sid: str,
    segments: int,
    state: DeliveryState,
    now: datetime,
) -> dict[str, object]:
    """The `messages` row that records a queued text Twilio took (the conversation's outbound side)."""
    return {
        "conversation_id": conversation_id or active_conversation_id(session, trainee_id),
        "trainee_id": trainee_id,
        "direction": Direction.OUTBOUND,
        "body": body,
        "provider_sid": sid,
        "segments": segments,
        "encoding": described.encoding,
        "status": state,
        "outbound_id": outbound_id,
        "sent_at": now,
        "delivered_at": now if state is DeliveryState.DELIVERED else None,
    }


def _find(session: Session, sid: str, hint: str | None) -> OutboundMessage | None:
    condition = OutboundMessage.provider_sid == sid
    if hint and hint.isdigit() and len(hint) < 19:
        condition = sa.or_(
            condition, sa.and_(OutboundMessage.id == int(hint), OutboundMessage.provider_sid.is_(None))
        )
    return session.scalars(sa.select(OutboundMessage).where(condition).with_for_update()).first()


def _error_code(params: Mapping[str, str]) -> int | None:
    raw = params.get("ErrorCode", "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 9 else None
