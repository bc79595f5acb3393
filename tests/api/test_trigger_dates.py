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
