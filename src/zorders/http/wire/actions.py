"""Parsed order actions (``orderActions[]``) → one domain action class each."""

from __future__ import annotations

from typing import Any

from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    PriceFormat,
    Tier,
    TriggerEvent,
)
from zorders.domain.dates import PeriodType
from zorders.domain.errors import InvalidValue, MissingField, Resource, not_supported
from zorders.domain.order_actions import (
    Action,
    AddProduct,
    CancellationPolicy,
    CancelSubscription,
    ChangePlan,
    ChangePlanPolicy,
    ChargeOverride,
    ChargeUpdate,
    CreateSubscription,
    LastTerm,
    OwnerTransfer,
    Periods,
    RatePlanRef,
    RemoveProduct,
    RenewSubscription,
    Resume,
    ResumePolicy,
    SubscribeToRatePlan,
    Suspend,
    SuspendPolicy,
    TermsAndConditions,
    TriggerDates,
    UpdateProduct,
)
from zorders.domain.subscriptions import RenewalSetting, TermLength, Terms, TermType
from zorders.http.wire import action_models as m

#: ``type`` → the payload key Zuora names after it (facts §4).
PAYLOAD_KEYS = {
    "CreateSubscription": "create_subscription",
    "AddProduct": "add_product",
    "UpdateProduct": "update_product",
    "RemoveProduct": "remove_product",
    "ChangePlan": "change_plan",
    "TermsAndConditions": "terms_and_conditions",
    "RenewSubscription": "renew_subscription",
    "CancelSubscription": "cancel_subscription",
    "Suspend": "suspend",
    "Resume": "resume",
    "OwnerTransfer": "owner_transfer",
}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _missing(field: str, why: str) -> MissingField:
    return MissingField(f"'{field}' is required {why}.", resource=Resource.ORDER)


def action(body: m.OrderActionBody) -> Action:
    """The domain action of one ``orderActions[]`` entry; refuses at once (no job) what is
    malformed: a missing payload, another action's payload, a policy without its date."""
    wanted = PAYLOAD_KEYS[body.type]
    for key in PAYLOAD_KEYS.values():
        if key != wanted and getattr(body, key) is not None:
            raise InvalidValue(
                f"'{_camel(key)}' does not go with a {body.type} action.", resource=Resource.ORDER
            )
    payload = getattr(body, wanted)
    if payload is None and body.type != "RenewSubscription":
        raise _missing(_camel(wanted), f"for a {body.type} action")
    if isinstance(payload, m.ClearingFlagsBody):
        _check_clearing(payload, wanted)
    common: dict[str, Any] = {
        "trigger_dates": _trigger_dates(body.trigger_dates),
        "change_reason": body.change_reason,
        "echo": body.model_dump(mode="json", by_alias=True, exclude_none=True),
    }
    if isinstance(payload, m.CreateSubscriptionBody):
        return _create_subscription(payload, common)
    if isinstance(payload, m.RatePlanBody):
        return AddProduct(rate_plan=rate_plan(payload), **common)
    if isinstance(payload, m.UpdateProductBody):
        return UpdateProduct(
            rate_plan=_plan_key(payload),
            charge_updates=tuple(_charge_update(u) for u in payload.charge_updates),
            **common,
        )
    if isinstance(payload, m.RemoveProductBody):
        return RemoveProduct(rate_plan=_plan_key(payload), **common)
    if isinstance(payload, m.ChangePlanBody):
        return ChangePlan(
            rate_plan=_plan_key(payload),
            new_plan=rate_plan(payload.new_product_rate_plan),
            policy=ChangePlanPolicy(payload.effective_policy or "EffectiveImmediately"),
            sub_type=payload.sub_type,
            reset_bcd=payload.reset_bcd,
            **common,
        )
    if isinstance(payload, m.TermsAndConditionsBody):
        return _terms_and_conditions(payload, common)
    if isinstance(payload, m.CancelSubscriptionBody):
        if (
            payload.cancellation_policy == "SpecificDate"
            and not payload.cancellation_effective_date
        ):
            raise _missing("cancellationEffectiveDate", "when 'cancellationPolicy' is SpecificDate")
        return CancelSubscription(
            policy=CancellationPolicy(payload.cancellation_policy),
            effective_date=payload.cancellation_effective_date,
            **common,
        )
    if isinstance(payload, m.SuspendBody):
        return _suspend(payload, common)
    if isinstance(payload, m.ResumeBody):
        return _resume(payload, common)
    if isinstance(payload, m.OwnerTransferBody):
        if not (payload.destination_account_number or payload.destination_invoice_account_number):
            raise _missing(
                "destinationAccountNumber' or 'destinationInvoiceAccountNumber",
                "for an OwnerTransfer action",
            )
        return OwnerTransfer(
            destination_account_number=payload.destination_account_number,
            destination_invoice_account_number=payload.destination_invoice_account_number,
            **common,
        )
    return RenewSubscription(**common)


def _check_clearing(payload: m.ClearingFlagsBody, key: str) -> None:
    """``false`` (what the SDK sends) is a no-op; clearing the payment term is supported on
    TermsAndConditions; clearing anything else would clear what zorders does not keep."""
    for name, value in payload.__dict__.items():
        if not name.startswith("clearing_existing_") or not value:
            continue
        if name == "clearing_existing_payment_term" and key == "terms_and_conditions":
            continue
        raise not_supported(f"'{_camel(key)}.{_camel(name)}': true")


def _trigger_dates(items: list[m.TriggerDateBody]) -> TriggerDates:
    by_name = {item.name: item.trigger_date for item in items}
    return TriggerDates(
        contract_effective=by_name.get("ContractEffective"),
        service_activation=by_name.get("ServiceActivation"),
        customer_acceptance=by_name.get("CustomerAcceptance"),
    )


def _create_subscription(
    payload: m.CreateSubscriptionBody, common: dict[str, Any]
) -> CreateSubscription:
    return CreateSubscription(
        terms=_terms(payload.terms),
        rate_plans=tuple(rate_plan(p) for p in payload.subscribe_to_rate_plans),
        subscription_number=payload.subscription_number,
        owner_account_number=payload.subscription_owner_account_number,
        invoice_owner_account_number=payload.invoice_owner_account_number,
        invoice_separately=payload.invoice_separately,
        notes=payload.notes,
        **common,
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
        renewal_term=_term_length(renewal),
        auto_renew=body.auto_renew,
    )


def _term_length(body: m.RenewalTermBody | None) -> TermLength | None:
    if body is None:
        return None
    return TermLength(period=body.period, period_type=PeriodType(body.period_type))


def _terms_and_conditions(
    payload: m.TermsAndConditionsBody, common: dict[str, Any]
) -> TermsAndConditions:
    last = payload.last_term
    if last is not None and (last.start_date is not None or last.end_date is not None):
        raise not_supported(
            "'lastTerm.startDate' / 'endDate' (the current term keeps its start; give its length)"
        )
    return TermsAndConditions(
        auto_renew=payload.auto_renew,
        renewal_setting=RenewalSetting(payload.renewal_setting)
        if payload.renewal_setting
        else None,
        renewal_term=_term_length(payload.renewal_terms[0]) if payload.renewal_terms else None,
        last_term=LastTerm(
            term_type=TermType(last.term_type),
            length=TermLength(period=last.period, period_type=PeriodType(last.period_type))
            if last.period is not None
            else None,
        )
        if last is not None
        else None,
        invoice_separately=payload.invoice_separately,
        payment_term=payload.payment_term,
        clear_payment_term=payload.clearing_existing_payment_term,
        **common,
    )


def _periods(count: int | None, unit: str | None, field: str, policy: str) -> Periods | None:
    if "FixedPeriods" not in policy:
        return None
    if count is None or unit is None:
        raise _missing(f"{field}Periods' and '{field}PeriodsType", f"for {policy}")
    return Periods(count=count, unit=PeriodType(unit))


def _suspend(payload: m.SuspendBody, common: dict[str, Any]) -> Suspend:
    policy = payload.suspend_policy
    if policy == "SpecificDate" and payload.suspend_specific_date is None:
        raise _missing("suspendSpecificDate", "when 'suspendPolicy' is SpecificDate")
    return Suspend(
        policy=SuspendPolicy(policy),
        periods=_periods(payload.suspend_periods, payload.suspend_periods_type, "suspend", policy),
        specific_date=payload.suspend_specific_date,
        **common,
    )


def _resume(payload: m.ResumeBody, common: dict[str, Any]) -> Resume:
    policy = payload.resume_policy
    if policy == "SpecificDate" and payload.resume_specific_date is None:
        raise _missing("resumeSpecificDate", "when 'resumePolicy' is SpecificDate")
    return Resume(
        policy=ResumePolicy(policy),
        periods=_periods(payload.resume_periods, payload.resume_periods_type, "resume", policy),
        specific_date=payload.resume_specific_date,
        extends_term=payload.extends_term,
        **common,
    )


def _plan_key(body: m.RatePlanKeyBody) -> RatePlanRef:
    if body.subscription_rate_plan_number is not None:
        raise not_supported(
            "'subscriptionRatePlanNumber' (name the rate plan by 'ratePlanId', "
            "'productRatePlanId', 'productRatePlanNumber' or 'uniqueToken')"
        )
    ref = RatePlanRef(
        rate_plan_id=body.rate_plan_id,
        product_rate_plan_id=body.product_rate_plan_id,
        product_rate_plan_number=body.product_rate_plan_number,
        unique_token=body.unique_token,
    )
    if ref == RatePlanRef():
        raise _missing(
            "ratePlanId' (or 'productRatePlanId', 'productRatePlanNumber', 'uniqueToken'",
            "to name the rate plan",
        )
    return ref


def rate_plan(body: m.RatePlanBody) -> SubscribeToRatePlan:
    return SubscribeToRatePlan(
        product_rate_plan_id=body.product_rate_plan_id,
        product_rate_plan_number=body.product_rate_plan_number,
        charge_overrides=tuple(_override(o) for o in body.charge_overrides),
        unique_token=body.unique_token,
    )


def _charge_update(body: m.ChargeUpdateBody) -> ChargeUpdate:
    price = _one_key(body.pricing)
    when = body.effective_date
    if when is not None and when.trigger_event == "SpecificDate" and not when.specific_trigger_date:
        raise _missing(
            "chargeUpdates[].effectiveDate.specificTriggerDate",
            "when 'triggerEvent' is SpecificDate",
        )
    return ChargeUpdate(
        charge_number=body.charge_number,
        product_rate_plan_charge_id=body.product_rate_plan_charge_id,
        quantity=price.quantity if price else None,
        list_price=price.list_price if price else None,
        tiers=tuple(_tier(t) for t in price.tiers) if price and price.tiers is not None else None,
        description=body.description,
        trigger_event=TriggerEvent(when.trigger_event)
        if when is not None and when.trigger_event != "SpecificDate"
        else None,
        specific_date=when.specific_trigger_date
        if when is not None and when.trigger_event == "SpecificDate"
        else None,
    )


def _override(body: m.ChargeOverrideBody) -> ChargeOverride:
    price = _one_key(body.pricing)
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


def _one_key(
    body: m.PricingOverrideBody | m.PricingUpdateBody | None,
) -> m.PriceOverrideBody | m.PriceUpdateBody | None:
    """Zuora's ``pricing`` holds exactly one charge-model key."""
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
