"""Receiving a text from Twilio: store it once, handle compliance keywords on the spot."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from coach.hot_path import first_row
from coach.messaging import copy, outbox
from coach.messaging.conversations import active_conversation_id, trainee_for_phone
from coach.messaging.keywords import Keyword, classify
from coach.messaging.phone import InvalidPhoneNumber, to_e164
from coach.models import Message, OutboundMessage, Trainee
from coach.models.enums import DeliveryState, Direction, OutboundKind, TraineeStatus

MAX_MEDIA = 10  # Twilio delivers at most 10 media items per MMS
SID_PATTERN = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")


class MalformedInbound(ValueError):
    """The request is not a Twilio inbound message we can store (400)."""


@dataclass(frozen=True)
class InboundResult:
    message_id: int | None  # None: a duplicate delivery of a text we already have
    trainee_id: int
    keyword: Keyword | None
    needs_answer: bool  # the coach owes an answer: enqueue the inbound job after commit
    queued_outbound: bool  # a keyword reply was queued: wake the senders after commit


def receive_sms(
    sessions: sessionmaker[Session], params: Mapping[str, str], *, now: datetime, segment_budget: int
) -> InboundResult:
    """Store one inbound text (idempotent on MessageSid) and apply STOP / START / HELP. Commits."""
    sid, phone, body = _required(params)
    num_media = _num_media(params)
    fields = {"sid": sid, "body": body, "num_media": num_media, "media": _media(params, num_media)}
    if classify(body, opted_out=True) is None:
        stored = _store_in_one_statement(sessions, phone, {**fields, "now": now})
        if stored is not None:
            return _plain_text(*stored)
    # Keywords (and the rare race of two first texts from a new number) take the locked path.
    with sessions() as session:
        return _receive_locked(session, phone, fields, now=now, segment_budget=segment_budget)


def _receive_locked(
    session: Session, phone: str, fields: dict[str, Any], *, now: datetime, segment_budget: int
) -> InboundResult:
    trainee = trainee_for_phone(session, phone)
    message_id = session.scalar(
        insert(Message)
        .values(
            conversation_id=active_conversation_id(session, trainee.id),
            trainee_id=trainee.id,
            direction=Direction.INBOUND,
            body=fields["body"],
            provider_sid=fields["sid"],
            num_media=fields["num_media"],
            media=fields["media"],
            status=DeliveryState.RECEIVED,
        )
        .on_conflict_do_nothing(index_elements=[Message.provider_sid])
        .returning(Message.id)
    )
    if message_id is None:
        session.commit()
        return InboundResult(None, trainee.id, None, needs_answer=False, queued_outbound=False)
    result = _apply(session, trainee, message_id, fields["body"], now=now, segment_budget=segment_budget)
    session.commit()
    return result


# The common case in one round trip: find (or create) the trainee and their conversation, insert the text
# (already handled when the trainee opted out: kept, never answered; nothing but START reaches them).
# Every CTE reads the statement's snapshot, so when a concurrent transaction creates the same trainee or
# conversation the row is not visible here; the statement then returns NULLs, having written nothing (the
# message and a new conversation both need the trainee row, a new trainee cannot have a conversation yet),
# and the caller falls back. Being one statement, it runs in autocommit: no BEGIN and COMMIT round trips.
_STORE_TEXT = """
    WITH known_trainee AS (
        SELECT id, status FROM trainees WHERE phone = %(phone)s
    ), new_trainee AS (
        INSERT INTO trainees (phone) SELECT %(phone)s WHERE NOT EXISTS (SELECT 1 FROM known_trainee)
        ON CONFLICT (phone) DO NOTHING RETURNING id, status
    ), trainee AS (
        SELECT id, status FROM known_trainee UNION ALL SELECT id, status FROM new_trainee
        LIMIT 1
    ), known_conversation AS (
        SELECT c.id FROM conversations c JOIN trainee t ON c.trainee_id = t.id WHERE c.status = 'active'
    ), new_conversation AS (
        INSERT INTO conversations (trainee_id)
        SELECT id FROM trainee WHERE NOT EXISTS (SELECT 1 FROM known_conversation)
        ON CONFLICT (trainee_id) WHERE status = 'active' DO NOTHING RETURNING id
    ), conversation AS (
        SELECT id FROM known_conversation UNION ALL SELECT id FROM new_conversation
        LIMIT 1
    ), message AS (
        INSERT INTO messages
            (conversation_id, trainee_id, direction, body, provider_sid, num_media, media, status, handled_at)
        SELECT conversation.id, trainee.id, 'inbound', %(body)s, %(sid)s, %(num_media)s,
            CAST(%(media)s AS jsonb), 'received',
            CASE WHEN trainee.status = 'opted_out' THEN CAST(%(now)s AS timestamptz) END
        FROM conversation, trainee
        ON CONFLICT (provider_sid) DO NOTHING RETURNING id
    )
    SELECT trainee.id, trainee.status::text, (SELECT id FROM conversation), (SELECT id FROM message)
    FROM trainee
"""


def _store_in_one_statement(
    sessions: sessionmaker[Session], phone: str, fields: dict[str, object]
) -> tuple[int, TraineeStatus, int | None] | None:
    """(trainee id, status, new message id or None for a duplicate); None when the caller must fall back."""
    params = {**fields, "phone": phone, "media": json.dumps(fields["media"]) if fields["media"] else "[]"}
    bind = sessions.kw.get("bind")
    if isinstance(bind, Engine):  # the webhook: in autocommit, straight through the driver, no Session
        row = first_row(bind, _STORE_TEXT, params)
    else:  # sessions bound to a connection already in a transaction (a test's, rolled back at its end)
        with sessions() as session:
            row = session.connection().exec_driver_sql(_STORE_TEXT, params).first()
            session.commit()
    if row is None or row[2] is None:
        return None
    return int(row[0]), TraineeStatus(row[1]), row[3]


def _plain_text(trainee_id: int, status: TraineeStatus, message_id: int | None) -> InboundResult:
    if message_id is None:  # a duplicate delivery of a text we already have
        return InboundResult(None, trainee_id, None, needs_answer=False, queued_outbound=False)
    opted_out = status is TraineeStatus.OPTED_OUT
    return InboundResult(message_id, trainee_id, None, needs_answer=not opted_out, queued_outbound=False)


def _apply(
    session: Session, trainee: Trainee, message_id: int, body: str, *, now: datetime, segment_budget: int
) -> InboundResult:
    opted_out = trainee.status is TraineeStatus.OPTED_OUT
    keyword = classify(body, opted_out=opted_out)
    if keyword is Keyword.START and not opted_out:
        keyword = None  # "start" from someone subscribed is just a text (often the first one)
    queued = False
    if keyword is Keyword.STOP:
        opt_out(session, trainee, now=now, source="sms:" + body.strip().upper())
    elif keyword is Keyword.START:
        _opt_in(trainee, now=now)
        queued = _queue_system(
            session, trainee.id, copy.WELCOME_BACK, f"start:{message_id}", message_id, segment_budget
        )
    elif keyword is Keyword.HELP:
        queued = _queue_system(
            session, trainee.id, copy.HELP, f"help:{message_id}", message_id, segment_budget
        )
    needs_answer = keyword is None and not opted_out
    if not needs_answer:
        session.execute(sa.update(Message).where(Message.id == message_id).values(handled_at=now))
    return InboundResult(message_id, trainee.id, keyword, needs_answer=needs_answer, queued_outbound=queued)


def opt_out(session: Session, trainee: Trainee, *, now: datetime, source: str) -> None:
    """Opt the trainee out (time and source kept) and suppress every text still waiting for them."""
    trainee.status = TraineeStatus.OPTED_OUT
    trainee.opted_out_at = now
    trainee.opt_out_source = source
    suppress_queued(session, trainee.id)


def suppress_queued(session: Session, trainee_id: int) -> int:
    """Every text still waiting for this trainee is suppressed. A text already mid-send is left to finish."""
    waiting = (
        sa.select(OutboundMessage.id)
        .where(OutboundMessage.trainee_id == trainee_id, OutboundMessage.state == DeliveryState.QUEUED)
        .with_for_update(skip_locked=True)
    )
    result = session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.id.in_(waiting.scalar_subquery()))
        .values(state=DeliveryState.SUPPRESSED, updated_at=sa.func.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _opt_in(trainee: Trainee, *, now: datetime) -> None:
    trainee.status = TraineeStatus.ACTIVE if trainee.onboarded_at else TraineeStatus.ONBOARDING
    trainee.opted_out_at = None
    trainee.opt_out_source = None
    trainee.consent_at = now
    trainee.consent_source = "sms:START"


def _queue_system(
    session: Session, trainee_id: int, body: str, key: str, reply_to: int, segment_budget: int
) -> bool:
    ids = outbox.enqueue_text(
        session,
        trainee_id=trainee_id,
        kind=OutboundKind.SYSTEM,
        body=body,
        idempotency_key=key,
        segment_budget=segment_budget,
        in_reply_to_id=reply_to,
    )
    return bool(ids)


def _required(params: Mapping[str, str]) -> tuple[str, str, str]:
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    if not SID_PATTERN.match(sid):
        raise MalformedInbound("MessageSid is missing or malformed")
    try:
        phone = to_e164(params.get("From", ""))
    except InvalidPhoneNumber as exc:
        raise MalformedInbound(f"From: {exc}") from exc
    # PostgreSQL text cannot hold NUL; nothing else is dropped.
    body = params.get("Body", "").replace("\x00", "")
    return sid, phone, body


def _num_media(params: Mapping[str, str]) -> int:
    try:
        declared = int(params.get("NumMedia", "0") or 0)
    except ValueError:
        declared = 0
    return max(0, min(declared, 100))


def _media(params: Mapping[str, str], num_media: int) -> list[dict[str, str]]:
    items = []
    for n in range(min(num_media, MAX_MEDIA)):
        url = params.get(f"MediaUrl{n}", "").replace("\x00", "")[:1000]
        if url:
            content_type = params.get(f"MediaContentType{n}", "").replace("\x00", "")[:100]
            items.append({"url": url, "content_type": content_type})
    return items
