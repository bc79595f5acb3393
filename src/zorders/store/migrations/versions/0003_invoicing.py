"""Invoices, payments and billing state (runBilling / collectPayment).

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("invoices", "payments"):
        op.create_table(
            name,
            sa.Column("tenant_id", sa.String(32), nullable=False),
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("number", sa.String(100), nullable=False),
            sa.Column("account_id", sa.String(32), nullable=False),
            sa.Column("data", sa.Text, nullable=False),
            sa.UniqueConstraint("tenant_id", "number"),
        )
        op.create_index(f"ix_{name}_account_id", name, ["account_id"])
    op.create_table(
        "billing_state",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("subscription_number", sa.String(100), nullable=False),
        sa.Column("billed_through", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "subscription_number"),
    )


def downgrade() -> None:
    for name in ("billing_state", "payments", "invoices"):
        op.drop_table(name)
