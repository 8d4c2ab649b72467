"""Answering a trainee's texts: once, in order, and together when they arrive in a burst."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.conversation.replies import compose_reply
from coach.messaging import outbox
from coach.models import Message, OutboundMessage, Trainee
from coach.models.enums import Direction, OutboundKind, TraineeStatus


def answer_inbound(session: Session, message_id: int, *, now: datetime, segment_budget: int) -> bool:
    """Answer every text this trainee is still owed an answer for. Commits; True if a reply was queued.

    A per-trainee advisory lock serialises jobs for one trainee, so two quick texts are answered in order and
    together; the reply's idempotency key is the newest text it answers, so a retried job never replies twice.
    """
    trainee_id = session.scalar(sa.select(Message.trainee_id).where(Message.id == message_id))
    if trainee_id is None:
        session.rollback()
        return False
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(trainee_id)))
    owed = list(
        session.scalars(
            sa.select(Message)
            .where(Message.trainee_id == trainee_id, Message.direction == Direction.INBOUND)
            .where(Message.handled_at.is_(None))
            .order_by(Message.id)
        )
    )
    if not owed:
        session.rollback()
        return False
    trainee = session.get_one(Trainee, trainee_id)
    queued: list[int] = []
    if trainee.status is not TraineeStatus.OPTED_OUT:
        first_contact = not session.scalar(
            sa.select(sa.exists().where(OutboundMessage.trainee_id == trainee_id))
        )
        body = compose_reply(session, trainee, owed, first_contact=first_contact)
        queued = outbox.enqueue_text(
            session,
            trainee_id=trainee_id,
            kind=OutboundKind.REPLY,
            body=body,
            idempotency_key=f"reply:{owed[-1].id}",
            segment_budget=segment_budget,
            in_reply_to_id=owed[-1].id,
        )
    session.execute(sa.update(Message).where(Message.id.in_([m.id for m in owed])).values(handled_at=now))
    session.commit()
    return bool(queued)
