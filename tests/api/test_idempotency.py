"""Idempotency-Key: replay, in-flight conflicts, misuse, expiry, and one job per key."""

from __future__ import annotations

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order, preview


def _post(client: ApiClient, key: str, body: dict[str, object], path: str = "/v1/async/orders"):  # type: ignore[no-untyped-def]
    return client.post(path, json=body, headers={"Idempotency-Key": key})


def test_replay_returns_the_same_job(client: ApiClient) -> None:
    body = order(create_subscription(FLAT))
    first = _post(client, "k-1", body)
    again = _post(client, "k-1", body)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Zuora-Request-Id"] != first.headers["Zuora-Request-Id"]
    assert client.drain() == 1


def test_failed_first_response_is_replayed_too(client: ApiClient) -> None:
    first = _post(client, "bad", {"orderDate": "nope"})
    again = _post(client, "bad", {"orderDate": "nope"})
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


def test_key_reused_with_another_body_path_or_tenant_is_422(client: ApiClient) -> None:
    _post(client, "k-2", order(create_subscription(FLAT)))
    other_body = _post(client, "k-2", order(create_subscription(FLAT), description="x"))
    other_path = _post(
        client, "k-2", preview(create_subscription(FLAT)), "/v1/async/orders/preview"
    )
    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["reasons"][0]["code"] % 100 == 20


def test_key_is_scoped_across_tenants(client: ApiClient) -> None:
    from zorders.service.tenant_admin import create_tenant
    from zorders.service.tenants import TenantSettings

    body = order(create_subscription(FLAT))
    _post(client, "shared", body)
    with client.runtime.store.begin() as uow:
        issued = create_tenant(
            uow,
            name="b",
            settings=TenantSettings(),
            clock=client.runtime.clock,
            ids=client.runtime.ids,
        )
    client.login(client_id=issued.client_id, client_secret=issued.client_secret)
    assert _post(client, "shared", body).status_code == 422


def test_in_flight_duplicate_is_409(client: ApiClient) -> None:
    from zorders.service.idempotency import RequestFingerprint

    with client.runtime.store.begin(write=False) as uow:
        tenant = uow.tenants.by_name("demo")
    assert tenant is not None
    body = order(create_subscription(FLAT))
    import hashlib
    import json

    # A first request that is still running (its fingerprint recorded, no response yet).
    raw = json.dumps(body).encode()
    client.app.state.api.idempotency.begin(  # type: ignore[attr-defined]
        RequestFingerprint(
            key="busy",
            tenant_id=tenant.id,
            method="POST",
            path="/v1/async/orders",
            body_hash=hashlib.sha256(raw).hexdigest(),
        )
    )
    response = client.post(
        "/v1/async/orders",
        content=raw,
        headers={"Idempotency-Key": "busy", "Content-Type": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["reasons"][0]["code"] % 100 == 50
    # Once the first request has been abandoned for longer than Zuora's timeout, a retry runs.
    client.runtime.clock.advance(seconds=121)  # type: ignore[attr-defined]
    retried = client.post(
        "/v1/async/orders",
        content=raw,
        headers={"Idempotency-Key": "busy", "Content-Type": "application/json"},
    )
    assert retried.status_code == 200


def test_keys_expire_after_24_hours(client: ApiClient) -> None:
    body = order(create_subscription(FLAT))
    first = _post(client, "k-3", body).json()["jobId"]
    client.runtime.clock.advance(hours=24, seconds=1)  # type: ignore[attr-defined]
    client.login()  # the old token expired too
    second = _post(client, "k-3", body)
    assert second.status_code == 200
    # The stored response is gone, but the job table still holds one job per key:
    # the same job is named again rather than a second order being created.
    assert second.json()["jobId"] == first


def test_too_long_key_is_refused(client: ApiClient) -> None:
    response = _post(client, "x" * 256, order(create_subscription(FLAT)))
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_get_ignores_the_header(client: ApiClient) -> None:
    response = client.get("/v1/catalog/products", headers={"Idempotency-Key": "k"})
    assert response.status_code == 200
