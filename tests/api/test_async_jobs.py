"""Async create and preview through HTTP: submit, poll Processing, drain, poll Completed/Failed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT, TIERED, create_subscription, order, preview


def test_create_async_answers_200_with_a_32_hex_job_id(client: ApiClient) -> None:
    response = client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", body["jobId"])
    assert response.headers["Location"] == f"/async-jobs/{body['jobId']}"


def test_job_is_processing_until_a_worker_runs_it(client: ApiClient) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    polled = client.get(f"/v1/async-jobs/{job_id}").json()
    assert polled == {"status": "Processing", "errors": None, "result": None, "success": True}
    assert client.drain() == 1
    assert client.get(f"/v1/async-jobs/{job_id}").json()["status"] == "Completed"


def test_completed_create_names_what_it_created(client: ApiClient) -> None:
    job = client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT, PER_UNIT)))
    assert job["status"] == "Completed"
    assert job["errors"] is None
    result = job["result"]
    assert result["jobType"] == "AsyncCreateOrder"
    assert result["orderNumber"] == "O-00000001"
    assert result["accountNumber"] == "A00000001"
    assert result["status"] == "Completed"
    assert result["subscriptions"] == [
        {
            "subscriptionNumber": "A-S00000001",
            "status": "Active",
            "subscriptionOwnerNumber": "A00000001",
            "subscriptionOwnerId": result["subscriptions"][0]["subscriptionOwnerId"],
        }
    ]
    assert "subscriptionNumbers" not in result


def test_numbers_count_up_across_orders(client: ApiClient) -> None:
    first = client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    second = client.submit_and_run(
        "/v1/async/orders",
        order(
            create_subscription(FLAT),
            create_subscription(PER_UNIT),
            existingAccountNumber=first["result"]["accountNumber"],
        ),
    )
    result = second["result"]
    assert result["orderNumber"] == "O-00000002"
    assert result["accountNumber"] == "A00000001"
    assert [s["subscriptionNumber"] for s in result["subscriptions"]] == [
        "A-S00000002",
        "A-S00000003",
    ]


def test_result_lists_subscription_numbers_below_version_223(client: ApiClient) -> None:
    job = client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    old = client.get(
        f"/v1/async-jobs/{_job_id_of(client)}", headers={"Zuora-Version": "211.0"}
    ).json()
    assert old["result"]["subscriptionNumbers"] == ["A-S00000001"]
    assert "subscriptions" not in old["result"]
    assert job["result"]["subscriptions"][0]["subscriptionNumber"] == "A-S00000001"


def _job_id_of(client: ApiClient) -> str:
    with client.runtime.store.begin(write=False) as uow:
        tenant = uow.tenants.by_client_id("00000000-0000-4000-8000-000000000001")
        assert tenant is not None
        jobs = uow.jobs.list(tenant.id, status=None, limit=1, offset=0)
    return jobs[0].id


def test_return_ids_adds_ids(client: ApiClient) -> None:
    job = client.submit_and_run("/v1/async/orders?returnIds=true", order(create_subscription(FLAT)))
    result = job["result"]
    assert re.fullmatch(r"[0-9a-f]{32}", result["orderId"])
    assert re.fullmatch(r"[0-9a-f]{32}", result["accountId"])
    assert result["subscriptionIds"] == [result["subscriptions"][0]["subscriptionId"]]


def test_evergreen_subscription_has_no_term_end(client: ApiClient) -> None:
    job = client.submit_and_run(
        "/v1/async/orders", order(create_subscription(FLAT, term={"termType": "EVERGREEN"}))
    )
    number = job["result"]["subscriptions"][0]["subscriptionNumber"]
    sub = client.get(f"/v1/subscriptions/{number}").json()
    assert sub["termType"] == "EVERGREEN"
    assert sub["termEndDate"] is None
    assert sub["subscriptionEndDate"] is None


@pytest.mark.parametrize(
    ("plan", "quantity", "mrr"),
    [
        (PER_UNIT, "7", 140.0),  # 7 seats × 20
        (TIERED, "15", 140.0),  # 10 × 10 + 5 × 8
    ],
)
def test_quantity_override(client: ApiClient, plan: str, quantity: str, mrr: float) -> None:
    charge_id = _charge_id(client, plan)
    override = {"productRatePlanChargeId": charge_id}
    key = "recurringPerUnit" if plan == PER_UNIT else "recurringTiered"
    override["pricing"] = {key: {"quantity": quantity}}  # type: ignore[assignment]
    job = client.submit_and_run(
        "/v1/async/orders", order(create_subscription(plan, overrides={plan: [override]}))
    )
    assert job["status"] == "Completed", job
    number = job["result"]["subscriptions"][0]["subscriptionNumber"]
    sub = client.get(f"/v1/subscriptions/{number}").json()
    charge = sub["ratePlans"][0]["ratePlanCharges"][0]
    assert charge["quantity"] == float(quantity)
    assert sub["contractedMrr"] == mrr


def _charge_id(client: ApiClient, plan_number: str) -> str:
    products = client.get("/v1/catalog/products", headers={"Zuora-Version": "211.0"}).json()
    for plan in products["products"][0]["productRatePlans"]:
        if plan["productRatePlanNumber"] == plan_number:
            charge_id: str = plan["productRatePlanCharges"][0]["id"]
            return charge_id
    raise AssertionError(plan_number)


@pytest.mark.parametrize(
    ("body", "code", "text"),
    [
        (
            order(create_subscription("PRP-99999999")),
            40000020,
            "Invalid product rate plan 'PRP-99999999'",
        ),
        (
            order(create_subscription(FLAT), existingAccountNumber="A99999999"),
            40000040,
            "Account A99999999 does not exist",
        ),
        (
            order({"type": "AddProduct", "addProduct": {"productRatePlanNumber": FLAT}}),
            40000022,
            "The AddProduct action needs the 'subscriptionNumber'",
        ),
        (
            order(create_subscription(FLAT, term={"termType": "TERMED", "period": 0})),
            40000020,
            "positive 'period'",
        ),
        (
            order(create_subscription(FLAT), order_date="1999-06-01"),
            40000020,
            'Rate plan "Basic Monthly" is not effective on the contract effective date of 06/01/1999.',
        ),
    ],
    ids=["unknown-plan", "unknown-account", "amend-without-number", "zero-term", "not-effective"],
)
def test_business_failures_fail_the_job(
    client: ApiClient, body: dict[str, object], code: int, text: str
) -> None:
    job = client.submit_and_run("/v1/async/orders", body)
    assert job["status"] == "Failed"
    assert job["success"] is True
    assert job["result"] is None
    assert job["errors"].startswith(f"[{code}]: ")
    assert text in job["errors"]


def test_failed_order_leaves_nothing_behind(client: ApiClient) -> None:
    # The second subscription's plan does not exist: the whole order is refused,
    # including the new account and the first subscription.
    job = client.submit_and_run(
        "/v1/async/orders", order(create_subscription(FLAT), create_subscription("PRP-404"))
    )
    assert job["status"] == "Failed"
    assert client.get("/v1/accounts/A00000001").status_code == 404
    assert client.get("/v1/subscriptions/A-S00000001").status_code == 404
    ok = client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    assert ok["result"]["orderNumber"] == "O-00000001"  # no number was burnt


def test_preview_async_answers_202_and_previews(client: ApiClient) -> None:
    submitted = client.post("/v1/async/orders/preview", json=preview(create_subscription(FLAT)))
    assert submitted.status_code == 202
    client.drain()
    job = client.get(f"/v1/async-jobs/{submitted.json()['jobId']}").json()
    assert job["status"] == "Completed", job
    result = job["result"]
    assert result["jobType"] == "AsyncPreviewOrder"
    assert "previewResult" not in result  # flat, as the SDK's schema has it
    charge = result["chargeMetrics"][0]["charges"][0]
    assert charge["cmrr"]["regular"] == 100.0
    assert charge["tcv"]["regular"] == 1200.0
    assert charge["tcb"]["regular"] == 1200.0
    invoice = result["invoices"][0]
    assert invoice["amount"] == 1200.0
    # 15 Jan start, bill cycle day 1: 17/31 of a month first, 14/31 last (billing rules).
    assert invoice["invoiceItems"][0]["amountWithoutTax"] == 54.84
    assert invoice["invoiceItems"][-1]["amountWithoutTax"] == 45.16
    assert invoice["invoiceItems"][-1]["serviceEndDate"] == "2028-01-14"


def test_preview_writes_nothing_and_uses_no_numbers(client: ApiClient) -> None:
    client.submit_and_run("/v1/async/orders/preview", preview(create_subscription(FLAT)))
    created = client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    assert created["result"]["subscriptions"][0]["subscriptionNumber"] == "A-S00000001"
    assert created["result"]["accountNumber"] == "A00000001"


def test_preview_specific_date_for_an_existing_account(client: ApiClient) -> None:
    account = client.submit_and_run("/v1/async/orders", order(create_subscription(FLAT)))
    number = account["result"]["accountNumber"]
    body = preview(create_subscription(PER_UNIT), thru="SpecificDate", existingAccountNumber=number)
    body["previewOptions"]["specificPreviewThruDate"] = "2027-03-10"
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    items = job["result"]["invoices"][0]["invoiceItems"]
    # In advance, bill cycle day 1: Jan 15–31 (17/31 × 20 = 10.97), Feb, Mar (start ≤ Mar 10).
    assert [i["amountWithoutTax"] for i in items] == [10.97, 20.0, 20.0]
    tcb = job["result"]["chargeMetrics"][0]["charges"][0]["tcb"]["regular"]
    assert tcb == 50.97


def test_preview_of_evergreen_through_term_end_is_refused(client: ApiClient) -> None:
    job = client.submit_and_run(
        "/v1/async/orders/preview",
        preview(create_subscription(FLAT, term={"termType": "EVERGREEN"})),
    )
    assert job["status"] == "Failed"
    assert job["errors"].startswith("[40000020]: previewThruType 'TermEnd' for an EVERGREEN")


def test_unknown_job_is_not_found(client: ApiClient) -> None:
    response = client.get("/v1/async-jobs/0123456789abcdef0123456789abcdef")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["reasons"][0]["code"] == 50000040


def test_unknown_job_answers_200_before_version_2024_05_20(client: ApiClient) -> None:
    response = client.get("/v1/async-jobs/nope", headers={"Zuora-Version": "341.0"})
    assert response.status_code == 200
    assert response.json()["reasons"][0]["code"] == 50000040
