"""Parsed request bodies → domain commands (``OrderRequest``, ``AccountDraft``)."""

from __future__ import annotations

from dataclasses import replace

from zorders.domain.accounts import AccountDraft, Contact
from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    ChargeType,
    PriceFormat,
    Tier,
)
from zorders.domain.dates import PeriodType
from zorders.domain.errors import InvalidValue, Resource, not_supported
from zorders.domain.order_actions import (
    ChargeOverride,
    CreateSubscription,
    OrderCategory,
    OrderRequest,
    PreviewAccount,
    PreviewOptions,
    PreviewThruType,
    PreviewType,
    ProcessingOptions,
    SubscribeToRatePlan,
    SubscriptionChange,
    TriggerDates,
    UnsupportedAction,
)
from zorders.domain.subscriptions import RenewalSetting, TermLength, Terms, TermType
from zorders.http.wire import models as m


def contact(body: m.ContactBody) -> Contact:
    return Contact(
        first_name=body.first_name,
        last_name=body.last_name,
        work_email=body.work_email,
        address1=body.address1,
        city=body.city,
        state=body.state,
        country=body.country,
        zip_code=body.zip_code,
    )


def account_draft(body: m.AccountBody) -> AccountDraft:
    return AccountDraft(
        name=body.name,
        currency=body.currency,
        bill_cycle_day=body.bill_cycle_day,
        bill_to=contact(body.bill_to_contact),
        sold_to=contact(body.sold_to_contact) if body.sold_to_contact else None,
        account_number=body.account_number,
        payment_term=body.payment_term,
        auto_pay=body.auto_pay,
        notes=body.notes,
        custom_fields=body.custom_fields,
    )


def create_order_request(body: m.CreateOrderBody, *, return_ids: bool) -> OrderRequest:
    processing = body.processing_options
    return replace(
        _common(body),
        new_account=account_draft(body.new_account) if body.new_account else None,
        processing=ProcessingOptions(
            run_billing=processing.run_billing,
            collect_payment=processing.collect_payment,
            target_date=processing.billing_options.target_date
            if processing.billing_options
            else None,
        )
        if processing
        else ProcessingOptions(),
        return_ids=return_ids,
    )


def preview_order_request(body: m.PreviewOrderBody) -> OrderRequest:
    options = body.preview_options
    info = body.preview_account_info
    excluded = [ChargeType(t) for t in options.charge_type_to_exclude if t != "Others"]
    return replace(
        _common(body),
        preview=PreviewOptions(
            thru_type=PreviewThruType(options.preview_thru_type),
            preview_types=tuple(PreviewType(t) for t in options.preview_types),
            specific_thru_date=options.specific_preview_thru_date,
            number_of_periods=options.preview_number_of_periods,
            charge_types_to_exclude=tuple(excluded),
        ),
        preview_account=PreviewAccount(currency=info.currency, bill_cycle_day=info.bill_cycle_day)
        if info
        else None,
    )


def _common(body: m.OrderBody) -> OrderRequest:
    return OrderRequest(
        order_date=body.order_date,
        subscriptions=tuple(_subscription(s) for s in body.subscriptions),
        existing_account_number=body.existing_account_number,
        order_number=body.order_number,
        category=OrderCategory(body.category),
        description=body.description,
        reason_code=body.reason_code,
        custom_fields=body.custom_fields,
    )


def _subscription(body: m.SubscriptionBody) -> SubscriptionChange:
    return SubscriptionChange(
        subscription_number=body.subscription_number,
        actions=tuple(_action(a) for a in body.order_actions),
        notes=body.notes,
    )


def _trigger_dates(items: list[m.TriggerDateBody]) -> TriggerDates:
    by_name = {item.name: item.trigger_date for item in items}
    return TriggerDates(
        contract_effective=by_name.get("ContractEffective"),
        service_activation=by_name.get("ServiceActivation"),
        customer_acceptance=by_name.get("CustomerAcceptance"),
    )


def _action(body: m.OrderActionBody) -> CreateSubscription | UnsupportedAction:
    echo = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    common = {
        "trigger_dates": _trigger_dates(body.trigger_dates),
        "change_reason": body.change_reason,
        "echo": echo,
    }
    if body.type != "CreateSubscription":
        return UnsupportedAction(action_type=body.type, **common)  # type: ignore[arg-type]
    payload = body.create_subscription
    if payload is None:
        raise InvalidValue(
            "'createSubscription' is required for a CreateSubscription action.",
            resource=Resource.ORDER,
        )
    return CreateSubscription(
        terms=_terms(payload.terms),
        rate_plans=tuple(_rate_plan(p) for p in payload.subscribe_to_rate_plans),
        subscription_number=payload.subscription_number,
        owner_account_number=payload.subscription_owner_account_number,
        invoice_owner_account_number=payload.invoice_owner_account_number,
        invoice_separately=payload.invoice_separately,
        notes=payload.notes,
        **common,  # type: ignore[arg-type]
    )


def _terms(body: m.TermsBody) -> Terms:
    initial = body.initial_term
    if initial.start_date is not None or initial.end_date is not None:
        raise not_supported(
            "'initialTerm.startDate' / 'endDate' (the term starts on the contract effective date)"
        )
    renewal = body.renewal_terms[0] if body.renewal_terms else None
    return Terms(
        term_type=TermType(initial.term_type),
        initial_term=TermLength(period=initial.period, period_type=PeriodType(initial.period_type))
        if initial.period is not None
        else None,
        renewal_setting=RenewalSetting(body.renewal_setting),
        renewal_term=TermLength(period=renewal.period, period_type=PeriodType(renewal.period_type))
        if renewal
        else None,
        auto_renew=body.auto_renew,
    )


def _rate_plan(body: m.RatePlanBody) -> SubscribeToRatePlan:
    return SubscribeToRatePlan(
        product_rate_plan_id=body.product_rate_plan_id,
        product_rate_plan_number=body.product_rate_plan_number,
        charge_overrides=tuple(_override(o) for o in body.charge_overrides),
        unique_token=body.unique_token,
    )


def _override(body: m.ChargeOverrideBody) -> ChargeOverride:
    price = _one_price(body.pricing)
    billing = body.billing or m.BillingOverrideBody()
    end = body.end_date or m.EndDateBody()
    return ChargeOverride(
        product_rate_plan_charge_id=body.product_rate_plan_charge_id,
        quantity=price.quantity if price else None,
        list_price=price.list_price if price else None,
        tiers=tuple(_tier(t) for t in price.tiers) if price and price.tiers is not None else None,
        description=body.description,
        bill_cycle_day=billing.bill_cycle_day,
        bill_cycle_type=BillCycleType(billing.bill_cycle_type) if billing.bill_cycle_type else None,
        billing_period=BillingPeriod(billing.billing_period) if billing.billing_period else None,
        specific_billing_period=billing.specific_billing_period,
        billing_timing=BillingTiming(billing.billing_timing) if billing.billing_timing else None,
        up_to_periods=end.up_to_periods if end.end_date_condition == "Fixed_Period" else None,
        specific_end_date=end.specific_end_date
        if end.end_date_condition == "Specific_End_Date"
        else None,
    )


def _one_price(body: m.PricingOverrideBody | None) -> m.PriceOverrideBody | None:
    if body is None:
        return None
    given = [v for v in body.__dict__.values() if v is not None]
    if len(given) > 1:
        raise InvalidValue("'pricing' takes exactly one charge-model key.", resource=Resource.ORDER)
    return given[0] if given else None


def _tier(body: m.TierBody) -> Tier:
    return Tier(
        tier=body.tier,
        starting_unit=body.starting_unit,
        ending_unit=body.ending_unit,
        price=body.price,
        price_format=PriceFormat(body.price_format),
    )
