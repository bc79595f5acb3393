"""runBilling and collectPayment on create: invoices, payments and balances."""

from __future__ import annotations

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT, create_subscription, order


def _billing(target: str, *, collect: bool = False) -> dict[str, object]:
    return {
        "runBilling": True,
        "collectPayment": collect,
        "billingOptions": {"targetDate": target, "documentDate": "2027-03-10"},
    }


def test_run_billing_posts_an_invoice_through_the_target_date(client: ApiClient) -> None:
    job = client.submit_and_run(
        "/v1/async/orders",
        order(create_subscription(FLAT), processingOptions=_billing("2027-03-10")),
    )
    assert job["status"] == "Completed", job
    assert job["result"]["invoiceNumbers"] == ["INV00000001"]
    assert "paymentNumber" not in job["result"]
    invoice = client.get("/v1/invoices/INV00000001").json()
    # Jan 15–31 prorated 17/31 × 100 = 54.84, then Feb and Mar in advance: 254.84.
    assert invoice["amount"] == 254.84
    assert invoice["balance"] == 254.84
    assert invoice["status"] == "Posted"
    assert (invoice["invoiceDate"], invoice["targetDate"]) == ("2027-03-10", "2027-03-10")
    items = client.get("/v1/invoices/INV00000001/items").json()["invoiceItems"]
    assert [(i["serviceStartDate"], i["serviceEndDate"], i["chargeAmount"]) for i in items] == [
        ("2027-01-15", "2027-01-31", 54.84),
        ("2027-02-01", "2027-02-28", 100.0),
        ("2027-03-01", "2027-03-31", 100.0),
    ]
    assert items[0]["subscriptionName"] == "A-S00000001"
    account = client.get("/v1/accounts/A00000001").json()
    assert account["metrics"]["balance"] == 254.84


def test_collect_payment_pays_the_invoice(client: ApiClient) -> None:
    job = client.submit_and_run(
        "/v1/async/orders",
        order(
            create_subscription(FLAT, PER_UNIT),
            processingOptions=_billing("2027-02-01", collect=True),
        ),
    )
    result = job["result"]
    assert result["invoiceNumbers"] == ["INV00000001"]
    assert result["paymentNumber"] == "P-00000001"
    # (100 + 20) × 17/31 = 65.81 for January, then February 120: 185.81.
    assert result["paidAmount"] == "185.81"
    assert result["paymentStatus"] == "Processed"
    assert client.get("/v1/invoices/INV00000001").json()["balance"] == 0
    payment = client.get("/v1/payments/P-00000001").json()
    assert (payment["amount"], payment["type"], payment["status"]) == (
        185.81,
        "External",
        "Processed",
    )
    assert client.get("/v1/accounts/A00000001").json()["metrics"]["balance"] == 0


def test_nothing_due_posts_no_invoice(client: ApiClient) -> None:
    job = client.submit_and_run(
        "/v1/async/orders",
        order(create_subscription(FLAT), processingOptions=_billing("2027-01-01", collect=True)),
    )
    assert job["status"] == "Completed"
    assert "invoiceNumbers" not in job["result"]
    assert "paymentNumber" not in job["result"]


def test_a_second_run_bills_only_what_is_new(client: ApiClient) -> None:
    created = client.post(
        "/v1/orders",
        json=order(create_subscription(FLAT), processingOptions=_billing("2027-01-20")),
    ).json()
    assert created["invoiceNumbers"] == ["INV00000001"]
    again = client.post(
        "/v1/orders",
        json=order(
            create_subscription(PER_UNIT),
            existingAccountNumber=created["accountNumber"],
            processingOptions=_billing("2027-01-20"),
        ),
    ).json()
    # The second order invoices only its own new subscription (17/31 × 20 = 10.97).
    assert again["invoiceNumbers"] == ["INV00000002"]
    assert client.get("/v1/invoices/INV00000002").json()["amount"] == 10.97
    assert (
        client.get(f"/v1/accounts/{created['accountNumber']}").json()["metrics"]["balance"] == 65.81
    )


def test_collect_payment_without_run_billing_is_refused_at_once(client: ApiClient) -> None:
    response = client.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT), processingOptions={"collectPayment": True}),
    )
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 20
    assert client.drain() == 0


@pytest.mark.parametrize(
    "path", ["/v1/invoices/INV404", "/v1/invoices/INV404/items", "/v1/payments/P-404"]
)
def test_unknown_invoice_or_payment_is_not_found(client: ApiClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["reasons"][0]["code"] % 100 == 40
