"""Emulator controls, off unless a tenant turns them on: hold jobs ``Processing`` for a time
or a number of polls, fail them with a chosen Zuora code and message, or crash their
worker once so the rescuer must finish them.

Whether a tenant's controls are on is a tenant setting in the database, so every process
agrees. Directives live in the serving process (its in-process workers run the jobs it
accepted), so they suit the single ``zorders serve`` a test suite starts. The engine stays
honest: a failed job really fails (no effects, nothing written), a held job has really
run — only its polls answer ``Processing`` until the hold ends — and a crashed run really
loses what it wrote and really waits for its lease to run out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from zorders.domain.errors import Category, InvalidValue, NotFound, Resource, ZuoraError
from zorders.service.jobs import Job, JobKind, JobOutcome, JobResult, JobStatus, WorkerCrash
from zorders.service.ports import Clock, IdFactory, Store, UnitOfWork
from zorders.service.queries import Queries
from zorders.types import JobId, TenantId

#: Directives kept at most (oldest dropped first): a runaway test cannot grow memory.
MAX_DIRECTED_JOBS = 10_000


@dataclass(frozen=True, kw_only=True, slots=True)
class Directive:
    #: Polls answer ``Processing`` until this many milliseconds after submission.
    hold_ms: int = 0
    #: The first this-many polls answer ``Processing``.
    hold_polls: int = 0
    #: Fail the job with ``[fail_code]: fail_message`` instead of running it.
    fail_code: int | None = None
    fail_message: str = "Failed on purpose by the zorders emulator."
    #: The first run's worker crashes after the handler wrote its effects, before commit.
    crash_once: bool = False

    def __post_init__(self) -> None:
        if self.hold_ms < 0 or self.hold_polls < 0:
            raise InvalidValue("Emulator holds must be 0 or more.")
        if self.fail_code is not None and not 10_000_000 <= self.fail_code <= 99_999_999:
            raise InvalidValue("An emulated failure code has 8 digits, e.g. 40000020.")


#: The directive of the request being handled (the ``Zorders-Emulate`` header).
REQUESTED: ContextVar[Directive | None] = ContextVar("zorders_emulate", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Attached:
    tenant_id: TenantId
    directive: Directive
    held_until: datetime


def _enabled(uow: UnitOfWork, tenant_id: TenantId) -> bool:
    tenant = uow.tenants.get(tenant_id)
    return tenant is not None and tenant.settings.emulator_enabled


class EmulatedFailure(ZuoraError):
    """The failure a directive asked for, reported with exactly its code."""

    category = Category.BUSINESS_RULE

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self._code = code

    @property
    def job_code(self) -> int:
        return self._code


class Emulator:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._queued: dict[TenantId, list[Directive]] = {}
        self._jobs: dict[JobId, _Attached] = {}
        self._polls: dict[JobId, int] = {}
        self._crashed: set[JobId] = set()

    # -- the admin API ----------------------------------------------------------------

    def enabled(self, tenant_id: TenantId) -> bool:
        with self._store.begin(write=False) as uow:
            return _enabled(uow, tenant_id)

    def set_enabled(self, tenant_id: TenantId, enabled: bool) -> None:
        with self._store.begin() as uow:
            tenant = uow.tenants.get(tenant_id)
            if tenant is None:
                raise NotFound("The tenant does not exist.", resource=Resource.TENANT)
            settings = replace(tenant.settings, emulator_enabled=enabled)
            uow.tenants.update(replace(tenant, settings=settings))
        if not enabled:
            with self._lock:
                self._queued.pop(tenant_id, None)

    def queue(self, tenant_id: TenantId, directive: Directive, count: int) -> None:
        """The tenant's next ``count`` submitted jobs get ``directive``."""
        self._require(tenant_id)
        if not 1 <= count <= 1000:
            raise InvalidValue("'count' must be 1 to 1000.")
        with self._lock:
            self._queued.setdefault(tenant_id, []).extend([directive] * count)

    def queued(self, tenant_id: TenantId) -> tuple[Directive, ...]:
        with self._lock:
            return tuple(self._queued.get(tenant_id, ()))

    def clear(self, tenant_id: TenantId) -> None:
        with self._lock:
            self._queued.pop(tenant_id, None)

    def forget(self, tenant_id: TenantId) -> None:
        """Drop the tenant's queued directives and those of its jobs (a data reset)."""
        with self._lock:
            self._queued.pop(tenant_id, None)
            for job_id in [j for j, a in self._jobs.items() if a.tenant_id == tenant_id]:
                self._jobs.pop(job_id)
                self._polls.pop(job_id, None)
                self._crashed.discard(job_id)

    def advance(self, tenant_id: TenantId, by: timedelta) -> None:
        """The tenant's test clock moved ``by``: its time-based holds end that much sooner."""
        with self._lock:
            for job_id, attached in self._jobs.items():
                if attached.tenant_id == tenant_id:
                    self._jobs[job_id] = replace(attached, held_until=attached.held_until - by)

    def require(self, tenant_id: TenantId) -> None:
        """Refuse a control the tenant has not turned on (test clock, data reset)."""
        self._require(tenant_id)

    def _require(self, tenant_id: TenantId, uow: UnitOfWork | None = None) -> None:
        on = self.enabled(tenant_id) if uow is None else _enabled(uow, tenant_id)
        if not on:
            raise InvalidValue(
                "Emulator controls are off for this tenant; turn them on with "
                'PUT /zorders/emulator {"enabled": true}.'
            )

    # -- submission (inside its transaction) and execution -----------------------------

    def attach(self, uow: UnitOfWork, tenant_id: TenantId, job_id: JobId) -> None:
        """Give the job the request's directive, or the tenant's next queued one (inside
        the submitting transaction ``uow``)."""
        directive = REQUESTED.get()
        if directive is None and tenant_id not in self._queued:
            return  # the common case: costs one lookup
        if directive is not None:
            self._require(tenant_id, uow)
        elif not _enabled(uow, tenant_id):
            # Turned off through another process since they were queued here.
            self.clear(tenant_id)
            return
        with self._lock:
            if directive is None:
                queue = self._queued.get(tenant_id)
                if not queue:
                    return
                directive = queue.pop(0)
                if not queue:
                    del self._queued[tenant_id]
            if len(self._jobs) >= MAX_DIRECTED_JOBS:
                oldest = next(iter(self._jobs))
                self._jobs.pop(oldest)
                self._polls.pop(oldest, None)
                self._crashed.discard(oldest)
            held_until = self._clock.now() + timedelta(milliseconds=directive.hold_ms)
            self._jobs[job_id] = _Attached(
                tenant_id=tenant_id, directive=directive, held_until=held_until
            )

    def directive(self, job_id: JobId) -> Directive | None:
        attached = self._jobs.get(job_id)
        return None if attached is None else attached.directive

    def crash_now(self, job_id: JobId) -> bool:
        """True the first time a ``crash_once`` job runs (the run that crashes), else False."""
        directive = self.directive(job_id)
        if directive is None or not directive.crash_once:
            return False
        with self._lock:
            if job_id in self._crashed:
                return False
            self._crashed.add(job_id)
            return True

    def as_polled(self, outcome: JobOutcome) -> JobOutcome:
        """A finished job reads ``Processing`` while its hold lasts; each call is a poll."""
        if not self._jobs:
            return outcome
        attached = self._jobs.get(outcome.id)
        if attached is None:
            return outcome
        with self._lock:
            polls = self._polls[outcome.id] = self._polls.get(outcome.id, 0) + 1
        held = polls <= attached.directive.hold_polls or self._clock.now() < attached.held_until
        if held and outcome.status.finished:
            return replace(
                outcome, status=JobStatus.PROCESSING, order=None, preview=None, error=None
            )
        return outcome


Handler = Callable[[Job, UnitOfWork, Clock, IdFactory], JobResult]


def emulated_handlers(
    handlers: Mapping[JobKind, Handler], emulator: Emulator
) -> dict[JobKind, Handler]:
    """The job table with each handler first asking the emulator whether to fail."""

    def wrap(handler: Handler) -> Handler:
        def run(job: Job, uow: UnitOfWork, clock: Clock, ids: IdFactory) -> JobResult:
            directive = emulator.directive(job.id)
            if directive is None:
                return handler(job, uow, clock, ids)
            if emulator.crash_now(job.id):
                # After the handler's writes, before the commit: the crash exactly-once
                # effects are about (the rolled-back writes must not reappear).
                handler(job, uow, clock, ids)
                raise WorkerCrash(f"job {job.id}: crashed once on purpose")
            if directive.fail_code is not None:
                raise EmulatedFailure(directive.fail_code, directive.fail_message)
            return handler(job, uow, clock, ids)

        return run

    return {kind: wrap(handler) for kind, handler in handlers.items()}


class EmulatedQueries(Queries):
    """``Queries`` whose job polls pass through the emulator's holds."""

    def __init__(self, store: Store, emulator: Emulator) -> None:
        super().__init__(store)
        self._emulator = emulator

    def job_outcome(self, tenant_id: TenantId, job_id: str) -> JobOutcome:
        return self._emulator.as_polled(super().job_outcome(tenant_id, job_id))
