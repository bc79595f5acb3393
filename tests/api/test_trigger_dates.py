"""``triggerDates`` on CreateSubscription and AddProduct: charges triggered by service
activation or customer acceptance wait for their date; without it the order is Pending."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.api.amending import (
    MODES,
    add_product,
    amend,
    charges,
    on,
    placed,
    subscribe,
    subscription,
)
from tests.conftest import ApiClient
from tests.support import DEMO_CLIENT_ID, FLAT, create_subscription, order
from zorders.domain.catalog import (
    ChargeModel,
    ChargePrice,
    ChargeType,
    ProductRatePlan,
    ProductRatePlanCharge,
    TriggerEvent,
)

ACTIVATION = "PRP-ACTIVATION"
ACCEPTANCE = "PRP-ACCEPTANCE"


@pytest.fixture(autouse=True)
def _triggered_plans(client: ApiClient) -> None:
    """Two plans of the demo product whose charge waits for activation / acceptance."""
    with client.runtime.store.begin() as uow:
        tenant = uow.tenants.by_client_id(DEMO_CLIENT_ID)
        assert tenant is not None
        catalog = uow.tenant(tenant.id).catalog
        product = catalog.products(offset=0, limit=1)[0]
        for number, event in (
            (ACTIVATION, TriggerEvent.SERVICE_ACTIVATION),
            (ACCEPTANCE, TriggerEvent.CUSTOMER_ACCEPTANCE),
        ):
            plan = ProductRatePlan(
                id=f"{number.lower().replace('-', '')}{'0' * 18}"[:32],
                product_id=product.id,
                name=f"{event.value} plan",
                product_rate_plan_number=number,
            )
            catalog.add_rate_plan(plan)
            catalog.add_charge(
                ProductRatePlanCharge(
                    id=f"c{plan.id}"[:32],
                    product_rate_plan_id=plan.id,
                    name=f"{event.value} fee",
                    number=f"{number}-C",
                    type=ChargeType.RECURRING,
                    model=ChargeModel.FLAT_FEE,
                    pricing=(ChargePrice(currency="USD", price=Decimal(50)),),
                    trigger_event=event,
                )
            )


def _create(plan: str, **dates: str) -> dict[str, Any]:
    action = create_subscription(FLAT, plan)
    action["triggerDates"] = on("2027-01-01", **dates)
    return order(action, order_date="2027-01-01")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("plan", "dates", "order_status", "status", "start"),
    [
        (ACTIVATION, {}, "Pending", "Pending Activation", None),
        (ACCEPTANCE, {}, "Pending", "Pending Acceptance", None),
        (ACTIVATION, {"ServiceActivation": "2027-01-10"}, "Completed", "Active", "2027-01-10"),
        (ACCEPTANCE, {"CustomerAcceptance": "2027-01-20"}, "Completed", "Active", "2027-01-20"),
    ],
    ids=["activation-missing", "acceptance-missing", "activation-given", "acceptance-given"],
)
def test_create_subscription_waits_for_its_trigger_dates(
    client: ApiClient,
    mode: str,
    plan: str,
    dates: dict[str, str],
    order_status: str,
    status: str,
    start: str | None,
) -> None:
    result = placed(client, mode, _create(plan, **dates))
    assert result["status"] == order_status
    assert result["subscriptions"][0]["status"] == status
    sub = subscription(client, result["subscriptions"][0]["subscriptionNumber"])
    assert sub["status"] == status
    waiting = charges(sub)["C-00000002"]
    assert (waiting["effectiveStartDate"], waiting["triggerEvent"]) == (
        start,
        "ServiceActivation" if plan == ACTIVATION else "CustomerAcceptance",
    )
    assert charges(sub)["C-00000001"]["effectiveStartDate"] == "2027-01-01"
    if start is None:
        # Not billed while it waits: the subscription is worth its flat fee alone.
        assert sub["totalContractedValue"] == 1200.0


def test_add_product_waiting_for_activation_makes_the_order_pending(client: ApiClient) -> None:
    subscribe(client, FLAT)
    result = placed(client, "async", amend(add_product(ACTIVATION, "2027-03-01")))
    assert result["status"] == "Pending"
    assert result["subscriptions"][0]["status"] == "Active"  # Zuora: status not impacted
    added = charges(subscription(client))["C-00000002"]
    assert (added["effectiveStartDate"], added["effectiveEndDate"]) == (None, None)


# -- PUT /v1/orders/{orderNumber}/triggerDates: activating a Pending order --------------

NEW_VERSION = {"Zuora-Version": "2024-05-20"}


def _activate(number: str = "A-S00000001", sequence: int = 0, **dates: str) -> dict[str, Any]:
    return {
        "subscriptions": [
            {
                "subscriptionNumber": number,
                "orderActions": [
                    {
                        "sequence": sequence,
                        "triggerDates": [
                            {"name": name, "triggerDate": day} for name, day in dates.items()
                        ],
                    }
                ],
            }
        ]
    }


def _put(client: ApiClient, body: dict[str, Any], order_number: str = "O-00000001") -> Any:
    return client.put(f"/v1/orders/{order_number}/triggerDates", json=body, headers=NEW_VERSION)


@pytest.mark.parametrize(
    ("plan", "name", "day"),
    [
        (ACTIVATION, "ServiceActivation", "2027-01-10"),
        (ACCEPTANCE, "CustomerAcceptance", "2027-01-20"),
    ],
)
def test_a_pending_subscription_is_activated_by_its_trigger_date(
    client: ApiClient, plan: str, name: str, day: str
) -> None:
    placed(client, "async", _create(plan))
    answer = _put(client, _activate(**{name: day}))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "success": True,
        "orderNumber": "O-00000001",
        "accountNumber": "A00000001",
        "status": "Completed",
        "subscriptions": [{"subscriptionNumber": "A-S00000001", "status": "Active"}],
    }
    sub = subscription(client, "A-S00000001")
    assert (sub["status"], sub["version"]) == ("Active", 1)  # the order's own version
    started = charges(sub)["C-00000002"]
    assert (started["effectiveStartDate"], started["effectiveEndDate"]) == (day, "2028-01-01")
    dates = {
        "ServiceActivation": "serviceActivationDate",
        "CustomerAcceptance": "customerAcceptanceDate",
    }
    assert sub[dates[name]] == day
    read = client.get("/v1/orders/O-00000001").json()["order"]
    assert read["status"] == "Completed"
    given = read["subscriptions"][0]["orderActions"][0]["triggerDates"]
    assert {"name": name, "triggerDate": day} in given
    # Now billed: the 50/month charge from its start, prorated in its first month.
    billed = client.submit_and_run(
        "/v1/async/orders",
        {
            "orderDate": "2027-02-01",
            "existingAccountNumber": "A00000001",
            "subscriptions": [
                {
                    "subscriptionNumber": "A-S00000001",
                    "orderActions": [
                        {
                            "type": "TermsAndConditions",
                            "triggerDates": on("2027-02-01"),
                            "termsAndConditions": {"autoRenew": True},
                        },
                    ],
                }
            ],
            "processingOptions": {
                "runBilling": True,
                "billingOptions": {"targetDate": "2027-01-31"},
            },
        },
    )
    assert billed["status"] == "Completed", billed
    items = client.get("/v1/invoices/INV00000001/items").json()["invoiceItems"]
    waited = [i for i in items if i["chargeName"] == f"{name} fee"]
    first_day = int(day[-2:])
    expected = round(50 * (31 - first_day + 1) / 31, 2)
    assert [(i["serviceStartDate"], i["chargeAmount"]) for i in waited] == [(day, expected)]


def test_an_add_product_waiting_for_activation_starts_when_it_is_given(client: ApiClient) -> None:
    subscribe(client, FLAT)
    pending = placed(client, "async", amend(add_product(ACTIVATION, "2027-03-01")))
    assert pending["status"] == "Pending"
    answer = _put(client, _activate(ServiceActivation="2027-03-15"), pending["orderNumber"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "Completed"
    assert answer.json()["subscriptions"] == [
        {"subscriptionNumber": "A-S00000001", "status": "Active"}
    ]
    sub = subscription(client)
    assert sub["version"] == 2
    assert charges(sub)["C-00000002"]["effectiveStartDate"] == "2027-03-15"
    # The first version, before the order, never had the charge.
    first = client.get("/v1/subscriptions/A-S00000001/versions/1").json()
    assert "C-00000002" not in charges(first)


def test_a_date_for_another_event_leaves_the_order_pending(client: ApiClient) -> None:
    placed(client, "async", _create(ACTIVATION))
    answer = _put(client, _activate(CustomerAcceptance="2027-01-05"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "Pending"
    assert answer.json()["subscriptions"][0]["status"] == "Pending Activation"
    assert charges(subscription(client, "A-S00000001"))["C-00000002"]["effectiveStartDate"] is None


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (_activate(ServiceActivation="2026-12-31"), 400, 53000030, "before the contract effective"),
        (_activate(ServiceActivation="2028-01-01"), 400, 53000030, "not within the term"),
        (
            _activate(number="A-S00000009", ServiceActivation="2027-01-10"),
            400,
            51000020,
            "not in order",
        ),
        (
            _activate(sequence=3, ServiceActivation="2027-01-10"),
            400,
            51000020,
            "no action with sequence 3",
        ),
        (_activate(), 400, 51000022, "ServiceActivation or CustomerAcceptance"),
        (_activate(ContractEffective="2027-01-10"), 400, 50000020, "'ServiceActivation' or"),
        ({"subscriptions": []}, 400, 51000022, "at least one subscription"),
        (
            {
                "subscriptions": [
                    {
                        "subscriptionNumber": "A-S00000001",
                        "orderActions": [
                            {
                                "sequence": 0,
                                "charges": [
                                    {
                                        "chargeNumber": "C-00000002",
                                        "specificTriggerDate": "2027-01-10",
                                    }
                                ],
                            }
                        ],
                    }
                ]
            },
            400,
            51000020,
            "not supported by zorders yet",
        ),
    ],
    ids=[
        "before-contract",
        "after-term",
        "other-subscription",
        "no-such-action",
        "no-dates",
        "contract-effective",
        "empty",
        "charges",
    ],
)
def test_refused_updates_change_nothing(
    client: ApiClient, body: dict[str, Any], status: int, code: int, message: str | None
) -> None:
    placed(client, "async", _create(ACTIVATION))
    answer = _put(client, body)
    assert answer.status_code == status, answer.text
    reason = answer.json()["reasons"][0]
    assert reason["code"] == code, reason
    if message is not None:
        assert message in reason["message"], reason
    assert client.get("/v1/orders/O-00000001").json()["order"]["status"] == "Pending"
    assert subscription(client, "A-S00000001")["status"] == "Pending Activation"


def test_only_a_pending_order_and_its_latest_version_can_be_updated(client: ApiClient) -> None:
    missing = _put(client, _activate(ServiceActivation="2027-01-10"), "O-00000099")
    assert missing.status_code == 404
    placed(client, "async", _create(ACTIVATION))  # O-00000001: A-S00000001 waits
    later = placed(client, "async", amend(add_product(FLAT, "2027-02-01")))
    assert later["status"] == "Pending"  # its subscription still waits for activation
    stale = _put(client, _activate(ServiceActivation="2027-01-10"))
    assert stale.status_code == 400
    assert "later order changed subscription A-S00000001" in stale.json()["reasons"][0]["message"]

    placed(client, "async", _create(ACTIVATION, ServiceActivation="2027-01-02"))  # O-00000003
    done = _put(client, _activate("A-S00000002", ServiceActivation="2027-01-10"), "O-00000003")
    assert done.status_code == 400
    assert "is Completed" in done.json()["reasons"][0]["message"]


def test_two_waiting_actions_of_one_subscription_are_activated_together(
    client: ApiClient,
) -> None:
    body = _create(ACTIVATION)
    body["subscriptions"][0]["orderActions"].append(add_product(ACCEPTANCE, "2027-01-01"))
    placed(client, "async", body)

    def both(activation: str, second: dict[str, str]) -> dict[str, Any]:
        update = _activate(ServiceActivation=activation)
        update["subscriptions"][0]["orderActions"].append(
            {
                "sequence": 1,
                "triggerDates": [{"name": n, "triggerDate": d} for n, d in second.items()],
            }
        )
        return update

    clash = _put(client, both("2027-01-10", {"ServiceActivation": "2027-01-11"}))
    assert clash.status_code == 400
    assert "different ServiceActivation dates" in clash.json()["reasons"][0]["message"]
    answer = _put(client, both("2027-01-10", {"CustomerAcceptance": "2027-01-15"}))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "Completed"
    started = charges(subscription(client, "A-S00000001"))
    assert started["C-00000002"]["effectiveStartDate"] == "2027-01-10"
    assert started["C-00000003"]["effectiveStartDate"] == "2027-01-15"
