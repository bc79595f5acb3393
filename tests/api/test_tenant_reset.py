"""``POST /zorders/reset``: a tenant's data wiped between tests, its catalog kept or not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT, create_subscription, order

NEW_VERSION = {"Zuora-Version": "2024-05-20"}


@pytest.fixture
def enabled(client: ApiClient) -> ApiClient:
    assert client.put("/zorders/emulator", json={"enabled": True}).status_code == 200
    return client


def reset(client: ApiClient, **body: Any) -> dict[str, Any]:
    answer = client.post("/zorders/reset", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def billed_order() -> dict[str, Any]:
    return order(
        create_subscription(FLAT),
        processingOptions={
            "runBilling": True,
            "collectPayment": True,
            "billingOptions": {"targetDate": "2027-02-01"},
        },
    )


def test_a_reset_leaves_a_clean_slate_with_the_catalog(enabled: ApiClient) -> None:
    first = enabled.submit_and_run("/v1/async/orders", billed_order())
    assert first["result"]["paymentNumber"] == "P-00000001"
    keyed = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(PER_UNIT)),
        headers={"Idempotency-Key": "k-1"},
    )
    enabled.post("/v1/async/orders", json=order(create_subscription(FLAT)))  # left pending
    enabled.post("/zorders/emulator/next", json={"holdPolls": 3})
    enabled.post("/zorders/test-clock/advance", json={"days": 40, "waitSeconds": 0})

    assert reset(enabled) == {
        "success": True,
        "jobsDeleted": 3,
        "idempotencyKeysDeleted": 1,
        "catalogDeleted": False,
    }

    for gone in (
        "/v1/accounts/A00000001",
        "/v1/subscriptions/A-S00000001",
        "/v1/orders/O-00000001",
        "/v1/invoices/INV00000001",
        "/v1/payments/P-00000001",
        f"/v1/async-jobs/{keyed.json()['jobId']}",
    ):
        assert enabled.get(gone, headers=NEW_VERSION).status_code == 404, gone
    assert enabled.get("/zorders/jobs").json()["jobs"] == []
    assert enabled.get("/zorders/test-clock").json()["offsetSeconds"] == 0.0
    assert enabled.get("/zorders/emulator").json()["next"] == []
    assert enabled.drain() == 0  # the pending job went with the rest

    # Numbers start again at 1, the catalog still sells, and the key is free again.
    again = enabled.submit_and_run("/v1/async/orders", billed_order())
    assert again["status"] == "Completed", again
    result = again["result"]
    assert (result["orderNumber"], result["accountNumber"]) == ("O-00000001", "A00000001")
    assert (result["invoiceNumbers"], result["paymentNumber"]) == (["INV00000001"], "P-00000001")
    reused = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Idempotency-Key": "k-1"},
    )
    assert reused.status_code == 200, reused.text
    assert reused.json()["jobId"] != keyed.json()["jobId"]


def test_a_reset_with_the_catalog_leaves_nothing_to_sell(enabled: ApiClient) -> None:
    enabled.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    assert reset(enabled, catalog=True)["catalogDeleted"] is True
    assert enabled.get("/v1/catalog/products").json()["products"] == []
    refused = enabled.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    assert refused["status"] == "Failed"
    # A new catalog numbers from 1 again.
    product = enabled.post(
        "/v1/object/product",
        json={
            "Name": "Fresh",
            "EffectiveStartDate": "2020-01-01",
            "EffectiveEndDate": "2099-12-31",
        },
    )
    assert product.status_code == 200, product.text
    created = enabled.get(f"/v1/object/product/{product.json()['Id']}").json()
    assert created["ProductNumber"] == "PC-00000001", created


def test_a_reset_touches_no_other_tenant(enabled: ApiClient) -> None:
    from zorders.service.tenant_admin import create_tenant
    from zorders.service.tenants import TenantSettings

    runtime = enabled.runtime
    with runtime.store.begin() as uow:
        other = create_tenant(
            uow, name="other", settings=TenantSettings(), clock=runtime.clock, ids=runtime.ids
        )
    theirs = {"Authorization": f"Bearer {enabled.token(other.client_id, other.client_secret)}"}
    # The other tenant has no catalog: it makes one, then orders from it.
    product = enabled.post(
        "/v1/object/product",
        json={
            "Name": "Theirs",
            "EffectiveStartDate": "2020-01-01",
            "EffectiveEndDate": "2099-12-31",
        },
        headers=theirs,
    )
    assert product.status_code == 200, product.text
    account = enabled.post(
        "/v1/accounts",
        json={
            "name": "Other Co",
            "currency": "USD",
            "billCycleDay": 1,
            "billToContact": {"firstName": "B", "lastName": "C", "workEmail": "b@example.com"},
        },
        headers=theirs,
    )
    assert account.status_code == 200, account.text
    mine = enabled.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    assert mine["status"] == "Completed"

    reset(enabled, catalog=True)

    assert (
        enabled.get(f"/v1/accounts/{account.json()['accountNumber']}", headers=theirs).json()[
            "basicInfo"
        ]["name"]
        == "Other Co"
    )
    assert (
        enabled.get(f"/v1/object/product/{product.json()['Id']}", headers=theirs).json()["Name"]
        == "Theirs"
    )


def test_a_reset_needs_the_controls_on_and_a_proper_body(client: ApiClient) -> None:
    client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    refused = client.post("/zorders/reset", json={}, headers=NEW_VERSION)
    assert refused.status_code == 400
    assert "Emulator controls are off" in refused.json()["reasons"][0]["message"]
    assert client.put("/zorders/emulator", json={"enabled": True}).status_code == 200
    wrong = client.post("/zorders/reset", json={"everything": True}, headers=NEW_VERSION)
    assert wrong.status_code == 400, wrong.text
    assert client.get("/v1/accounts/A00000001", headers=NEW_VERSION).status_code == 200
    assert client.post("/zorders/reset").json()["success"] is True  # no body: keep the catalog
    assert client.get("/v1/accounts/A00000001", headers=NEW_VERSION).status_code == 404
