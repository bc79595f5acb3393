"""Initial schema: tenants, tokens, counters, catalog, accounts, subscriptions, orders, jobs.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("client_id", sa.String(36), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_tokens_expires_at", "tokens", ["expires_at"])
    op.create_table(
        "counters",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "kind"),
    )
    op.create_table(
        "products",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("sku", sa.String(100), nullable=False),
        sa.Column("product_number", sa.String(100), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("tenant_id", "sku"),
        sa.UniqueConstraint("tenant_id", "product_number"),
    )
    op.create_table(
        "product_rate_plans",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("product_id", sa.String(32), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_index("ix_product_rate_plans_product_id", "product_rate_plans", ["product_id"])
    op.create_table(
        "product_rate_plan_charges",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("rate_plan_id", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_product_rate_plan_charges_rate_plan_id",
        "product_rate_plan_charges",
        ["rate_plan_id"],
    )
    op.create_table(
        "accounts",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(70), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("is_latest", sa.Boolean, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("tenant_id", "number", "version"),
    )
    op.create_table(
        "orders",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("track_id", sa.String(64)),
        sa.Column("run_at", sa.DateTime, nullable=False),
        sa.Column("locked_by", sa.String(64)),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_index("ix_jobs_claim", "jobs", ["status", "run_at"])
    op.create_index("ix_jobs_tenant_created", "jobs", ["tenant_id", "created_at"])


def downgrade() -> None:
    for table in (
        "jobs",
        "orders",
        "subscriptions",
        "accounts",
        "product_rate_plan_charges",
        "product_rate_plans",
        "products",
        "counters",
        "tokens",
        "tenants",
    ):
        op.drop_table(table)
