"""Billing rules are tenant settings: the same order previews differently under other rules."""

from __future__ import annotations

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order, preview
from zorders.domain.periods import BillingRules, MonthProration
from zorders.service.demo import add_demo_catalog
from zorders.service.tenant_admin import create_tenant
from zorders.service.tenants import TenantSettings


def _login_with(client: ApiClient, rules: BillingRules) -> None:
    runtime = client.runtime
    with runtime.store.begin() as uow:
        issued = create_tenant(
            uow,
            name="rules",
            settings=TenantSettings(billing=rules),
            clock=runtime.clock,
            ids=runtime.ids,
        )
        add_demo_catalog(uow, issued.tenant_id, clock=runtime.clock, ids=runtime.ids)
    client.login(client_id=issued.client_id, client_secret=issued.client_secret)


@pytest.mark.parametrize(
    ("rules", "first", "last"),
    [
        (BillingRules(), 54.84, 45.16),  # Jan 15–31: 17/31; Jan 1–14: 14/31 (actual days)
        (BillingRules(month_proration=MonthProration.ACTUAL_360), 56.67, 46.67),  # 17/30, 14/30
        (BillingRules(month_proration=MonthProration.STRICT_30_360), 53.33, 46.67),  # 16/30, 14/30
        (BillingRules(bill_partial_month=False), None, None),  # partial months not billed
    ],
    ids=["actual-days", "actual-360", "strict-30-360", "no-partial-months"],
)
def test_preview_follows_the_tenants_proration_rules(
    client: ApiClient, rules: BillingRules, first: float | None, last: float | None
) -> None:
    _login_with(client, rules)
    job = client.submit_and_run("/v1/async/orders/preview", preview(create_subscription(FLAT)))
    assert job["status"] == "Completed", job
    items = job["result"]["invoices"][0]["invoiceItems"]
    amounts = [i["amountWithoutTax"] for i in items]
    if first is None:
        assert amounts == [100.0] * 11  # Feb–Dec only
    else:
        assert (amounts[0], amounts[-1], len(amounts)) == (first, last, 13)


def test_billing_and_subscription_metrics_use_the_tenants_rules(client: ApiClient) -> None:
    _login_with(client, BillingRules(month_proration=MonthProration.ACTUAL_360))
    created = client.post(
        "/v1/orders",
        json=order(
            create_subscription(FLAT),
            processingOptions={"runBilling": True, "billingOptions": {"targetDate": "2027-01-20"}},
        ),
    ).json()
    invoice = client.get(f"/v1/invoices/{created['invoiceNumbers'][0]}").json()
    assert invoice["amount"] == 56.67  # 17/30 of 100
    sub = client.get(f"/v1/subscriptions/{created['subscriptions'][0]['subscriptionNumber']}")
    # 56.67 + 11 × 100 + 46.67 (Jan 1–14 of the next year, 14/30)
    assert sub.json()["totalContractedValue"] == 1203.34
