"""The composition root: settings → store, clock, ids, services, workers, app."""

from __future__ import annotations

import gc
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from fastapi import FastAPI

import zorders
from zorders.adapters import RandomIds, SystemClock
from zorders.config import MEMORY_URL, Settings, settings_from_env
from zorders.http.app import create_app
from zorders.http.context import ApiContext
from zorders.http.operations import Operations
from zorders.observability.logs import configure_logging
from zorders.observability.telemetry import Telemetry
from zorders.service.accounts import AccountService
from zorders.service.auth import Authenticator
from zorders.service.catalog import CatalogService
from zorders.service.demo import ensure_demo_tenant
from zorders.service.emulator import EmulatedQueries, Emulator, emulated_handlers
from zorders.service.handlers import JOB_HANDLERS
from zorders.service.idempotency import IdempotencyService
from zorders.service.jobs import JobKind
from zorders.service.limits import LimitDefaults, Limiter
from zorders.service.ports import Clock, IdFactory, Store
from zorders.service.submissions import ObservedOrderService
from zorders.service.tenant_admin import TenantDataReset
from zorders.service.tenants import Tenant
from zorders.service.test_clock import TestClocks
from zorders.store.memory import MemoryStore
from zorders.store.migrate import upgrade
from zorders.store.sql import SqlStore
from zorders.worker.handoff import LocalHandoff
from zorders.worker.maintenance import Maintenance
from zorders.worker.periodic import Periodic
from zorders.worker.runner import Worker, WorkerOptions


@dataclass(kw_only=True)
class Runtime:
    settings: Settings
    store: Store
    clock: Clock
    ids: IdFactory
    workers: list[Worker] = field(default_factory=list)
    maintenance: Maintenance | None = None
    limit_sync: Periodic | None = None

    @cached_property
    def limiter(self) -> Limiter:
        return Limiter(
            self.store,
            self.clock,
            process_id=f"{socket.gethostname()}:{os.getpid()}:{self.ids.new_id()[:8]}",
            defaults=LimitDefaults(
                requests_per_minute=self.settings.rate_limit_per_minute,
                concurrency=self.settings.concurrency_limit,
                high_volume_concurrency=self.settings.high_volume_concurrency_limit,
            ),
        )

    @cached_property
    def handoff(self) -> LocalHandoff:
        """New jobs go straight to an idle in-process worker (``start_background``'s)."""
        return LocalHandoff(self.store)

    @cached_property
    def emulator(self) -> Emulator:
        """Emulator controls: per tenant, off until the tenant turns them on."""
        return Emulator(self.store, self.clock)

    @cached_property
    def telemetry(self) -> Telemetry:
        """This process's metrics: its requests, its workers' jobs, the shared queue."""
        return Telemetry(
            version=zorders.__version__,
            job_kinds=[kind.value for kind in JobKind],
            queue_depth=self.store.queue_depth,
        )

    def check_ready(self) -> None:
        """Raise if the database cannot be reached (``/readyz``)."""
        self.store.ping()

    def worker(self, name: str, options: WorkerOptions | None = None) -> Worker:
        return Worker(
            self.store,
            self.clock,
            self.ids,
            name=name,
            options=options or WorkerOptions(),
            handlers=emulated_handlers(JOB_HANDLERS, self.emulator),
            events=self.telemetry,
        )

    def api_context(self) -> ApiContext:
        return ApiContext(
            auth=Authenticator(self.store, self.clock, self.ids),
            orders=ObservedOrderService(
                self.store,
                self.clock,
                self.ids,
                events=self.telemetry,
                before_commit=self.emulator.attach,
                handoff=self.handoff,
            ),
            accounts=AccountService(self.store, self.clock, self.ids),
            catalog=CatalogService(self.store, self.clock, self.ids),
            queries=EmulatedQueries(self.store, self.emulator),
            idempotency=IdempotencyService(self.store, self.clock),
            limits=self.limiter,
            default_zuora_version="2025-08-12",
            max_body_bytes=self.settings.max_body_bytes,
            max_inflated_bytes=self.settings.max_inflated_bytes,
            ops=Operations(
                telemetry=self.telemetry,
                check_ready=self.check_ready,
                emulator=self.emulator,
                test_clocks=TestClocks(self.store, self.clock, on_advance=self.emulator.advance),
                reset=TenantDataReset(self.store, after=self.emulator.forget),
            ),
        )

    def start_background(self, worker_count: int) -> None:
        prefix = f"{socket.gethostname()}:{os.getpid()}"
        options = WorkerOptions(
            lease=timedelta(seconds=self.settings.job_lease_seconds),
            poll_interval=self.settings.poll_interval,
        )
        self.workers = [self.worker(f"{prefix}:{n}", options) for n in range(worker_count)]
        self.handoff.attach(self.workers)
        for worker in self.workers:
            worker.start()
        self.maintenance = Maintenance(
            self.store,
            self.clock,
            job_retention=timedelta(days=self.settings.job_retention_days),
            # Rescue checks a few times per lease: a dead worker's job moves on soon after
            # its lease ends (lease 30 s → rescued within about 35 s).
            interval=min(5.0, max(0.2, self.settings.job_lease_seconds / 3)),
        )
        self.maintenance.start()
        # API processes share their limit counters about once a second.
        self.limit_sync = Periodic("limit-sync", 1.0, self.limiter.sync)
        self.limit_sync.start()

    def stop_background(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.maintenance is not None:
            self.maintenance.stop()
        if self.limit_sync is not None:
            self.limit_sync.stop()

    def close(self) -> None:
        self.stop_background()
        self.store.close()


def build(
    settings: Settings, *, clock: Clock | None = None, ids: IdFactory | None = None
) -> Runtime:
    """Open the store and migrate it; start nothing yet."""
    store = open_store(settings.database_url)
    return Runtime(
        settings=settings, store=store, clock=clock or SystemClock(), ids=ids or RandomIds()
    )


def open_store(database_url: str) -> Store:
    """The store ``database_url`` names, migrated if it is a database."""
    if database_url.startswith(MEMORY_URL):
        return MemoryStore()  # nothing to migrate: its tables start empty in this process
    store = SqlStore(database_url)
    upgrade(store.engine)
    return store


def ensure_demo(runtime: Runtime) -> Tenant:
    with runtime.store.begin() as uow:
        return ensure_demo_tenant(
            uow,
            client_id=runtime.settings.demo_client_id,
            client_secret=runtime.settings.demo_client_secret,
            clock=runtime.clock,
            ids=runtime.ids,
        )


def serve_app(runtime: Runtime, *, close: bool = False) -> FastAPI:
    """The app with its workers tied to its lifespan (started and stopped with the server);
    ``close``: close the runtime too when the server stops."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start_background(runtime.settings.workers)
        # What start-up made (modules, the app, its routes and models) lives as long as
        # the process: out of the collector's way, a full collection scans only what
        # requests made since; on a busy server those collections set the tail latency
        # (docs/performance.md).
        gc.freeze()
        try:
            yield
        finally:
            runtime.stop_background()
            if close:
                runtime.close()

    return create_app(runtime.api_context(), lifespan=lifespan)


def serve_app_from_env() -> FastAPI:
    """One process of ``zorders serve --processes N`` (uvicorn calls it in each): settings
    from the ``ZORDERS_*`` variables the parent process set."""
    settings = settings_from_env(os.environ)
    configure_logging(settings.log_level, settings.log_format)
    return serve_app(build(settings), close=True)
