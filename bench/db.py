"""The databases of a run: fresh PostgreSQL databases, in-process runtimes, job timings."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from zorders.bootstrap import Runtime, build, ensure_demo
from zorders.config import Settings
from zorders.domain.order_actions import OrderRequest
from zorders.service.jobs import JobKind
from zorders.service.orders import SubmitOrder, submit_order
from zorders.store import schema as t
from zorders.store.sql import SqlStore
from zorders.types import JobId, TenantId

_c = t.jobs.c


@contextmanager
def postgres_database(admin_url: str, name: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url``, dropped afterwards."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_reachable(admin_url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def runtime_for(database_url: str, **settings: Any) -> tuple[Runtime, TenantId]:
    """Migrated, with the demo tenant and catalog (as ``zorders serve`` makes them)."""
    runtime = build(Settings(database_url=database_url, workers=0, **settings))
    return runtime, ensure_demo(runtime).id


def submit_batch(
    runtime: Runtime, tenant_id: TenantId, request: OrderRequest, count: int
) -> list[JobId]:
    """``count`` create-order jobs committed together: one wake-up for every worker."""
    with runtime.store.begin() as uow:
        return [
            submit_order(
                SubmitOrder(tenant_id=tenant_id, kind=JobKind.CREATE_ORDER, request=request),
                uow,
                runtime.clock,
                runtime.ids,
            ).id
            for _ in range(count)
        ]


def submit_one(runtime: Runtime, tenant_id: TenantId, request: OrderRequest) -> JobId:
    return submit_batch(runtime, tenant_id, request, 1)[0]


def _engine(runtime: Runtime) -> Engine:
    # The benchmark reads job timings in SQL, in one query per batch: it measures databases.
    assert isinstance(runtime.store, SqlStore), "the benchmark runs on SQLite or PostgreSQL"
    return runtime.store.engine


def finished_count(runtime: Runtime, job_ids: Sequence[JobId]) -> int:
    with _engine(runtime).connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(t.jobs)
            .where(_c.id.in_(job_ids), _c.status.in_(["completed", "failed"]))
        ).scalar_one()
    return int(count)


def wait_finished(runtime: Runtime, job_ids: Sequence[JobId], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while finished_count(runtime, job_ids) < len(job_ids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"jobs not finished after {timeout}s")
        time.sleep(0.05)


@dataclass(frozen=True, kw_only=True, slots=True)
class Timing:
    status: str
    created_at: datetime
    started_at: datetime
    finished_at: datetime

    @property
    def claim_ms(self) -> float:
        """Commit → claimed (``created_at`` is taken just before the submit's commit)."""
        return (self.started_at - self.created_at).total_seconds() * 1000

    @property
    def total_ms(self) -> float:
        return (self.finished_at - self.created_at).total_seconds() * 1000


def timings(runtime: Runtime, job_ids: Sequence[JobId]) -> list[Timing]:
    with _engine(runtime).connect() as conn:
        rows = conn.execute(
            select(_c.status, _c.created_at, _c.started_at, _c.finished_at).where(
                _c.id.in_(job_ids)
            )
        ).all()
    return [
        Timing(status=r[0], created_at=r[1], started_at=r[2], finished_at=r[3])
        for r in rows
        if r[2] is not None and r[3] is not None
    ]
