"""The one way a text to a trainee is queued: a row in outbound_messages, unique on its idempotency key."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from coach.messaging import text
from coach.models import OutboundMessage
from coach.models.enums import OutboundKind

# Lower leaves first: answers to the trainee's own texts before anything we send unprompted.
PRIORITY = {
    OutboundKind.REPLY: 1,
    OutboundKind.SYSTEM: 2,
    OutboundKind.OPERATOR: 3,
    OutboundKind.DAILY_WORKOUT: 4,
    OutboundKind.WEEKLY_PREVIEW: 5,
    OutboundKind.REST_DAY: 6,
    OutboundKind.NUDGE: 7,
}
# Kinds the trainee did not ask for: they wait out quiet hours.
PROACTIVE = frozenset(
    {
        OutboundKind.DAILY_WORKOUT,
        OutboundKind.WEEKLY_PREVIEW,
        OutboundKind.REST_DAY,
        OutboundKind.NUDGE,
        OutboundKind.OPERATOR,
    }
)
# Kinds the scheduler sends at the trainee's own send time: on time, they are asked for (see quiet.py).
AT_CHOSEN_TIME = frozenset({OutboundKind.DAILY_WORKOUT, OutboundKind.REST_DAY})


def enqueue_text(
    session: Session,
    *,
    trainee_id: int,
    kind: OutboundKind,
    body: str,
    idempotency_key: str,
    segment_budget: int,
    not_before: datetime | None = None,
    in_reply_to_id: int | None = None,
    opt_out_notice: bool = False,
) -> list[int]:
    """Queue a text (split into ordered parts above the segment budget). Returns the ids of new rows.

    Queuing the same key twice is a no-op, so retries and concurrent callers cannot double a text.
    The caller commits, then wakes the senders.
    """
    parts = text.split(body, segment_budget)
    if not parts:
        raise ValueError("refusing to queue an empty text")
    rows = [
        {
            "trainee_id": trainee_id,
            "kind": kind,
            "body": part,
            "idempotency_key": idempotency_key if n == 0 else f"{idempotency_key}#{n + 1}",
            "priority": PRIORITY[kind],
            "not_before": not_before,
            "next_attempt_at": sa.func.now(),
            "in_reply_to_id": in_reply_to_id,
            "opt_out_notice": opt_out_notice,
            "segments": text.segment_count(part),
        }
        for n, part in enumerate(parts)
    ]
    stmt = (
        insert(OutboundMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=[OutboundMessage.idempotency_key])
        .returning(OutboundMessage.id)
    )
    return list(session.scalars(stmt))
