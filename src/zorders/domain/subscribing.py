"""CreateSubscription: copy catalog rate plans into a new subscription, overrides applied."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from zorders.domain.accounts import Account
from zorders.domain.catalog import (
    BillingPeriod,
    ChargeType,
    EndDateCondition,
    ProductRatePlanCharge,
    RatePlanOffer,
    TriggerEvent,
)
from zorders.domain.dates import add_months
from zorders.domain.errors import InvalidValue, Resource
from zorders.domain.numbering import Numbering, NumberKind
from zorders.domain.order_actions import (
    ChargeOverride,
    CreateSubscription,
    SubscribeToRatePlan,
    TriggerDates,
)
from zorders.domain.subscriptions import (
    RatePlan,
    RatePlanCharge,
    Subscription,
    SubscriptionStatus,
    Terms,
    TermType,
)


def build_subscription(
    action: CreateSubscription,
    *,
    offers: tuple[RatePlanOffer, ...],
    account: Account,
    order_date: date,
    order_number: str,
    numbering: Numbering,
    created_at: str,
) -> Subscription:
    """Version 1 of a new subscription; raises InvalidValue for what Zuora would refuse."""
    terms = _checked_terms(action.terms)
    dates = action.trigger_dates
    contract_effective = dates.contract_effective or order_date
    term_start = contract_effective
    term_end = (
        terms.initial_term.end_from(term_start)
        if terms.term_type is TermType.TERMED and terms.initial_term is not None
        else None
    )
    rate_plans = tuple(
        new_rate_plan(
            wanted,
            offer,
            currency=account.currency,
            dates=dates,
            contract_effective=contract_effective,
            term_end=term_end,
            numbering=numbering,
        )
        for wanted, offer in zip(action.rate_plans, offers, strict=True)
    )
    waiting = {c.trigger_event for plan in rate_plans for c in plan.charges if c.pending}
    # Zuora (``triggerDates``): a missing ServiceActivation date makes the subscription
    # Pending Activation, a missing CustomerAcceptance date Pending Acceptance, and both
    # missing Pending Activation. zorders applies it to the charges that wait for one.
    status = SubscriptionStatus.ACTIVE
    if TriggerEvent.SERVICE_ACTIVATION in waiting:
        status = SubscriptionStatus.PENDING_ACTIVATION
    elif TriggerEvent.CUSTOMER_ACCEPTANCE in waiting:
        status = SubscriptionStatus.PENDING_ACCEPTANCE
    activation = dates.service_activation
    if activation is None and status is not SubscriptionStatus.PENDING_ACTIVATION:
        activation = contract_effective  # not awaited: it is the contract date, as before
    acceptance = dates.customer_acceptance
    if acceptance is None and status is SubscriptionStatus.ACTIVE:
        acceptance = activation
    return Subscription(
        id=numbering.new_id(),
        number=action.subscription_number or numbering.next_number(NumberKind.SUBSCRIPTION),
        version=1,
        account_id=account.id,
        account_number=account.number,
        invoice_owner_account_id=account.id,
        invoice_owner_account_number=account.number,
        status=status,
        terms=terms,
        currency=account.currency,
        contract_effective_date=contract_effective,
        service_activation_date=activation,
        customer_acceptance_date=acceptance,
        subscription_start_date=term_start,
        term_start_date=term_start,
        term_end_date=term_end,
        rate_plans=rate_plans,
        order_number=order_number,
        invoice_separately=action.invoice_separately,
        notes=action.notes,
        created_at=created_at,
    )


def new_rate_plan(
    wanted: SubscribeToRatePlan,
    offer: RatePlanOffer,
    *,
    currency: str,
    dates: TriggerDates,
    contract_effective: date,
    term_end: date | None,
    numbering: Numbering,
) -> RatePlan:
    """A catalog rate plan copied into a subscription (CreateSubscription, AddProduct,
    ChangePlan): each charge starts on the trigger date its trigger event names."""
    offer.ensure_effective_on(contract_effective)
    overrides = _overrides_by_charge(wanted.charge_overrides, offer)
    charges = tuple(
        _subscribe_charge(
            catalog_charge,
            overrides.get(catalog_charge.id),
            currency=currency,
            start=trigger_date(catalog_charge.trigger_event, dates, contract_effective),
            term_end=term_end,
            id=numbering.new_id(),
            number=numbering.next_number(NumberKind.CHARGE),
        )
        for catalog_charge in offer.charges
    )
    return RatePlan(
        id=numbering.new_id(),
        product_id=offer.product.id,
        product_name=offer.product.name,
        product_sku=offer.product.sku,
        product_rate_plan_id=offer.plan.id,
        product_rate_plan_number=offer.plan.product_rate_plan_number,
        name=offer.plan.name,
        charges=charges,
        unique_token=wanted.unique_token,
    )


def _checked_terms(terms: Terms) -> Terms:
    if terms.term_type is TermType.EVERGREEN:
        return replace(terms, renewal_term=None)
    initial = terms.initial_term
    if initial is None or initial.period <= 0:
        raise InvalidValue(
            "A TERMED subscription needs an 'initialTerm' with a positive 'period'.",
            resource=Resource.SUBSCRIPTION,
        )
    renewal = terms.renewal_term or initial
    if renewal.period <= 0:
        raise InvalidValue(
            "'renewalTerms[].period' must be positive.", resource=Resource.SUBSCRIPTION
        )
    return replace(terms, renewal_term=renewal)


def trigger_date(event: TriggerEvent, dates: TriggerDates, contract_effective: date) -> date | None:
    """The day a new charge starts: the order action's date for its trigger event, None
    (pending) when the action does not give it. Zuora makes those dates required only
    on tenants set to require them; zorders requires them whenever a charge waits for
    one, the same for every tenant (docs/compatibility-orders.md)."""
    if event is TriggerEvent.SERVICE_ACTIVATION:
        return dates.service_activation
    if event is TriggerEvent.CUSTOMER_ACCEPTANCE:
        return dates.customer_acceptance
    return contract_effective


def _overrides_by_charge(
    overrides: tuple[ChargeOverride, ...], offer: RatePlanOffer
) -> dict[str, ChargeOverride]:
    known = {c.id for c in offer.charges}
    by_charge: dict[str, ChargeOverride] = {}
    for override in overrides:
        if override.product_rate_plan_charge_id not in known:
            raise InvalidValue(
                f"Charge override '{override.product_rate_plan_charge_id}' is not a charge of "
                f'rate plan "{offer.plan.name}".',
                resource=Resource.ORDER,
            )
        if override.product_rate_plan_charge_id in by_charge:
            raise InvalidValue(
                f"Charge '{override.product_rate_plan_charge_id}' is overridden twice.",
                resource=Resource.ORDER,
            )
        by_charge[override.product_rate_plan_charge_id] = override
    return by_charge


def _subscribe_charge(
    charge: ProductRatePlanCharge,
    override: ChargeOverride | None,
    *,
    currency: str,
    start: date | None,
    term_end: date | None,
    id: str,
    number: str,
) -> RatePlanCharge:
    price = charge.price_in(currency)
    o = override or ChargeOverride(product_rate_plan_charge_id=charge.id)
    quantity = _quantity(charge, o.quantity)
    if o.list_price is not None and charge.model.has_tiers:
        raise InvalidValue(
            f'Charge "{charge.name}" is {charge.model.value}: override its tiers, not listPrice.',
            resource=Resource.ORDER,
        )
    if o.tiers is not None and not charge.model.has_tiers:
        raise InvalidValue(
            f'Charge "{charge.name}" is {charge.model.value}: it has no tiers to override.',
            resource=Resource.ORDER,
        )
    if o.list_price is not None and o.list_price < 0:
        raise InvalidValue("'listPrice' must not be negative.", resource=Resource.ORDER)
    billing_period = o.billing_period or charge.billing_period
    specific_months = o.specific_billing_period or charge.specific_billing_period
    bill_cycle_day = o.bill_cycle_day if o.bill_cycle_day is not None else charge.bill_cycle_day
    if bill_cycle_day is not None and not 0 <= bill_cycle_day <= 31:
        raise InvalidValue("'billCycleDay' must be between 0 and 31.", resource=Resource.ORDER)
    up_to_periods = o.up_to_periods if o.up_to_periods is not None else charge.up_to_periods
    end_condition = charge.end_date_condition
    if o.specific_end_date is not None:
        end_condition = EndDateCondition.SPECIFIC_END_DATE
    elif o.up_to_periods is not None:
        end_condition = EndDateCondition.FIXED_PERIOD
    return RatePlanCharge(
        id=id,
        number=number,
        product_rate_plan_charge_id=charge.id,
        name=charge.name,
        description=o.description if o.description is not None else charge.description,
        type=charge.type,
        model=charge.model,
        currency=currency,
        price=o.list_price if o.list_price is not None else price.price,
        quantity=quantity,
        tiers=o.tiers if o.tiers is not None else price.tiers,
        uom=charge.uom,
        billing_period=billing_period,
        specific_billing_period=specific_months,
        billing_timing=o.billing_timing or charge.billing_timing,
        bill_cycle_type=o.bill_cycle_type or charge.bill_cycle_type,
        bill_cycle_day=bill_cycle_day,
        list_price_base=charge.list_price_base,
        trigger_event=charge.trigger_event,
        end_date_condition=end_condition,
        up_to_periods=up_to_periods,
        specific_end_date=o.specific_end_date,
        effective_start_date=start,
        effective_end_date=None
        if start is None
        else _charge_end(
            charge.type,
            end_condition,
            start=start,
            term_end=term_end,
            billing_period=billing_period,
            specific_months=specific_months,
            up_to_periods=up_to_periods,
            specific_end_date=o.specific_end_date,
        ),
        discount_percentage=price.discount_percentage,
        discount_amount=price.discount_amount,
    )


def _quantity(charge: ProductRatePlanCharge, wanted: Decimal | None) -> Decimal | None:
    if not charge.model.has_quantity:
        if wanted is not None:
            raise InvalidValue(
                f'Charge "{charge.name}" is {charge.model.value}: it takes no quantity.',
                resource=Resource.ORDER,
            )
        return None
    quantity = wanted if wanted is not None else (charge.default_quantity or Decimal(1))
    if quantity < 0:
        raise InvalidValue("'quantity' must not be negative.", resource=Resource.ORDER)
    return quantity


def _charge_end(
    charge_type: ChargeType,
    condition: EndDateCondition,
    *,
    start: date,
    term_end: date | None,
    billing_period: BillingPeriod | None,
    specific_months: int | None,
    up_to_periods: int | None,
    specific_end_date: date | None,
) -> date | None:
    """The day after the charge's last day of service (None: open-ended)."""
    if charge_type is ChargeType.ONE_TIME or condition is EndDateCondition.ONE_TIME:
        return start + timedelta(days=1)
    end = term_end
    if condition is EndDateCondition.SPECIFIC_END_DATE and specific_end_date is not None:
        end = specific_end_date if end is None else min(end, specific_end_date)
    elif condition is EndDateCondition.FIXED_PERIOD and up_to_periods:
        fixed = _after_periods(start, up_to_periods, billing_period, specific_months)
        end = fixed if end is None else min(end, fixed)
    if end is not None and end < start:
        raise InvalidValue("A charge cannot end before it starts.", resource=Resource.ORDER)
    return end


def _after_periods(
    start: date, periods: int, billing_period: BillingPeriod | None, specific_months: int | None
) -> date:
    if billing_period is BillingPeriod.WEEK:
        return start + timedelta(weeks=periods)
    months = (billing_period.months(specific_months) if billing_period else None) or 1
    return add_months(start, months * periods)


def start_charge(charge: RatePlanCharge, start: date, *, term_end: date | None) -> RatePlanCharge:
    """A pending charge given its trigger date: it starts then, and ends as its end
    condition says (a Pending order activated, ``PUT /v1/orders/{n}/triggerDates``)."""
    return replace(
        charge,
        effective_start_date=start,
        effective_end_date=_charge_end(
            charge.type,
            charge.end_date_condition,
            start=start,
            term_end=term_end,
            billing_period=charge.billing_period,
            specific_months=charge.specific_billing_period,
            up_to_periods=charge.up_to_periods,
            specific_end_date=charge.specific_end_date,
        ),
    )
