"""Rate and concurrency limits: Zuora's headers, 429 with Retry-After, shared across processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, StubClock, create_subscription, order
from zorders.service.limits import LimitDefaults, Limiter
from zorders.service.tenant_admin import create_tenant
from zorders.service.tenants import Tenant, TenantSettings
from zorders.store.migrate import upgrade
from zorders.store.sql import SqlStore


def _login_limited(client: ApiClient, **settings: int) -> None:
    with client.runtime.store.begin() as uow:
        issued = create_tenant(
            uow,
            name="limited",
            settings=TenantSettings(**settings),  # type: ignore[arg-type]
            clock=client.runtime.clock,
            ids=client.runtime.ids,
        )
    client.login(client_id=issued.client_id, client_secret=issued.client_secret)


def test_v1_responses_carry_limit_headers(client: ApiClient) -> None:
    read = client.get("/v1/catalog/products")
    assert read.headers["RateLimit-Limit"] == "50000, 50000;w=60"
    assert int(read.headers["RateLimit-Remaining"]) < 50000
    assert 0 < int(read.headers["RateLimit-Reset"]) <= 60
    assert read.headers["Concurrency-Limit-Type"] == "Default"
    assert read.headers["Concurrency-Limit-Limit"] == "40"
    write = client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
    assert write.headers["Concurrency-Limit-Type"] == "High-volume"
    assert write.headers["Concurrency-Limit-Limit"] == "200"
    token = client.post("/oauth/token", data={})
    assert "RateLimit-Limit" not in token.headers


def test_over_the_rate_limit_is_429_until_the_window_ends(client: ApiClient) -> None:
    _login_limited(client, rate_limit_per_minute=3)
    statuses = [client.get("/v1/catalog/products").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v1/catalog/products")
    assert refused.json()["reasons"][0]["code"] % 100 == 70
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    client.runtime.clock.advance(seconds=60)  # type: ignore[attr-defined]
    assert client.get("/v1/catalog/products").status_code == 200


def test_429_is_returned_before_version_2024_05_20_too(client: ApiClient) -> None:
    _login_limited(client, rate_limit_per_minute=1)
    client.get("/v1/catalog/products")
    refused = client.get("/v1/catalog/products", headers={"Zuora-Version": "186.0"})
    assert refused.status_code == 429


def _tenant(**settings: int) -> Tenant:
    from datetime import UTC, datetime

    from zorders.types import TenantId

    return Tenant(
        id=TenantId("t" * 32),
        name="t",
        client_id="c",
        secret_hash="",
        settings=TenantSettings(**settings),  # type: ignore[arg-type]
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    s = SqlStore(database_url)
    upgrade(s.engine)
    yield s
    s.close()


def test_concurrency_limit_counts_calls_in_flight(store: SqlStore) -> None:
    limiter = Limiter(store, StubClock(), process_id="a", defaults=LimitDefaults())
    tenant = _tenant(concurrency_limit=2)
    first = limiter.acquire(tenant, high_volume=False)
    second = limiter.acquire(tenant, high_volume=False)
    third = limiter.acquire(tenant, high_volume=False)
    assert (first.allowed, second.allowed, third.allowed) == (True, True, False)
    assert third.refused_by == "concurrency"
    assert third.retry_after == 1
    assert limiter.acquire(tenant, high_volume=True).allowed  # its own, larger pool
    limiter.release(tenant.id, high_volume=False)
    assert limiter.acquire(tenant, high_volume=False).allowed


def test_limits_hold_across_processes_sharing_the_database(store: SqlStore) -> None:
    clock = StubClock()
    tenant = _tenant(rate_limit_per_minute=5, concurrency_limit=3)
    one = Limiter(store, clock, process_id="api-1", defaults=LimitDefaults())
    two = Limiter(store, clock, process_id="api-2", defaults=LimitDefaults())
    for _ in range(3):
        assert one.acquire(tenant, high_volume=False).allowed  # 3 in flight in api-1
    one.sync()
    two.sync()
    refused = two.acquire(tenant, high_volume=False)
    assert (refused.allowed, refused.refused_by) == (False, "concurrency")
    for _ in range(3):
        one.release(tenant.id, high_volume=False)
    one.sync()
    two.sync()
    assert two.acquire(tenant, high_volume=False).allowed  # request 4 of 5 this minute
    assert two.acquire(tenant, high_volume=False).allowed  # 5 of 5
    last = two.acquire(tenant, high_volume=False)
    assert (last.allowed, last.refused_by) == (False, "rate")
    clock.advance(seconds=60)
    one.sync()
    two.sync()
    assert two.acquire(tenant, high_volume=False).allowed  # a new window


def test_a_dead_process_stops_counting(store: SqlStore) -> None:
    clock = StubClock()
    tenant = _tenant(concurrency_limit=1)
    dead = Limiter(store, clock, process_id="dead", defaults=LimitDefaults())
    alive = Limiter(store, clock, process_id="alive", defaults=LimitDefaults())
    assert dead.acquire(tenant, high_volume=False).allowed
    dead.sync()  # ... and then it was killed, its call never released
    alive.sync()
    assert not alive.acquire(tenant, high_volume=False).allowed
    clock.advance(seconds=11)
    alive.sync()
    assert alive.acquire(tenant, high_volume=False).allowed


def test_reset_counts_the_whole_seconds_left_in_the_minute(store: SqlStore) -> None:
    clock = StubClock()  # on a whole minute
    limiter = Limiter(store, clock, process_id="a", defaults=LimitDefaults())
    for step in (0, 0.000001, 0.5, 0.499999, 28.999999, 29.5, 0.4999, 0.0001, 0.5, 59.75):
        clock.advance(seconds=step)
        now = clock.now()
        window_end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        expected = int((window_end - now).total_seconds()) or 1
        assert limiter.acquire(_tenant(), high_volume=False).rate_reset == expected
