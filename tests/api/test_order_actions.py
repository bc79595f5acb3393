"""Every amending order action through HTTP, async (``POST /v1/async/orders``) and sync
(``POST /v1/orders``): the subscription's new version as ``GET /v1/subscriptions`` shows it,
and the business-rule failures with their categories.

Starting point (``subscribe``): account A00000001, subscription A-S00000001 from 2027-01-01
for 12 months with the demo's Basic Monthly ($100 flat, C-00000001) and Per Seat Monthly
($20 × 1 seat, C-00000002).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.amending import (
    ACCOUNT,
    FEE,
    MODES,
    SEATS,
    SUBSCRIPTION,
    add_product,
    amend,
    cancel,
    change_plan,
    charges,
    dates,
    owner_transfer,
    place,
    placed,
    remove_product,
    renew,
    resume,
    subscribe,
    subscription,
    suspend,
    terms,
    update_quantity,
)
from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT, TIERED, create_subscription, new_account, order

Check = Callable[[dict[str, Any]], None]


def _plan(sub: dict[str, Any], number: str) -> list[dict[str, Any]]:
    return [p for p in sub["ratePlans"] if p["productRatePlanNumber"] == number]


def _added_tiered(sub: dict[str, Any]) -> None:
    (tiered,) = _plan(sub, TIERED)
    assert tiered["lastChangeType"] == "Add"
    assert [dates(c) for c in tiered["ratePlanCharges"]] == [("2027-03-01", "2028-01-01")]
    assert tiered["ratePlanCharges"][0]["number"] == "C-00000003"


def _updated_seats(sub: dict[str, Any]) -> None:
    seat = charges(sub)[SEATS]  # the last segment, by default
    assert (seat["segment"], seat["quantity"], dates(seat)) == (
        2,
        10.0,
        ("2027-04-01", "2028-01-01"),
    )
    assert seat["isLastSegment"] is True
    assert sub["contractedMrr"] == 300.0  # 100 + 10 × 20


def _removed_seats(sub: dict[str, Any]) -> None:
    (seats,) = _plan(sub, PER_UNIT)
    assert seats["lastChangeType"] == "Remove"
    assert dates(seats["ratePlanCharges"][0]) == ("2027-01-01", "2027-06-01")
    assert sub["contractedMrr"] == 100.0


def _changed_plan(sub: dict[str, Any]) -> None:
    (old,) = _plan(sub, FLAT)
    (new,) = _plan(sub, TIERED)
    assert (old["lastChangeType"], new["lastChangeType"]) == ("Remove", "Add")
    assert dates(old["ratePlanCharges"][0]) == ("2027-01-01", "2027-05-01")
    assert dates(new["ratePlanCharges"][0]) == ("2027-05-01", "2028-01-01")


def _longer_terms(sub: dict[str, Any]) -> None:
    assert (sub["autoRenew"], sub["renewalTerm"], sub["renewalTermPeriodType"]) == (
        True,
        6,
        "Month",
    )
    assert (sub["initialTerm"], sub["currentTerm"], sub["termEndDate"]) == (24, 24, "2029-01-01")
    assert {c["effectiveEndDate"] for c in charges(sub).values()} == {"2029-01-01"}


def _renewed(sub: dict[str, Any]) -> None:
    assert (sub["termStartDate"], sub["termEndDate"]) == ("2028-01-01", "2029-01-01")
    assert (sub["subscriptionStartDate"], sub["currentTerm"]) == ("2027-01-01", 12)
    assert {c["effectiveEndDate"] for c in charges(sub).values()} == {"2029-01-01"}


def _cancelled(day: str) -> Check:
    def check(sub: dict[str, Any]) -> None:
        assert sub["status"] == "Cancelled"
        assert (sub["subscriptionEndDate"], sub["cancelledDate"]) == (day, day)
        assert sub["termEndDate"] == "2028-01-01"
        assert {c["effectiveEndDate"] for c in charges(sub).values()} == {day}

    return check


def _suspended(sub: dict[str, Any]) -> None:
    assert sub["status"] == "Suspended"
    assert sub["statusHistory"] == [
        {"status": "Active", "startDate": "2027-01-01", "endDate": "2027-03-16"},
        {"status": "Suspended", "startDate": "2027-03-16", "endDate": None},
    ]


def _resumed(sub: dict[str, Any]) -> None:
    assert sub["status"] == "Active"
    # extendsTerm: 46 days suspended (Mar 16 → May 1) move the term end.
    assert sub["termEndDate"] == "2028-02-16"
    assert [h["status"] for h in sub["statusHistory"]] == ["Active", "Suspended", "Active"]


def _transferred(sub: dict[str, Any]) -> None:
    assert (sub["accountNumber"], sub["invoiceOwnerAccountNumber"]) == ("A00000002", "A00000002")


SCENARIOS: list[tuple[str, list[dict[str, Any]], Check]] = [
    ("add-product", [add_product(TIERED, "2027-03-01")], _added_tiered),
    ("update-quantity", [update_quantity(10, "2027-04-01")], _updated_seats),
    ("remove-product", [remove_product(PER_UNIT, "2027-06-01")], _removed_seats),
    ("change-plan", [change_plan(FLAT, TIERED, "2027-05-01")], _changed_plan),
    (
        "terms-and-conditions",
        [
            terms(
                autoRenew=True,
                renewalTerms=[{"period": 6, "periodType": "Month"}],
                lastTerm={"termType": "TERMED", "period": 24, "periodType": "Month"},
            )
        ],
        _longer_terms,
    ),
    ("renew", [renew()], _renewed),
    ("cancel-end-of-term", [cancel("EndOfCurrentTerm")], _cancelled("2028-01-01")),
    ("cancel-specific-date", [cancel("SpecificDate", "2027-07-15")], _cancelled("2027-07-15")),
    ("suspend", [suspend("2027-03-16")], _suspended),
    ("suspend-then-resume", [suspend("2027-03-16"), resume("2027-05-01", True)], _resumed),
    (
        "owner-transfer",
        [
            owner_transfer(
                destinationAccountNumber="A00000002", destinationInvoiceAccountNumber="A00000002"
            )
        ],
        _transferred,
    ),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("actions", "check"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_action_writes_a_new_version(
    client: ApiClient, mode: str, actions: list[dict[str, Any]], check: Check
) -> None:
    subscribe(client)
    _second_account(client)
    result = placed(client, mode, amend(*actions))
    assert result["status"] == "Completed"
    assert result["subscriptions"][0]["subscriptionNumber"] == SUBSCRIPTION
    sub = subscription(client)
    assert (sub["version"], sub["isLatestVersion"]) == (2, True)
    check(sub)
    first = subscription(client, f"{SUBSCRIPTION}/versions/1")
    assert (first["version"], first["isLatestVersion"], first["status"]) == (1, False, "Active")
    assert first["termEndDate"] == "2028-01-01"


def _second_account(client: ApiClient) -> None:
    created = client.post("/v1/accounts", json=new_account(name="Other", billCycleDay=1))
    assert created.status_code == 200, created.text
    assert created.json()["accountNumber"] == "A00000002"


FAILURES: list[tuple[str, dict[str, Any], int, str]] = [
    ("unknown-subscription", amend(renew(), number="A-S00000404"), 40, "A-S00000404"),
    ("rate-plan-not-on-subscription", amend(remove_product(TIERED, "2027-03-01")), 40, TIERED),
    (
        "unknown-charge",
        amend(update_quantity(3, "2027-03-01", charge="C-00000404")),
        40,
        "C-00000404",
    ),
    (
        "quantity-on-flat-fee",
        amend(
            {
                "type": "UpdateProduct",
                "updateProduct": {
                    "productRatePlanNumber": FLAT,
                    "chargeUpdates": [
                        {"chargeNumber": FEE, "pricing": {"recurringPerUnit": {"quantity": 2}}}
                    ],
                },
            }
        ),
        20,
        "takes no quantity",
    ),
    ("change-to-the-same-plan", amend(change_plan(FLAT, FLAT, "2027-03-01")), 30, "already"),
    ("resume-not-suspended", amend(resume("2027-03-01")), 30, "not Suspended"),
    ("amend-while-suspended", amend(suspend("2027-03-01"), add_product(TIERED)), 30, "Suspended"),
    ("action-after-cancel", amend(cancel("SpecificDate", "2027-03-01"), renew()), 30, "Cancelled"),
    ("cancel-never-invoiced", amend(cancel("EndOfLastInvoicePeriod")), 30, "has not been invoiced"),
    ("cancel-after-term-end", amend(cancel("SpecificDate", "2028-03-01")), 30, "after"),
    (
        "owner-unknown-account",
        amend(owner_transfer(destinationAccountNumber="A00000404")),
        40,
        "A00000404",
    ),
    ("add-before-contract", amend(add_product(TIERED, "2026-06-01")), 30, "before"),
    (
        "change-plan-specific-date",
        amend(change_plan(FLAT, TIERED, "2027-03-01", effectivePolicy="SpecificDate")),
        20,
        "not supported",
    ),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("body", "category", "text"), [f[1:] for f in FAILURES], ids=[f[0] for f in FAILURES]
)
def test_business_rule_failures(
    client: ApiClient, mode: str, body: dict[str, Any], category: int, text: str
) -> None:
    subscribe(client)
    ok, failure = place(client, mode, body)
    assert not ok
    assert failure["code"] % 100 == category, failure
    if mode == "async":
        assert failure["code"] == 40000000 + category  # Zuora's job codes
    assert text in failure["message"]
    # All or nothing: the subscription is still at version 1.
    assert subscription(client)["version"] == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_new_account_cannot_amend_another_accounts_subscription(
    client: ApiClient, mode: str
) -> None:
    """The message names the new account by the number it would have had (numbers are
    taken after the order is computed), and the failed order leaves it to the next one."""
    subscribe(client)
    body = amend(add_product(TIERED, "2027-02-01"))
    del body["existingAccountNumber"]
    body["newAccount"] = new_account()
    ok, failure = place(client, mode, body)
    assert not ok
    assert failure["code"] % 100 == 30, failure
    assert failure["message"] == (
        f"Subscription {SUBSCRIPTION} belongs to account {ACCOUNT}, not to the order's "
        "account A00000002."
    )
    again = placed(client, mode, order(create_subscription(FLAT)))
    assert again["accountNumber"] == "A00000002"
    assert again["subscriptions"][0]["subscriptionNumber"] == "A-S00000002"


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ({"type": "Suspend", "suspend": {"suspendPolicy": "SpecificDate"}}, 51000022),
        (
            {
                "type": "CancelSubscription",
                "cancelSubscription": {"cancellationPolicy": "SpecificDate"},
            },
            51000022,
        ),
        ({"type": "Resume", "resume": {"resumePolicy": "FixedPeriodsFromToday"}}, 51000022),
        ({"type": "OwnerTransfer", "ownerTransfer": {}}, 51000022),
        ({"type": "AddProduct"}, 51000022),
        ({"type": "AddProduct", "removeProduct": {"productRatePlanNumber": FLAT}}, 51000020),
        (
            {"type": "Suspend", "suspend": {"suspendPolicy": "Today", "billToContactId": "x"}},
            50000021,
        ),
        (
            {"type": "RemoveProduct", "removeProduct": {"subscriptionRatePlanNumber": "SRP-1"}},
            51000020,
        ),
    ],
    ids=[
        "suspend-without-date",
        "cancel-without-date",
        "resume-without-periods",
        "transfer-without-destination",
        "missing-payload",
        "another-actions-payload",
        "unknown-field",
        "subscription-rate-plan-number",
    ],
)
def test_malformed_actions_are_refused_at_once(
    client: ApiClient, action: dict[str, Any], code: int
) -> None:
    # No job is created: the POST itself answers with the category-20/21/22 error.
    response = client.post("/v1/async/orders", json=amend(action))
    assert response.status_code == 400, response.text
    assert response.json()["reasons"][0]["code"] == code


def _without_numbers(value: Any) -> Any:
    """A result or a subscription with its generated ids, numbers and times left out."""
    skip = {
        "id",
        "subscriptionId",
        "orderId",
        "accountId",
        "subscriptionOwnerId",
        "orderNumber",
        "subscriptionNumber",
        "number",
        "originalChargeId",
        "createTime",
        "updateTime",
        "invoiceOwnerAccountId",
    }
    if isinstance(value, dict):
        return {k: _without_numbers(v) for k, v in value.items() if k not in skip}
    if isinstance(value, list):
        return [_without_numbers(v) for v in value]
    return value


def test_sync_and_async_give_the_same_result(client: ApiClient) -> None:
    first = subscribe(client)
    second = subscribe(client)

    def actions(number: str) -> list[dict[str, Any]]:
        seat = next(n for n, c in charges(subscription(client, number)).items() if c["uom"])
        return [
            add_product(TIERED, "2027-03-01"),
            update_quantity(4, "2027-04-01", charge=seat),
            suspend("2027-06-01"),
            resume("2027-07-01"),
        ]

    by_async = placed(client, "async", amend(*actions(first), number=first))
    by_sync = placed(client, "sync", amend(*actions(second), number=second))
    assert _without_numbers(by_async) == _without_numbers(by_sync)
    assert _without_numbers(subscription(client, first)) == _without_numbers(
        subscription(client, second)
    )


def test_one_order_amends_several_subscriptions(client: ApiClient) -> None:
    first = subscribe(client)
    second = subscribe(client)
    body = {
        "orderDate": "2027-02-01",
        "existingAccountNumber": ACCOUNT,
        "subscriptions": [
            {"subscriptionNumber": first, "orderActions": [renew()]},
            {"subscriptionNumber": second, "orderActions": [cancel("EndOfCurrentTerm")]},
        ],
    }
    result = placed(client, "async", body)
    assert [(s["subscriptionNumber"], s["status"]) for s in result["subscriptions"]] == [
        (first, "Active"),
        (second, "Cancelled"),
    ]
    order = client.get(f"/v1/orders/{result['orderNumber']}").json()["order"]
    assert [
        (s["subscriptionNumber"], s["baseVersion"], s["newVersion"]) for s in order["subscriptions"]
    ] == [
        (first, 1, 2),
        (second, 1, 2),
    ]
    assert [a["type"] for s in order["subscriptions"] for a in s["orderActions"]] == [
        "RenewSubscription",
        "CancelSubscription",
    ]


def test_a_failing_action_leaves_every_subscription_of_the_order_alone(client: ApiClient) -> None:
    first = subscribe(client)
    second = subscribe(client)
    body = {
        "orderDate": "2027-02-01",
        "existingAccountNumber": ACCOUNT,
        "subscriptions": [
            {"subscriptionNumber": first, "orderActions": [renew()]},
            {"subscriptionNumber": second, "orderActions": [resume("2027-03-01")]},
        ],
    }
    ok, _ = place(client, "async", body)
    assert not ok
    assert subscription(client, first)["version"] == 1
    assert subscription(client, second)["version"] == 1
    assert client.get("/v1/orders/O-00000003").status_code == 404


def test_all_segments_and_specific_segment(client: ApiClient) -> None:
    subscribe(client)
    placed(client, "sync", amend(update_quantity(10, "2027-04-01")))
    every = subscription(client, **{"charge-detail": "all-segments"})
    seat = charges(every)[SEATS]
    assert [(s["segment"], s["quantity"], s["isLastSegment"]) for s in seat["chargeSegments"]] == [
        (1, 1.0, False),
        (2, 10.0, True),
    ]
    march = subscription(
        client, **{"charge-detail": "specific-segment", "as-of-date": "2027-03-15"}
    )
    assert charges(march)[SEATS]["quantity"] == 1.0


# zuora-sdk's generated models use pydantic APIs deprecated by the pydantic installed here
# (as in tests/compat), and warn when a date field is serialised from a date.
@pytest.mark.filterwarnings(
    "ignore:The `construct` method is deprecated:pydantic.warnings.PydanticDeprecatedSince20"
)
@pytest.mark.filterwarnings(
    "ignore:Accessing the 'model_fields' attribute on the instance is deprecated"
    ":pydantic.warnings.PydanticDeprecatedSince211"
)
@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
def test_every_action_as_the_official_sdk_serialises_it(client: ApiClient) -> None:
    """The SDK always sends some defaults (``clearingExisting*: false``, ``resetBcd``,
    ``priceChangeOption``): one order with every action, built with its models."""
    import datetime as dt

    import zuora_sdk.models as z
    from zuora_sdk.api_client import ApiClient as SdkClient

    subscribe(client)

    def on_day(day: str) -> list[Any]:
        return [z.TriggerDate(name="ContractEffective", trigger_date=dt.date.fromisoformat(day))]

    def act(kind: str, day: str | None = None, **payload: Any) -> Any:
        return z.CreateOrderAction(type=kind, trigger_dates=on_day(day) if day else None, **payload)

    actions = [
        act(
            "AddProduct",
            "2027-03-01",
            add_product=z.CreateOrderAddProduct(product_rate_plan_number=TIERED),
        ),
        act(
            "UpdateProduct",
            update_product=z.CreateOrderUpdateProduct(
                product_rate_plan_number=PER_UNIT,
                charge_updates=[
                    z.CreateOrderChargeUpdate(
                        charge_number=SEATS,
                        pricing=z.CreateOrderPricingUpdate(
                            recurring_per_unit=z.RecurringPerUnitPricingUpdate(quantity=3)
                        ),
                        effective_date=z.TriggerParams(
                            trigger_event="SpecificDate", specific_trigger_date=dt.date(2027, 4, 1)
                        ),
                    )
                ],
            ),
        ),
        act(
            "ChangePlan",
            "2027-05-01",
            change_plan=z.CreateOrderChangePlan(
                product_rate_plan_number=FLAT,
                new_product_rate_plan=z.CreateOrderChangePlanRatePlanOverride(
                    product_rate_plan_number=TIERED
                ),
                effective_policy="EffectiveImmediately",
                sub_type="Upgrade",
            ),
        ),
        act(
            "TermsAndConditions",
            terms_and_conditions=z.CreateOrderTermsAndConditions(auto_renew=True),
        ),
        act("RenewSubscription", renew_subscription=z.OrderActionRenewSubscription()),
        act(
            "OwnerTransfer",
            owner_transfer=z.OrderActionOwnerTransfer(destination_account_number=ACCOUNT),
        ),
        act(
            "Suspend",
            suspend=z.CreateOrderSuspend(
                suspend_policy="SpecificDate", suspend_specific_date=dt.date(2027, 6, 1)
            ),
        ),
        act(
            "Resume",
            resume=z.CreateOrderResume(
                resume_policy="SpecificDate", resume_specific_date=dt.date(2027, 7, 1)
            ),
        ),
        act(
            "RemoveProduct",
            "2027-08-01",
            remove_product=z.OrderActionRemoveProduct(product_rate_plan_number=PER_UNIT),
        ),
        act(
            "CancelSubscription",
            cancel_subscription=z.OrderActionCancelSubscription(
                cancellation_policy="SpecificDate", cancellation_effective_date=dt.date(2028, 6, 30)
            ),
        ),
    ]
    request = z.CreateOrderRequest(
        order_date=dt.date(2027, 2, 1),
        existing_account_number=ACCOUNT,
        subscriptions=[
            z.CreateOrderSubscription(subscription_number=SUBSCRIPTION, order_actions=actions)
        ],
    )
    body = SdkClient().sanitize_for_serialization(request)
    response = client.post("/v1/orders", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["subscriptions"][0]["status"] == "Cancelled"
    sub = subscription(client)
    assert (sub["version"], sub["autoRenew"], sub["termEndDate"]) == (2, True, "2029-01-01")
    assert charges(sub)[SEATS]["quantity"] == 3.0
    order = client.get(f"/v1/orders/{response.json()['orderNumber']}").json()["order"]
    assert len(order["subscriptions"][0]["orderActions"]) == 10
