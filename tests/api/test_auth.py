"""OAuth client credentials, bearer tokens, and tenant isolation."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ApiClient
from tests.support import DEMO_CLIENT_ID, FLAT, create_subscription, order
from zorders.service.tenant_admin import create_tenant
from zorders.service.tenants import TenantSettings


def test_token_has_zuoras_shape(client: ApiClient) -> None:
    response = client.post(
        "/oauth/token",
        data={
            "client_id": DEMO_CLIENT_ID,
            "client_secret": "zorders-demo-secret",
            "grant_type": "client_credentials",
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", body["access_token"])
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599
    assert re.fullmatch(r"[0-9a-f]{32}", body["jti"])
    assert "scope" in body


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            {
                "client_id": DEMO_CLIENT_ID,
                "client_secret": "wrong",
                "grant_type": "client_credentials",
            },
            401,
            "invalid_client",
        ),
        (
            {"client_id": "nobody", "client_secret": "x", "grant_type": "client_credentials"},
            401,
            "invalid_client",
        ),
        (
            {
                "client_id": DEMO_CLIENT_ID,
                "client_secret": "zorders-demo-secret",
                "grant_type": "password",
            },
            400,
            "unsupported_grant_type",
        ),
        ({"grant_type": "client_credentials"}, 400, "invalid_request"),
    ],
    ids=["bad-secret", "unknown-client", "bad-grant", "missing-credentials"],
)
def test_token_errors_are_oauth_shaped(
    client: ApiClient, form: dict[str, str], status: int, error: str
) -> None:
    response = client.post("/oauth/token", data=form)
    assert response.status_code == status
    assert response.json()["error"] == error


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer 0123456789abcdef0123456789abcdef", "Basic abc"]
)
def test_v1_routes_need_a_valid_bearer_token(client: ApiClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    del client.headers["Authorization"]
    response = client.get("/v1/catalog/products", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "Authentication error"}


def test_expired_token_is_refused(client: ApiClient) -> None:
    assert client.get("/v1/catalog/products").status_code == 200
    client.runtime.clock.advance(seconds=3600)  # type: ignore[attr-defined]
    assert client.get("/v1/catalog/products").status_code == 401


def _second_tenant(client: ApiClient, **settings: object) -> tuple[str, str]:
    with client.runtime.store.begin() as uow:
        issued = create_tenant(
            uow,
            name="other",
            settings=TenantSettings(**settings),  # type: ignore[arg-type]
            clock=client.runtime.clock,
            ids=client.runtime.ids,
        )
    return issued.client_id, issued.client_secret


def test_other_tenants_objects_are_not_found(client: ApiClient) -> None:
    job = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    client.drain()
    client_id, secret = _second_tenant(client)
    client.login(client_id=client_id, client_secret=secret)
    for path in (
        f"/v1/async-jobs/{job}",
        "/v1/orders/O-00000001",
        "/v1/accounts/A00000001",
        "/v1/subscriptions/A-S00000001",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        missing = client.get(path.replace("00000001", "00000009").replace(job, "f" * 32))
        assert response.json()["reasons"][0]["code"] == missing.json()["reasons"][0]["code"]
    # The other tenant has its own catalog (none) and its own number sequences.
    assert client.get("/v1/catalog/products").json()["products"] == []


def test_async_create_status_202_setting(client: ApiClient) -> None:
    client_id, secret = _second_tenant(client, async_create_status=202)
    client.login(client_id=client_id, client_secret=secret)
    response = client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
    assert response.status_code == 202
    assert response.json()["success"] is True


def test_orders_feature_off_is_category_10(client: ApiClient) -> None:
    client_id, secret = _second_tenant(client, orders_enabled=False)
    client.login(client_id=client_id, client_secret=secret)
    response = client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
    assert response.status_code == 403
    assert response.json()["reasons"][0]["code"] % 100 == 10
    assert client.get("/v1/async-jobs/abc").status_code == 403


def test_tenant_default_version_applies_without_a_header(client: ApiClient) -> None:
    client_id, secret = _second_tenant(client, zuora_version="186.0")
    client.login(client_id=client_id, client_secret=secret)
    response = client.get("/v1/orders/O-404")
    assert response.status_code == 200
    assert response.json()["success"] is False
