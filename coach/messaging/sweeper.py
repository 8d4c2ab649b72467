"""Recovery: PostgreSQL is the source of truth, so whatever Redis lost can be found again and redone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.models import Message, OutboundMessage
from coach.models.enums import DeliveryState, Direction

# An inbound text is presumed lost (its job gone with Redis, or its worker killed) after this long.
UNANSWERED_AFTER = timedelta(seconds=60)
MAX_PER_SWEEP = 1000


@dataclass(frozen=True)
class SweepFindings:
    owed_message_ids: list[int]  # one per trainee still owed an answer: their oldest unanswered text
    texts_due: int  # queued texts whose time has come


def find_lost_work(session: Session, now: datetime) -> SweepFindings:
    """What needs a job again.

    Queued texts need no release step: a sender's claim is a row lock, which PostgreSQL drops with the
    connection of a sender that died, leaving the row queued.
    """
    owed = session.execute(
        sa.select(sa.func.min(Message.id))
        .where(Message.direction == Direction.INBOUND, Message.handled_at.is_(None))
        .where(Message.created_at < now - UNANSWERED_AFTER)
        .group_by(Message.trainee_id)
        .limit(MAX_PER_SWEEP)
    ).scalars()
    due = session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboundMessage)
        .where(OutboundMessage.state == DeliveryState.QUEUED, OutboundMessage.next_attempt_at <= now)
        .where(sa.or_(OutboundMessage.not_before.is_(None), OutboundMessage.not_before <= now))
    )
    session.rollback()
    return SweepFindings(owed_message_ids=list(owed), texts_due=int(due or 0))
