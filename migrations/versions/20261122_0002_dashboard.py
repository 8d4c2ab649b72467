"""dashboard: the audit log, and the indexes the overview reads through

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:40:08.197618

The indexes on outbound_messages, messages and trainees are built CONCURRENTLY (outside the migration's
transaction), so adding them to a live queue table does not block the senders or the webhooks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_INCLUDE = ["created_at", "not_before", "next_attempt_at", "attempts"]
PENDING_WHERE = sa.text("state IN ('queued', 'sending')")
OPTED_OUT_WHERE = sa.text("opted_out_at IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_created", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target_id"])

    with op.get_context().autocommit_block():
        op.create_index(
            "ix_outbound_messages_created_state",
            "outbound_messages",
            ["created_at", "state"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )
        op.create_index(
            "ix_outbound_messages_pending",
            "outbound_messages",
            ["state"],
            postgresql_include=PENDING_INCLUDE,
            postgresql_where=PENDING_WHERE,
            postgresql_concurrently=True,
            if_not_exists=True,
        )
        op.create_index(
            "ix_messages_created_direction",
            "messages",
            ["created_at", "direction"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )
        op.create_index(
            "ix_trainees_opted_out",
            "trainees",
            ["opted_out_at"],
            postgresql_where=OPTED_OUT_WHERE,
            postgresql_concurrently=True,
            if_not_exists=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table in (
            ("ix_trainees_opted_out", "trainees"),
            ("ix_messages_created_direction", "messages"),
            ("ix_outbound_messages_pending", "outbound_messages"),
            ("ix_outbound_messages_created_state", "outbound_messages"),
        ):
            op.drop_index(name, table_name=table, postgresql_concurrently=True, if_exists=True)
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    op.drop_index("ix_audit_log_created", table_name="audit_log")
    op.drop_table("audit_log")
