"""The database schema (SQLAlchemy Core), the same for SQLite and PostgreSQL.

Aggregates are JSON documents (``data``) beside the columns that are searched or
locked on. Every tenant-owned table leads its keys with ``tenant_id``, so one
tenant's rows are never reachable with another's id. Migrations under
``store/migrations`` must produce exactly this (a test compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("client_id", String(36), nullable=False, unique=True),
    Column("secret_hash", String(255), nullable=False),
    Column("settings", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("tenant_id", String(32), nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)

counters = Table(
    "counters",
    metadata,
    Column("tenant_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", Integer, nullable=False),
    PrimaryKeyConstraint("tenant_id", "kind"),
)

products = Table(
    "products",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(32), nullable=False),
    Column("id", String(32), nullable=False, unique=True),
    Column("sku", String(100), nullable=False),
    Column("product_number", String(100), nullable=False),
    Column("data", Text, nullable=False),
    UniqueConstraint("tenant_id", "sku"),
    UniqueConstraint("tenant_id", "product_number"),
)

product_rate_plans = Table(
    "product_rate_plans",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(32), nullable=False),
    Column("id", String(32), nullable=False, unique=True),
    Column("product_id", String(32), nullable=False, index=True),
    Column("number", String(100), nullable=False),
    Column("data", Text, nullable=False),
    UniqueConstraint("tenant_id", "number"),
)

product_rate_plan_charges = Table(
    "product_rate_plan_charges",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(32), nullable=False),
    Column("id", String(32), nullable=False, unique=True),
    Column("rate_plan_id", String(32), nullable=False, index=True),
    Column("data", Text, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("tenant_id", String(32), nullable=False),
    Column("id", String(32), primary_key=True),
    Column("number", String(70), nullable=False),
    Column("data", Text, nullable=False),
    UniqueConstraint("tenant_id", "number"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("tenant_id", String(32), nullable=False),
    Column("id", String(32), primary_key=True),
    Column("number", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_latest", Boolean, nullable=False),
    Column("data", Text, nullable=False),
    UniqueConstraint("tenant_id", "number", "version"),
)

orders = Table(
    "orders",
    metadata,
    Column("tenant_id", String(32), nullable=False),
    Column("id", String(32), primary_key=True),
    Column("number", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("data", Text, nullable=False),
    UniqueConstraint("tenant_id", "number"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("request", Text, nullable=False),
    Column("result", Text),
    Column("error", Text),
    Column("attempts", Integer, nullable=False),
    Column("track_id", String(64)),
    Column("run_at", DateTime, nullable=False),
    Column("locked_by", String(64)),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
    Column("idempotency_key", String(255)),
    Index("ix_jobs_claim", "status", "run_at"),
    Index("ix_jobs_tenant_created", "tenant_id", "created_at"),
    # At most one job per Idempotency-Key and tenant, whatever happens between the
    # job's commit and the stored response (crash, lost reply, retried request).
    Index("ux_jobs_idempotency", "tenant_id", "idempotency_key", unique=True),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("tenant_id", String(32), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", String(2048), nullable=False),
    Column("body_hash", String(64), nullable=False),
    #: None while the first request is in flight.
    Column("status_code", Integer),
    Column("headers", Text),
    Column("body", LargeBinary),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)


def _account_documents(name: str) -> Table:
    """A tenant's numbered documents of an account (invoices, payments)."""
    return Table(
        name,
        metadata,
        Column("tenant_id", String(32), nullable=False),
        Column("id", String(32), primary_key=True),
        Column("number", String(100), nullable=False),
        Column("account_id", String(32), nullable=False, index=True),
        Column("data", Text, nullable=False),
        UniqueConstraint("tenant_id", "number"),
    )


invoices = _account_documents("invoices")
payments = _account_documents("payments")

#: How far each charge of a subscription has been invoiced (charge number → first day
#: not yet billed), so a later billing run never bills a period twice.
billing_state = Table(
    "billing_state",
    metadata,
    Column("tenant_id", String(32), nullable=False),
    Column("subscription_number", String(100), nullable=False),
    Column("billed_through", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "subscription_number"),
)

#: Each API process's request and in-flight counts per tenant (service/limits.py).
limit_counters = Table(
    "limit_counters",
    metadata,
    Column("tenant_id", String(32), nullable=False),
    Column("process_id", String(128), nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("requests", Integer, nullable=False),
    Column("in_flight", Integer, nullable=False),
    Column("in_flight_high_volume", Integer, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "process_id"),
)
