"""A tenant's test clock: time moves forward on request, and the work that came due runs.

An emulator control (off unless the tenant turns controls on). Advancing moves the
tenant's "now" — the date orders, previews and billing take as today — and brings the
tenant's queue forward by the same amount: retries whose backoff has passed become
runnable, and a job whose worker crashed is rescued once its lease has run out in the
tenant's time. The call returns when the tenant's queue is quiet, so a test can advance
and then assert.

The offset is a tenant setting in the database, so every API and worker process sees the
same time. Queue mechanics (leases, retention, token expiry) keep running on real time:
the queue's own timestamps are moved instead, which is why nothing else has to know.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from zorders.domain.errors import Category, InvalidValue, NotFound, Resource, ZuoraError
from zorders.service.ports import Clock, Store, UnitOfWork
from zorders.service.tenants import TenantSettings, tenant_settings
from zorders.types import TenantId

#: The furthest one call may move the clock (a typo of a few zeros should not overflow dates).
MAX_ADVANCE = timedelta(days=366 * 20)
#: How long ``advance`` waits for the tenant's queue to go quiet, unless told otherwise.
DEFAULT_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OffsetClock:
    """A clock ``offset`` ahead of ``base``."""

    base: Clock
    offset: timedelta

    def now(self) -> datetime:
        return self.base.now() + self.offset


def tenant_clock(uow: UnitOfWork, tenant_id: TenantId, clock: Clock) -> Clock:
    """The tenant's clock: ``clock`` itself unless the tenant's test clock was advanced."""
    return settings_clock(tenant_settings(uow, tenant_id), clock)


def settings_clock(settings: TenantSettings, clock: Clock) -> Clock:
    """The clock of a tenant with these settings (for a caller that has read them)."""
    if not settings.clock_offset_ms:
        return clock
    return OffsetClock(clock, timedelta(milliseconds=settings.clock_offset_ms))


@dataclass(frozen=True, kw_only=True, slots=True)
class ClockState:
    now: datetime
    offset: timedelta


@dataclass(frozen=True, kw_only=True, slots=True)
class Advanced:
    state: ClockState
    #: The tenant's unfinished jobs brought forward.
    jobs_moved: int
    #: Jobs whose lease had run out (crashed workers) given back to the queue.
    jobs_rescued: int
    #: How long the call waited for the tenant's queue to go quiet.
    waited: timedelta
    #: The tenant's jobs still running or runnable (0 unless asked not to wait).
    busy: int


class QueueNotQuiet(ZuoraError):
    """The tenant's jobs were still running when ``advance`` stopped waiting."""

    category = Category.TEMPORARY


class TestClocks:
    __test__ = False  # not a pytest class, whatever its name

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        on_advance: Callable[[TenantId, timedelta], None] = lambda _tenant, _by: None,
        poll_interval: float = 0.01,
    ) -> None:
        self._store = store
        self._clock = clock
        self._on_advance = on_advance
        self._poll_interval = poll_interval

    def state(self, tenant_id: TenantId) -> ClockState:
        with self._store.begin(write=False) as uow:
            return self._state(uow, tenant_id)

    def _state(self, uow: UnitOfWork, tenant_id: TenantId) -> ClockState:
        tenant = uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("The tenant does not exist.", resource=Resource.TENANT)
        offset = timedelta(milliseconds=tenant.settings.clock_offset_ms)
        return ClockState(now=self._clock.now() + offset, offset=offset)

    def advance(
        self,
        tenant_id: TenantId,
        *,
        by: timedelta | None = None,
        to: datetime | None = None,
        wait: timedelta = DEFAULT_WAIT,
    ) -> Advanced:
        """Move the tenant's clock ``by`` forward (or ``to`` a later time), let the work that
        came due run, and return once none of the tenant's jobs is running or runnable.

        ``wait`` 0 returns at once (a test that runs the queue itself, say); otherwise a
        queue still busy when the wait ends is an error: the test would assert too early.
        """
        if (by is None) == (to is None):
            raise InvalidValue("Give either how far to advance the clock, or the time to reach.")
        if not timedelta(0) <= wait <= MAX_WAIT:
            raise InvalidValue(f"Wait from 0 to {int(MAX_WAIT.total_seconds())} seconds.")
        with self._store.begin() as uow:
            state = self._state(uow, tenant_id)
            if to is not None:
                if to.tzinfo is None:
                    raise InvalidValue("The time to reach needs a time zone, e.g. 'Z'.")
                by = to - state.now
            assert by is not None
            if by < timedelta(0):
                raise InvalidValue(
                    "A test clock only moves forward (reset the tenant to start again)."
                )
            if by > MAX_ADVANCE:
                raise InvalidValue("A test clock moves at most 20 years at a time.")
            tenant = uow.tenants.get(tenant_id)
            assert tenant is not None
            offset = state.offset + by
            uow.tenants.update(
                replace(
                    tenant,
                    settings=replace(tenant.settings, clock_offset_ms=_ms(offset)),
                )
            )
            moved = uow.jobs.shift_schedule(tenant_id, by)
            rescued = uow.jobs.rescue_expired(self._clock.now()) if moved else 0
        self._on_advance(tenant_id, by)
        started = time.monotonic()
        busy = self._wait_quiet(tenant_id, wait)
        return Advanced(
            state=ClockState(now=self._clock.now() + offset, offset=offset),
            jobs_moved=moved,
            jobs_rescued=rescued,
            waited=timedelta(seconds=time.monotonic() - started),
            busy=busy,
        )

    def _wait_quiet(self, tenant_id: TenantId, wait: timedelta) -> int:
        deadline = time.monotonic() + wait.total_seconds()
        while True:
            with self._store.begin(write=False) as uow:
                busy = uow.jobs.busy(tenant_id, self._clock.now())
            if not busy or not wait:
                return busy
            if time.monotonic() >= deadline:
                raise QueueNotQuiet(
                    f"The clock moved, but {busy} of the tenant's jobs were still running or "
                    "runnable when the wait ended (is a worker running? a job held by a "
                    "crashed worker is rescued only once its lease has run out).",
                    resource=Resource.TENANT,
                )
            time.sleep(self._poll_interval)


def _ms(offset: timedelta) -> int:
    return offset // timedelta(milliseconds=1)
