"""The sender: claims due rows of the outbound queue and hands them to the SMS backend.

A claim is a row lock (`FOR UPDATE SKIP LOCKED`) held while the text is handed over, so two senders never
take the same row, and a sender that dies mid-send releases its claim with its connection: the row is simply
still queued. A trainee's texts leave in sequence: a row waits while an earlier due row of theirs is unsent.
"""

from __future__ import annotations

import logging
import random
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from rq.timeouts import BaseTimeoutException
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from coach.config import Settings
from coach.messaging import sms, text
from coach.messaging.inbound import suppress_queued
from coach.messaging.outbox import AT_CHOSEN_TIME, PROACTIVE
from coach.messaging.quiet import at_chosen_time, quiet_until
from coach.messaging.status import forward_state, sent_message
from coach.models import Conversation, Message, OutboundMessage, Trainee
from coach.models.enums import DeliveryState, TraineeStatus

log = logging.getLogger("coach.sender")


@dataclass(frozen=True)
class Claimed:
    id: int
    trainee_id: int
    kind: str
    body: str
    attempts: int
    phone: str
    status: TraineeStatus
    time_zone: str
    undeliverable: bool
    conversation_id: int | None
    opt_out_notice: bool
    send_time: time | None
    due_since: datetime  # when it was queued, or retried


def _claim_statement(*, one_trainee: bool = False) -> sa.Select[*tuple[Any, ...]]:
    row = OutboundMessage
    earlier = aliased(OutboundMessage)
    now = sa.bindparam("now", type_=sa.DateTime(timezone=True))
    earlier_unsent = sa.exists().where(
        earlier.trainee_id == row.trainee_id,
        earlier.sequence < row.sequence,
        earlier.state == DeliveryState.QUEUED,
        # A deferred proactive text (quiet hours) does not hold back a reply to the trainee's own text.
        sa.or_(earlier.not_before.is_(None), earlier.not_before <= now),
    )
    claim = (
        sa.select(
            row.id,
            row.trainee_id,
            row.kind,
            row.body,
            row.attempts,
            Trainee.phone,
            Trainee.status,
            Trainee.time_zone,
            Trainee.undeliverable_at.is_not(None),
            Conversation.id,
            row.opt_out_notice,
            Trainee.send_time,
            row.next_attempt_at,
        )
        .join(Trainee, Trainee.id == row.trainee_id)
        .outerjoin(
            Conversation, sa.and_(Conversation.trainee_id == row.trainee_id, Conversation.status == "active")
        )
        .where(row.state == DeliveryState.QUEUED, row.next_attempt_at <= now, ~earlier_unsent)
        .where(sa.or_(row.not_before.is_(None), row.not_before <= now))
        .order_by(row.priority, row.sequence)
        .limit(sa.bindparam("limit"))
        .with_for_update(of=row, skip_locked=True)
    )
    return claim.where(row.trainee_id == sa.bindparam("trainee_id")) if one_trainee else claim


_CLAIM = _claim_statement()
_CLAIM_ONE_TRAINEE = _claim_statement(one_trainee=True)
_OUTBOUND: sa.Table = OutboundMessage.__table__  # type: ignore[assignment]
_MESSAGES: sa.Table = Message.__table__  # type: ignore[assignment]
_RECORD_SENT = (
    sa.update(_OUTBOUND)
    .where(_OUTBOUND.c.id == sa.bindparam("b_id"))
    .values(
        state=sa.bindparam("b_state"),
        provider_sid=sa.bindparam("b_sid"),
        segments=sa.bindparam("b_segments"),
        attempts=sa.bindparam("b_attempts"),
        delivered_at=sa.bindparam("b_delivered_at"),
        sent_at=sa.bindparam("b_now"),
        error_code=None,
        error_message=None,
        updated_at=sa.func.now(),
    )
)


def claim_due(session: Session, now: datetime, limit: int, trainee_id: int | None = None) -> list[Claimed]:
    """Lock up to `limit` due texts: at most one per trainee (their earliest), replies first; only
    `trainee_id`'s when given."""
    if trainee_id is None:
        rows = session.connection().execute(_CLAIM, {"now": now, "limit": limit}).all()
    else:
        params = {"now": now, "limit": limit, "trainee_id": trainee_id}
        rows = session.connection().execute(_CLAIM_ONE_TRAINEE, params).all()
    return [Claimed(*row) for row in rows]


def send_due(
    session: Session,
    sender: sms.SmsSender,
    settings: Settings,
    now: datetime,
    *,
    limit: int = 1,
    executor: Executor | None = None,
    trainee_id: int | None = None,
) -> list[str]:
    """Send a batch of due texts (only `trainee_id`'s when given) and commit every outcome together.
    Returns the outcomes; [] when idle.

    With an executor the texts are handed to the provider concurrently (their rows stay locked meanwhile).
    """
    claimed = claim_due(session, now, limit, trainee_id)
    if not claimed:
        session.rollback()
        return []
    outcomes: dict[int, str] = {}
    ready: list[Claimed] = []
    for row in claimed:
        held = _hold_back(session, row, settings, now)
        if held:
            outcomes[row.id] = held
        else:
            ready.append(row)
    mapper = executor.map if executor else map
    attempts = list(mapper(lambda row: _attempt(sender, settings, row), ready))
    sent = [
        (row, result)
        for row, result in zip(ready, attempts, strict=True)
        if isinstance(result, sms.SendResult)
    ]
    _record_sent(session, sent, now)
    outcomes.update({row.id: "sent" for row, _ in sent})
    for row, result in zip(ready, attempts, strict=True):
        if isinstance(result, sms.SmsSendError):
            outcomes[row.id] = _failed(session, row, result, settings, now)
    session.commit()
    return [outcomes[row.id] for row in claimed]


def send_one(session: Session, sender: sms.SmsSender, settings: Settings, now: datetime) -> str | None:
    """Send the next due text, if any, and commit its outcome. Returns what happened, None when idle."""
    outcomes = send_due(session, sender, settings, now, limit=1)
    return outcomes[0] if outcomes else None


def _hold_back(session: Session, row: Claimed, settings: Settings, now: datetime) -> str | None:
    """Re-checked at send time: opted out or undeliverable -> suppressed; quiet hours -> deferred (not the
    trainee's daily text going out at the time they chose)."""
    opted_out = row.status is TraineeStatus.OPTED_OUT and not row.opt_out_notice
    if opted_out or row.undeliverable:
        _set(session, row.id, state=DeliveryState.SUPPRESSED)
        return "suppressed"
    if row.kind in PROACTIVE:
        if row.kind in AT_CHOSEN_TIME and at_chosen_time(row.send_time, row.time_zone, row.due_since, now):
            return None
        wait_until = quiet_until(settings.quiet_hours, row.time_zone, now)
        if wait_until is not None:
            _set(session, row.id, not_before=wait_until)
            return "deferred"
    return None


def _attempt(sender: sms.SmsSender, settings: Settings, row: Claimed) -> sms.SendResult | sms.SmsSendError:
    callback = f"{settings.public_base_url}/twilio/status?o={row.id}"
    try:
        return sender.send(row.phone, row.body, callback)
    except sms.SmsSendError as error:
        return error
    except BaseTimeoutException:
        raise  # the job's own time is up: RQ must see it (the row's lock goes with the rollback)
    except Exception as error:  # a bug or an unexpected client error: keep the text and retry it later
        log.exception("unexpected error sending %s", row.id)
        return sms.SmsSendError(f"unexpected {type(error).__name__}")


def _record_sent(session: Session, sent: list[tuple[Claimed, sms.SendResult]], now: datetime) -> None:
    """Record a batch of accepted texts in two statements, whatever the batch size."""
    if not sent:
        return
    updates, messages = [], []
    for row, result in sent:
        state = forward_state(DeliveryState.SENT, result.status)
        described = text.describe(row.body)
        segments = result.segments or described.segments
        delivered_at = now if state is DeliveryState.DELIVERED else None
        updates.append(
            {
                "b_id": row.id,
                "b_state": state,
                "b_sid": result.sid,
                "b_segments": segments,
                "b_attempts": row.attempts + 1,
                "b_delivered_at": delivered_at,
            }
        )
        messages.append(
            sent_message(
                session,
                trainee_id=row.trainee_id,
                conversation_id=row.conversation_id,
                outbound_id=row.id,
                body=row.body,
                described=described,
                sid=result.sid,
                segments=segments,
                state=state,
                now=now,
            )
        )
    connection = session.connection()
    connection.execute(_RECORD_SENT, [{**u, "b_now": now} for u in updates])
    connection.execute(insert(_MESSAGES).on_conflict_do_nothing(), messages)


def _failed(
    session: Session, row: Claimed, error: sms.SmsSendError, settings: Settings, now: datetime
) -> str:
    attempts = row.attempts + 1
    disposition = error.disposition
    log.warning("send of %s failed (%s): %s", row.id, disposition, error)
    common = {"attempts": attempts, "error_code": error.code, "error_message": str(error)[:500]}
    if disposition == sms.RETRY and attempts < settings.sms_max_attempts:
        wait = backoff(attempts)
        if error.unknown_outcome:
            # Twilio may have taken the text before the answer was lost. If it did, its status callback
            # (which names this row) arrives within seconds and records it as sent; only then is it not
            # sent again. Wait long enough for that before resending.
            wait = max(wait, UNKNOWN_OUTCOME_WAIT)
        _set(session, row.id, next_attempt_at=now + wait, **common)
        return "retry"
    if disposition == sms.OPTED_OUT:
        _stop_texting(session, row.trainee_id, opted_out=True, now=now)
        _set(session, row.id, state=DeliveryState.SUPPRESSED, **common)
        return "opted_out"
    if disposition == sms.UNDELIVERABLE:
        _stop_texting(session, row.trainee_id, opted_out=False, now=now)
    _set(session, row.id, state=DeliveryState.FAILED, **common)
    return "failed"


def _stop_texting(session: Session, trainee_id: int, *, opted_out: bool, now: datetime) -> None:
    values: dict[str, object] = (
        {"status": TraineeStatus.OPTED_OUT, "opted_out_at": now, "opt_out_source": "carrier:21610"}
        if opted_out
        else {"undeliverable_at": now}
    )
    session.execute(sa.update(Trainee).where(Trainee.id == trainee_id).values(**values))
    suppress_queued(session, trainee_id)


UNKNOWN_OUTCOME_WAIT = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: ~30 s, 1 min, 2 min ... capped at 15 minutes."""
    base = min(15 * 2**attempts, 900)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def _set(session: Session, outbound_id: int, **values: object) -> None:
    session.connection().execute(
        sa.update(_OUTBOUND).where(_OUTBOUND.c.id == outbound_id).values(updated_at=sa.func.now(), **values)
    )
