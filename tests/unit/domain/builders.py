"""A small catalog, numbering and subscription builders for the domain tier's order tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from zorders.domain.accounts import Account, Contact
from zorders.domain.amendments import AmendContext, Amended, amend
from zorders.domain.catalog import (
    BillingPeriod,
    ChargeModel,
    ChargePrice,
    ChargeType,
    Product,
    ProductRatePlan,
    ProductRatePlanCharge,
    RatePlanOffer,
    TriggerEvent,
)
from zorders.domain.dates import PeriodType
from zorders.domain.numbering import NumberKind, format_number
from zorders.domain.order_actions import (
    Amendment,
    CreateSubscription,
    SubscribeToRatePlan,
    TriggerDates,
)
from zorders.domain.orders import OrderContext
from zorders.domain.subscribing import build_subscription
from zorders.domain.subscriptions import (
    RatePlanCharge,
    RenewalSetting,
    Subscription,
    TermLength,
    Terms,
    TermType,
)

D = Decimal
START = date(2027, 1, 1)
TERM_END = date(2028, 1, 1)


class Counter:
    """Ids 1, 2, … and per-kind numbers, like a tenant's sequences."""

    def __init__(self) -> None:
        self.ids = 0
        self.numbers: dict[NumberKind, int] = {}

    def new_id(self) -> str:
        self.ids += 1
        return f"{self.ids:032x}"

    def next_number(self, kind: NumberKind) -> str:
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        return format_number(kind, self.numbers[kind])


PRODUCT = Product(
    id="p-1",
    sku="SKU-1",
    name="Service",
    product_number="PC-1",
    effective_start_date=date(2000, 1, 1),
    effective_end_date=date(2099, 12, 31),
)


def _offer(
    number: int,
    name: str,
    model: ChargeModel,
    price: str,
    *,
    trigger: TriggerEvent = TriggerEvent.CONTRACT_EFFECTIVE,
    charge_type: ChargeType = ChargeType.RECURRING,
) -> RatePlanOffer:
    plan = ProductRatePlan(
        id=f"prp-{number}",
        product_id=PRODUCT.id,
        name=name,
        product_rate_plan_number=f"PRP-{number}",
    )
    charge = ProductRatePlanCharge(
        id=f"prpc-{number}",
        product_rate_plan_id=plan.id,
        name=f"{name} fee",
        number=f"PRPC-{number}",
        type=charge_type,
        model=model,
        pricing=(ChargePrice(currency="USD", price=D(price)),),
        billing_period=BillingPeriod.MONTH if charge_type is ChargeType.RECURRING else None,
        trigger_event=trigger,
        uom="Seat" if model.has_quantity else None,
        default_quantity=D(5) if model.has_quantity else None,
    )
    return RatePlanOffer(product=PRODUCT, plan=plan, charges=(charge,))


BASIC = _offer(1, "Basic", ChargeModel.FLAT_FEE, "100")
SEATS = _offer(2, "Seats", ChargeModel.PER_UNIT, "20")
PREMIUM = _offer(3, "Premium", ChargeModel.FLAT_FEE, "200")
ACTIVATED = _offer(
    4, "Activated", ChargeModel.FLAT_FEE, "50", trigger=TriggerEvent.SERVICE_ACTIVATION
)
ACCEPTED = _offer(
    5, "Accepted", ChargeModel.FLAT_FEE, "30", trigger=TriggerEvent.CUSTOMER_ACCEPTANCE
)
OFFERS = (BASIC, SEATS, PREMIUM, ACTIVATED, ACCEPTED)
BY_ID = {o.plan.id: o for o in OFFERS}
BY_NUMBER = {o.plan.product_rate_plan_number: o for o in OFFERS}


def account(number: str = "A00000001", currency: str = "USD") -> Account:
    nobody = Contact(first_name="Ada", last_name="Lovelace")
    return Account(
        id=f"id-{number}",
        number=number,
        name=f"Account {number}",
        currency=currency,
        bill_cycle_day=1,
        bill_to=nobody,
        sold_to=nobody,
        bill_to_contact_id="c1",
        sold_to_contact_id="c2",
    )


ACME = account()


def plan(offer: RatePlanOffer, **extra: Any) -> SubscribeToRatePlan:
    return SubscribeToRatePlan(product_rate_plan_id=offer.plan.id, **extra)


def terms(months: int | None = 12, **extra: Any) -> Terms:
    if months is None:
        return Terms(term_type=TermType.EVERGREEN, initial_term=None, **extra)
    length = TermLength(period=months, period_type=PeriodType.MONTH)
    return Terms(term_type=TermType.TERMED, initial_term=length, renewal_term=length, **extra)


def create(
    *offers: RatePlanOffer,
    months: int | None = 12,
    dates: TriggerDates | None = None,
    renewal: RenewalSetting = RenewalSetting.RENEW_WITH_SPECIFIC_TERM,
    numbering: Counter | None = None,
) -> Subscription:
    """Version 1 of a subscription to ``offers`` (default Basic + Seats) from 2027-01-01."""
    chosen = offers or (BASIC, SEATS)
    return build_subscription(
        CreateSubscription(
            terms=terms(months, renewal_setting=renewal),
            rate_plans=tuple(plan(o) for o in chosen),
            trigger_dates=dates or TriggerDates(contract_effective=START),
        ),
        offers=chosen,
        account=ACME,
        order_date=START,
        order_number="O-00000001",
        numbering=numbering or Counter(),
        created_at="2027-01-01 00:00:00",
    )


def context(
    *,
    today: date = date(2027, 2, 10),
    accounts: Mapping[str, Account] | None = None,
    billed_through: Mapping[str, Mapping[str, date]] | None = None,
    order_date: date = date(2027, 2, 1),
) -> AmendContext:
    return AmendContext(
        order_date=order_date,
        today=today,
        offers_by_id=BY_ID,
        offers_by_number=BY_NUMBER,
        accounts=accounts if accounts is not None else {ACME.number: ACME},
        numbering=Counter(),
        billed_through=billed_through or {},
    )


def order_context(*subscriptions: Subscription, **extra: Any) -> OrderContext:
    return OrderContext(
        existing_account=ACME,
        offers_by_id=BY_ID,
        offers_by_number=BY_NUMBER,
        subscriptions={s.number: s for s in subscriptions},
        **extra,
    )


def apply(sub: Subscription, *actions: Amendment, ctx: AmendContext | None = None) -> Amended:
    """The actions applied in order to the next version of ``sub``."""
    ctx = ctx or context()
    current = sub.next_version(id="v2", order_number="O-00000002")
    pending = False
    for action in actions:
        amended = amend(current, action, ctx)
        current, pending = amended.subscription, pending or amended.pending
    return Amended(subscription=current, pending=pending)


def segments(sub: Subscription, number: str) -> list[RatePlanCharge]:
    return [c for c in sub.charges if c.number == number]


def span(charge: RatePlanCharge) -> tuple[date | None, date | None]:
    return (charge.effective_start_date, charge.effective_end_date)
