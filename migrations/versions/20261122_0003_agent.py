"""agent: conversation state, the opt-out notice exemption, and the path an agent run took

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00

All three columns have constant defaults, so PostgreSQL adds them without rewriting the tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "conversations",
        sa.Column(
            "state",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column(
        "outbound_messages",
        sa.Column("opt_out_notice", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("agent_runs", sa.Column("path", sa.String(length=60), nullable=True))


def downgrade() -> None:
    op.drop_column("agent_runs", "path")
    op.drop_column("outbound_messages", "opt_out_notice")
    op.drop_column("conversations", "state")
