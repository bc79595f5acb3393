"""Orders that amend: one new version per subscription, all-or-nothing, trigger dates of new
subscriptions, and what billing makes of segments, removals, suspensions and pending charges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.unit.domain.builders import (
    ACCEPTED,
    ACME,
    ACTIVATED,
    BASIC,
    PREMIUM,
    SEATS,
    START,
    Counter,
    account,
    apply,
    create,
    order_context,
    plan,
)
from zorders.domain.billing import BillingRules, bill_subscription
from zorders.domain.errors import Category, ZuoraError
from zorders.domain.order_actions import (
    AddProduct,
    ChargeUpdate,
    CreateSubscription,
    OrderRequest,
    RatePlanRef,
    RemoveProduct,
    Resume,
    ResumePolicy,
    SubscriptionChange,
    Suspend,
    SuspendPolicy,
    TriggerDates,
    UpdateProduct,
)
from zorders.domain.orders import OrderStatus, place_order
from zorders.domain.subscriptions import Subscription, SubscriptionStatus

D = Decimal
SEAT = "C-00000002"


def request(*changes: SubscriptionChange) -> OrderRequest:
    return OrderRequest(
        order_date=date(2027, 2, 1), subscriptions=changes, existing_account_number=ACME.number
    )


def amending(sub: Subscription, *actions: object) -> SubscriptionChange:
    return SubscriptionChange(subscription_number=sub.number, actions=actions)  # type: ignore[arg-type]


def place(req: OrderRequest, *subs: Subscription) -> object:
    return place_order(
        req, order_context(*subs), Counter(), created_at="2027-02-01 10:00:00", today=START
    )


def seats(n: int, day: date) -> UpdateProduct:
    return UpdateProduct(
        rate_plan=RatePlanRef(product_rate_plan_id=SEATS.plan.id),
        charge_updates=(ChargeUpdate(charge_number=SEAT, quantity=D(n)),),
        trigger_dates=TriggerDates(contract_effective=day),
    )


def test_several_actions_on_one_subscription_write_one_version() -> None:
    sub = create()
    req = request(
        amending(
            sub,
            AddProduct(rate_plan=plan(PREMIUM)),
            seats(10, date(2027, 3, 1)),
            RemoveProduct(rate_plan=RatePlanRef(product_rate_plan_id=BASIC.plan.id)),
        )
    )
    outcome = place_order(
        req, order_context(sub), Counter(), created_at="x", today=date(2027, 2, 1)
    )
    (new,) = outcome.subscriptions
    assert new.version == 2 and outcome.base_versions == (sub,)
    (record,) = outcome.order.subscriptions
    assert (record.base_version, record.new_version) == (1, 2)
    assert [a.type for a in record.actions] == ["AddProduct", "UpdateProduct", "RemoveProduct"]
    assert [a.sequence for a in record.actions] == [0, 1, 2]
    assert outcome.order.status is OrderStatus.COMPLETED
    assert new.order_number == outcome.order.number


def test_an_order_amends_several_subscriptions_and_creates_one() -> None:
    first = create()
    second = replace(create(), number="A-S00000002")
    create_new = SubscriptionChange(
        subscription_number=None,
        actions=(
            CreateSubscription(
                terms=first.terms, rate_plans=(plan(BASIC),), trigger_dates=TriggerDates()
            ),
        ),
    )
    req = request(
        amending(first, seats(7, date(2027, 4, 1))),
        create_new,
        amending(second, AddProduct(rate_plan=plan(PREMIUM))),
    )
    outcome = place_order(
        req, order_context(first, second), Counter(), created_at="x", today=date(2027, 2, 1)
    )
    versions = [(s.number, s.version) for s in outcome.subscriptions]
    assert versions == [("A-S00000001", 2), ("A-S00000001", 1), ("A-S00000002", 2)]
    assert [r.base_version for r in outcome.order.subscriptions] == [1, None, 1]
    assert [b.version if b else None for b in outcome.base_versions] == [1, None, 1]


@pytest.mark.parametrize(
    ("changes", "category"),
    [
        ((SubscriptionChange(subscription_number="A-S404", actions=(seats(2, START),)),), 40),
        ((SubscriptionChange(subscription_number=None, actions=(seats(2, START),)),), 22),
        (("twice",), 30),
        (("create-on-existing",), 30),
    ],
    ids=["unknown-subscription", "amend-without-number", "same-subscription-twice", "create-twice"],
)
def test_order_level_refusals(changes: tuple[object, ...], category: int) -> None:
    sub = create()
    if changes == ("twice",):
        changes = (amending(sub, seats(2, START)), amending(sub, seats(3, START)))
    elif changes == ("create-on-existing",):
        changes = (amending(sub, CreateSubscription(terms=sub.terms, rate_plans=(plan(BASIC),))),)
    with pytest.raises(ZuoraError) as caught:
        place(request(*changes), sub)  # type: ignore[arg-type]
    assert caught.value.category == category


def test_an_order_amends_only_subscriptions_of_its_account() -> None:
    sub = create()
    other = account("A00000002")
    req = OrderRequest(
        order_date=date(2027, 2, 1),
        subscriptions=(amending(sub, seats(2, START)),),
        existing_account_number=other.number,
    )
    context = replace(order_context(sub), existing_account=other)
    with pytest.raises(ZuoraError) as caught:
        place_order(req, context, Counter(), created_at="x", today=date(2027, 2, 1))
    assert caught.value.category is Category.BUSINESS_RULE


def test_a_pending_add_product_makes_the_order_pending() -> None:
    sub = create()
    req = request(amending(sub, AddProduct(rate_plan=plan(ACTIVATED))))
    outcome = place_order(req, order_context(sub), Counter(), created_at="x", today=START)
    assert outcome.order.status is OrderStatus.PENDING
    assert outcome.subscriptions[0].status is SubscriptionStatus.ACTIVE


# --- trigger dates of a new subscription ------------------------------------------------------


@pytest.mark.parametrize(
    ("offers", "dates", "status", "activation", "acceptance"),
    [
        ((BASIC,), TriggerDates(), SubscriptionStatus.ACTIVE, START, START),
        ((BASIC, ACTIVATED), TriggerDates(), SubscriptionStatus.PENDING_ACTIVATION, None, None),
        ((BASIC, ACCEPTED), TriggerDates(), SubscriptionStatus.PENDING_ACCEPTANCE, START, None),
        (
            (ACTIVATED, ACCEPTED),
            TriggerDates(customer_acceptance=date(2027, 1, 20)),
            SubscriptionStatus.PENDING_ACTIVATION,
            None,
            date(2027, 1, 20),
        ),
        (
            (ACTIVATED, ACCEPTED),
            TriggerDates(service_activation=date(2027, 1, 10)),
            SubscriptionStatus.PENDING_ACCEPTANCE,
            date(2027, 1, 10),
            None,
        ),
        (
            (ACTIVATED, ACCEPTED),
            TriggerDates(
                service_activation=date(2027, 1, 10), customer_acceptance=date(2027, 1, 20)
            ),
            SubscriptionStatus.ACTIVE,
            date(2027, 1, 10),
            date(2027, 1, 20),
        ),
    ],
    ids=[
        "contract-only",
        "activation-missing",
        "acceptance-missing",
        "both-missing-is-activation",
        "acceptance-still-missing",
        "both-given",
    ],
)
def test_trigger_dates_of_a_new_subscription(
    offers: tuple[object, ...],
    dates: TriggerDates,
    status: SubscriptionStatus,
    activation: date | None,
    acceptance: date | None,
) -> None:
    sub = create(*offers, dates=replace(dates, contract_effective=START))  # type: ignore[arg-type]
    assert sub.status is status
    assert (sub.service_activation_date, sub.customer_acceptance_date) == (activation, acceptance)
    for charge in sub.charges:
        given = {
            ACTIVATED.charges[0].trigger_event: dates.service_activation,
            ACCEPTED.charges[0].trigger_event: dates.customer_acceptance,
        }.get(charge.trigger_event, START)
        # A charge starts on its trigger date, or waits (no start, no end) without it.
        assert charge.effective_start_date == given
        assert (charge.effective_end_date is None) is (given is None)


def test_pending_charges_are_not_billed() -> None:
    sub = create(BASIC, ACTIVATED)
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2027, 3, 1), rules=BillingRules()
    )
    assert {i.charge_name for i in items} == {"Basic fee"}


# --- billing the amended version ------------------------------------------------------------


def _amounts(sub: Subscription, target: date, number: str) -> list[tuple[date, date, Decimal]]:
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=target, rules=BillingRules()
    )
    return [
        (i.service_start_date, i.service_end_date, i.amount)
        for i in items
        if i.charge_number == number
    ]


def test_a_mid_month_quantity_change_bills_both_segments_prorated() -> None:
    sub = apply(create(), seats(10, date(2027, 4, 16))).subscription
    # 5 seats × 20 = 100/month until Apr 15, then 10 × 20 = 200; April has 30 days.
    assert _amounts(sub, date(2027, 5, 1), SEAT) == [
        (date(2027, 1, 1), date(2027, 1, 31), D("100.00")),
        (date(2027, 2, 1), date(2027, 2, 28), D("100.00")),
        (date(2027, 3, 1), date(2027, 3, 31), D("100.00")),
        (date(2027, 4, 1), date(2027, 4, 15), D("50.00")),
        (date(2027, 4, 16), date(2027, 4, 30), D("100.00")),
        (date(2027, 5, 1), date(2027, 5, 31), D("200.00")),
    ]


def test_a_removed_product_stops_billing() -> None:
    removal = RemoveProduct(
        rate_plan=RatePlanRef(product_rate_plan_id=SEATS.plan.id),
        trigger_dates=TriggerDates(contract_effective=date(2027, 2, 15)),
    )
    sub = apply(create(), removal).subscription
    # Feb 1–14 of a 28-day February: 14/28 × 100.
    assert _amounts(sub, date(2027, 6, 1), SEAT) == [
        (date(2027, 1, 1), date(2027, 1, 31), D("100.00")),
        (date(2027, 2, 1), date(2027, 2, 14), D("50.00")),
    ]


def test_a_suspension_is_not_billed() -> None:
    sub = apply(
        create(),
        Suspend(policy=SuspendPolicy.SPECIFIC_DATE, specific_date=date(2027, 3, 16)),
        Resume(policy=ResumePolicy.SPECIFIC_DATE, specific_date=date(2027, 5, 11)),
    ).subscription
    # Mar 1–15: 15/31 × 100 = 48.39; May 11–31: 21/31 × 100 = 67.74.
    assert _amounts(sub, date(2027, 6, 1), "C-00000001") == [
        (date(2027, 1, 1), date(2027, 1, 31), D("100.00")),
        (date(2027, 2, 1), date(2027, 2, 28), D("100.00")),
        (date(2027, 3, 1), date(2027, 3, 15), D("48.39")),
        (date(2027, 5, 11), date(2027, 5, 31), D("67.74")),
        (date(2027, 6, 1), date(2027, 6, 30), D("100.00")),
    ]


def test_an_open_suspension_bills_nothing_after_it_starts() -> None:
    sub = apply(
        create(), Suspend(policy=SuspendPolicy.SPECIFIC_DATE, specific_date=date(2027, 2, 1))
    ).subscription
    assert [a[0] for a in _amounts(sub, date(2027, 12, 1), "C-00000001")] == [date(2027, 1, 1)]
