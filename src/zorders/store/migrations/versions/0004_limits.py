"""Rate and concurrency limit counters shared between API processes.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "limit_counters",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("process_id", sa.String(128), nullable=False),
        sa.Column("window_start", sa.DateTime, nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("in_flight", sa.Integer, nullable=False),
        sa.Column("in_flight_high_volume", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "process_id"),
    )


def downgrade() -> None:
    op.drop_table("limit_counters")
