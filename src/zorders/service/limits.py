"""Per-tenant rate and concurrency limits, shared by every API process through the store.

Each process counts its own requests and in-flight calls and publishes them about once a
second; a decision adds the other processes' last published numbers to its own. The
shared view is therefore at most a sync interval old — the price of not writing to the
database on every request (the poll route is the hot path).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from zorders.types import TenantId

if TYPE_CHECKING:
    from zorders.service.ports import Clock, Store
    from zorders.service.tenants import Tenant

WINDOW = timedelta(minutes=1)
_WINDOW_SECONDS = 60  # WINDOW starts on a whole minute (_window_start)
#: Another process's numbers count while they are this fresh (it may have died).
STALE_AFTER = timedelta(seconds=10)


@dataclass(frozen=True, kw_only=True, slots=True)
class LimitDefaults:
    """Zuora's production quotas: 50,000 requests a minute; 40 concurrent requests, 200 for
    high-volume operations such as creating or previewing orders (facts §11)."""

    requests_per_minute: int = 50_000
    concurrency: int = 40
    high_volume_concurrency: int = 200


@dataclass(frozen=True, kw_only=True, slots=True)
class PeerCounts:
    requests: int
    in_flight: int
    in_flight_high_volume: int


class Decision(NamedTuple):
    """One call's verdict and the numbers its headers show. Immutable like the other values,
    but a tuple: every API call makes one, and a frozen dataclass's ``__init__`` (a
    ``object.__setattr__`` per field) cost three times as much."""

    allowed: bool
    #: Which limit refused the call ("rate" or "concurrency"), if one did.
    refused_by: str | None
    rate_limit: int
    rate_remaining: int
    rate_reset: int
    concurrency_type: str
    concurrency_limit: int
    concurrency_remaining: int
    retry_after: int


#: ``Decision(*fields)`` without the NamedTuple's ``__new__`` (a Python function).
_decision = tuple.__new__


@dataclass(kw_only=True, slots=True)
class _Local:
    window: datetime
    requests: int = 0
    in_flight: int = 0
    in_flight_high_volume: int = 0


class Limiter:
    def __init__(
        self, store: Store, clock: Clock, *, process_id: str, defaults: LimitDefaults
    ) -> None:
        self._store = store
        self._clock = clock
        self._process = process_id
        self._defaults = defaults
        self._lock = threading.Lock()
        self._local: dict[TenantId, _Local] = {}
        self._peers: dict[TenantId, PeerCounts] = {}
        #: The current window's bounds: finding its start anew costs more than the rest of
        #: a decision.
        self._window: tuple[datetime, datetime] | None = None

    def acquire(self, tenant: Tenant, *, high_volume: bool) -> Decision:
        # Every API call makes a decision, and the poll is the hot path: written out flat
        # (no helper calls, the tuple built without the NamedTuple's keyword __new__).
        settings = tenant.settings
        rate_limit = settings.rate_limit_per_minute or self._defaults.requests_per_minute
        if high_volume:
            concurrency_limit = (
                settings.high_volume_concurrency_limit or self._defaults.high_volume_concurrency
            )
        else:
            concurrency_limit = settings.concurrency_limit or self._defaults.concurrency
        now = self._clock.now()
        bounds = self._window
        if bounds is None or not bounds[0] <= now < bounds[1]:  # a new minute (or clock)
            start = _window_start(now)
            bounds = self._window = (start, start + WINDOW)
        window = bounds[0]
        # int((window + WINDOW - now).total_seconds()) without datetime arithmetic: whole
        # seconds left.
        reset = (_WINDOW_SECONDS - now.second - (1 if now.microsecond else 0)) or 1
        tenant_id = tenant.id
        with self._lock:
            local = self._local.get(tenant_id)
            if local is None:
                local = self._local[tenant_id] = _Local(window=window)
            elif local.window is not window and local.window != window:
                local.window = window
                local.requests = 0
            peers = self._peers.get(tenant_id)
            used = local.requests
            in_flight = local.in_flight_high_volume if high_volume else local.in_flight
            if peers is not None:
                used += peers.requests
                in_flight += peers.in_flight_high_volume if high_volume else peers.in_flight
            if used >= rate_limit:
                refused_by: str | None = "rate"
            elif in_flight >= concurrency_limit:
                refused_by = "concurrency"
            else:
                refused_by = None
                local.requests += 1
                used += 1
                in_flight += 1
                if high_volume:
                    local.in_flight_high_volume += 1
                else:
                    local.in_flight += 1
        return _decision(
            Decision,
            (
                refused_by is None,
                refused_by,
                rate_limit,
                rate_limit - used if used < rate_limit else 0,
                reset,
                "High-volume" if high_volume else "Default",
                concurrency_limit,
                concurrency_limit - in_flight if in_flight < concurrency_limit else 0,
                reset if refused_by == "rate" else 1,
            ),
        )

    def release(self, tenant_id: TenantId, *, high_volume: bool) -> None:
        with self._lock:
            local = self._local.get(tenant_id)
            if local is None:
                return
            if high_volume:
                if local.in_flight_high_volume > 0:
                    local.in_flight_high_volume -= 1
            elif local.in_flight > 0:
                local.in_flight -= 1

    def sync(self) -> None:
        """Publish this process's counts and read the others' (about once a second)."""
        now = self._clock.now()
        bounds = self._window
        if bounds is None or not bounds[0] <= now < bounds[1]:  # a new minute (or clock)
            start = _window_start(now)
            bounds = self._window = (start, start + WINDOW)
        window = bounds[0]
        with self._lock:
            mine = {
                tenant: (
                    local.requests if local.window == window else 0,
                    local.in_flight,
                    local.in_flight_high_volume,
                )
                for tenant, local in self._local.items()
            }
        with self._store.begin() as uow:
            for tenant, (requests, in_flight, high) in mine.items():
                uow.limits.publish(
                    tenant,
                    process_id=self._process,
                    window=window,
                    requests=requests,
                    in_flight=in_flight,
                    in_flight_high_volume=high,
                    now=now,
                )
            peers = uow.limits.peers(
                process_id=self._process, window=window, fresh_since=now - STALE_AFTER
            )
        with self._lock:
            self._peers = dict(peers)


def _window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)
