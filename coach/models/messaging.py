"""Conversations, every text in and out, and the durable outbound queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coach.models.base import Base, Timestamps, enum_column, id_column
from coach.models.enums import ConversationStatus, DeliveryState, Direction, Encoding, OutboundKind


class Conversation(Timestamps, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        sa.Index(
            "uq_conversations_active",
            "trainee_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    status: Mapped[ConversationStatus] = mapped_column(
        enum_column(ConversationStatus, "conversation_status"), server_default=ConversationStatus.ACTIVE.value
    )
    # A running summary of turns too old to send to the LLM verbatim.
    summary: Mapped[str | None]
    # What the coach is waiting to hear: onboarding answers so far, a question it just asked.
    state: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    last_message_at: Mapped[datetime | None]


class Message(Base):
    """One SMS, inbound or outbound, as it happened."""

    __tablename__ = "messages"
    __table_args__ = (
        sa.Index("ix_messages_conversation_created", "conversation_id", "created_at"),
        # Inbound texts the coach still owes an answer (the sweeper's and the agent job's lookup).
        sa.Index(
            "ix_messages_unhandled",
            "trainee_id",
            "id",
            postgresql_where=sa.text("direction = 'inbound' AND handled_at IS NULL"),
        ),
        sa.CheckConstraint("num_media BETWEEN 0 AND 100", name="num_media_range"),
    )

    id: Mapped[int] = id_column()
    conversation_id: Mapped[int] = mapped_column(sa.ForeignKey("conversations.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "message_direction"))
    body: Mapped[str] = mapped_column(server_default="")
    # Twilio's MessageSid (inbound) or the SID returned on send (outbound); a retry cannot insert twice.
    provider_sid: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    num_media: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=sa.text("'[]'::jsonb"))
    segments: Mapped[int | None] = mapped_column(sa.SmallInteger)
    encoding: Mapped[Encoding | None] = mapped_column(enum_column(Encoding, "sms_encoding"))
    status: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState, "delivery_state"))
    error_code: Mapped[int | None]
    outbound_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbound_messages.id", ondelete="SET NULL", use_alter=True), unique=True
    )
    # Inbound: when the coach finished with this text (answered, or deliberately not). NULL = still owed.
    handled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class OutboundMessage(Timestamps, Base):
    """The message queue: every text to a trainee is a row here before it is sent.

    PostgreSQL is the source of truth; Redis only wakes the senders.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        sa.UniqueConstraint("trainee_id", "sequence"),
        # Claimable rows, in the order senders take them.
        sa.Index(
            "ix_outbound_messages_claimable",
            "priority",
            "sequence",
            postgresql_where=sa.text("state = 'queued'"),
        ),
        sa.Index("ix_outbound_messages_state_created", "state", "created_at"),
        # Nudges a trainee has had since they last wrote (the scheduler stops after three).
        sa.Index(
            "ix_outbound_messages_nudges",
            "trainee_id",
            "created_at",
            postgresql_where=sa.text("kind = 'nudge'"),
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    kind: Mapped[OutboundKind] = mapped_column(enum_column(OutboundKind, "outbound_kind"))
    body: Mapped[str]
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState, "delivery_state"), server_default=DeliveryState.QUEUED.value
    )
    # Lower sends first: replies to the trainee before proactive texts.
    priority: Mapped[int] = mapped_column(sa.SmallInteger, server_default="5")
    attempts: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    not_before: Mapped[datetime | None]
    # Monotonic across the table, so a trainee's texts leave in the order they were queued.
    sequence: Mapped[int] = mapped_column(
        sa.BigInteger,
        sa.Sequence("outbound_messages_sequence_seq"),
        server_default=sa.text("nextval('outbound_messages_sequence_seq')"),
    )
    in_reply_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id", ondelete="SET NULL"))
    # The one confirmation of an opt-out the trainee asked for in words ("please stop texting me"):
    # it goes out although the trainee is opted out by the time the sender picks it up.
    opt_out_notice: Mapped[bool] = mapped_column(server_default=sa.false())
    provider_sid: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    segments: Mapped[int | None] = mapped_column(sa.SmallInteger)
    error_code: Mapped[int | None]
    error_message: Mapped[str | None]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
