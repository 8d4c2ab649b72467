"""Finding (or starting) a trainee's record and conversation from a phone number."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from coach.models import Conversation, Trainee


def trainee_for_phone(session: Session, phone: str) -> Trainee:
    """The trainee with this E.164 number, created in the onboarding state if new; locked for this txn.

    The lock serialises concurrent webhooks for one number (keywords, duplicates) without blocking others.
    """
    session.execute(
        insert(Trainee).values(phone=phone).on_conflict_do_nothing(index_elements=[Trainee.phone])
    )
    trainee = session.scalars(sa.select(Trainee).where(Trainee.phone == phone).with_for_update()).one()
    return trainee


def active_conversation_id(session: Session, trainee_id: int) -> int:
    """The trainee's active conversation, started if there is none."""
    session.execute(
        insert(Conversation)
        .values(trainee_id=trainee_id)
        .on_conflict_do_nothing(
            index_elements=[Conversation.trainee_id], index_where=sa.text("status = 'active'")
        )
    )
    return int(
        session.scalars(
            sa.select(Conversation.id).where(
                Conversation.trainee_id == trainee_id, Conversation.status == "active"
            )
        ).one()
    )
