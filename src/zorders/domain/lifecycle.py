"""Terms, renewal, cancellation, suspension and owner transfer of a subscription version."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from zorders.domain.amending import (
    AmendContext,
    Amended,
    check_in_term,
    end_charge,
    last_invoice_period_end,
    retime_term_end,
)
from zorders.domain.dates import add_period
from zorders.domain.errors import (
    BusinessRuleViolation,
    InvalidValue,
    MissingField,
    NotFound,
    Resource,
)
from zorders.domain.order_actions import (
    CancellationPolicy,
    CancelSubscription,
    OwnerTransfer,
    Periods,
    RenewSubscription,
    Resume,
    ResumePolicy,
    Suspend,
    SuspendPolicy,
    TermsAndConditions,
)
from zorders.domain.subscriptions import (
    RenewalSetting,
    Subscription,
    SubscriptionStatus,
    Suspension,
    TermLength,
    TermType,
)


def _positive(term: TermLength, field: str) -> TermLength:
    if term.period <= 0:
        raise InvalidValue(f"'{field}.period' must be positive.", resource=Resource.SUBSCRIPTION)
    return term


def terms_and_conditions(
    sub: Subscription, action: TermsAndConditions, _ctx: AmendContext
) -> Amended:
    """Only what the action gives changes; a new current-term length moves the term end,
    and the charges that run to it move with it."""
    terms = sub.terms
    if action.auto_renew is not None:
        terms = replace(terms, auto_renew=action.auto_renew)
    if action.renewal_setting is not None:
        terms = replace(terms, renewal_setting=action.renewal_setting)
    if action.renewal_term is not None:
        terms = replace(terms, renewal_term=_positive(action.renewal_term, "renewalTerms[0]"))
    changed = replace(
        sub,
        terms=terms,
        invoice_separately=sub.invoice_separately
        if action.invoice_separately is None
        else action.invoice_separately,
        payment_term=_payment_term(sub, action),
    )
    last = action.last_term
    if last is None:
        return Amended(subscription=changed)
    old_end = sub.term_end_date
    if last.term_type is TermType.EVERGREEN:
        changed = replace(
            changed,
            terms=replace(changed.terms, term_type=TermType.EVERGREEN),
            term_end_date=None,
            current_term=None,
        )
        return Amended(subscription=retime_term_end(changed, old_end, None))
    if last.length is None:
        raise MissingField(
            "'lastTerm.period' is required for a TERMED term.", resource=Resource.SUBSCRIPTION
        )
    length = _positive(last.length, "lastTerm")
    new_end = length.end_from(sub.term_start_date)
    renewed = sub.current_term is not None
    terms = replace(
        changed.terms,
        term_type=TermType.TERMED,
        # Before any renewal the current term is the initial term (Zuora's lastTerm).
        initial_term=changed.terms.initial_term if renewed else length,
        renewal_term=changed.terms.renewal_term or length,
    )
    changed = replace(
        changed,
        terms=terms,
        current_term=length if renewed else None,
        term_end_date=new_end,
    )
    return Amended(subscription=retime_term_end(changed, old_end, new_end))


def _payment_term(sub: Subscription, action: TermsAndConditions) -> str | None:
    if action.clear_payment_term and action.payment_term is not None:
        raise InvalidValue(
            "'paymentTerm' and 'clearingExistingPaymentTerm' exclude each other.",
            resource=Resource.ORDER,
        )
    if action.clear_payment_term:
        return None
    return action.payment_term if action.payment_term is not None else sub.payment_term


def renew(sub: Subscription, _action: RenewSubscription, _ctx: AmendContext) -> Amended:
    """The next term starts at the current term's end (whenever the order is placed: Zuora
    allows early renewals); RENEW_TO_EVERGREEN makes the subscription evergreen."""
    old_end = sub.term_end_date
    if sub.terms.term_type is TermType.EVERGREEN or old_end is None:
        raise BusinessRuleViolation(
            f"Subscription {sub.number} is EVERGREEN: it has no term to renew.",
            resource=Resource.SUBSCRIPTION,
        )
    if sub.terms.renewal_setting is RenewalSetting.RENEW_TO_EVERGREEN:
        changed = replace(
            sub,
            terms=replace(sub.terms, term_type=TermType.EVERGREEN),
            term_start_date=old_end,
            term_end_date=None,
            current_term=None,
        )
        return Amended(subscription=retime_term_end(changed, old_end, None))
    renewal = sub.terms.renewal_term or sub.terms.initial_term
    assert renewal is not None  # a TERMED subscription always has its terms
    new_end = renewal.end_from(old_end)
    changed = replace(sub, term_start_date=old_end, term_end_date=new_end, current_term=renewal)
    return Amended(subscription=retime_term_end(changed, old_end, new_end))


def cancel(sub: Subscription, action: CancelSubscription, ctx: AmendContext) -> Amended:
    """Every charge ends by the cancellation date.

    zorders' choice: the status is Cancelled as soon as the order applies, also for a
    future date; ``cancelled_date`` (``subscriptionEndDate``) says when service ends.
    """
    if action.policy is CancellationPolicy.END_OF_CURRENT_TERM:
        if sub.term_end_date is None:
            raise BusinessRuleViolation(
                f"Subscription {sub.number} is EVERGREEN: it has no current term end; cancel "
                "it with SpecificDate.",
                resource=Resource.SUBSCRIPTION,
            )
        day = sub.term_end_date
    elif action.policy is CancellationPolicy.SPECIFIC_DATE:
        if action.effective_date is None:
            raise MissingField(
                "'cancellationEffectiveDate' is required when 'cancellationPolicy' is "
                "SpecificDate.",
                resource=Resource.ORDER,
            )
        day = action.effective_date
    else:
        day = last_invoice_period_end(sub, ctx)
    check_in_term(sub, day, "The cancellation effective date")
    plans = tuple(
        replace(plan, charges=tuple(end_charge(c, day) for c in plan.charges))
        for plan in sub.rate_plans
    )
    return Amended(
        subscription=replace(
            sub, rate_plans=plans, status=SubscriptionStatus.CANCELLED, cancelled_date=day
        )
    )


def _after(start: date, periods: Periods | None, field: str) -> date:
    if periods is None:
        raise MissingField(
            f"'{field}Periods' and '{field}PeriodsType' are required for this policy.",
            resource=Resource.ORDER,
        )
    if periods.count < 0:
        raise InvalidValue(f"'{field}Periods' must not be negative.", resource=Resource.ORDER)
    return add_period(start, periods.count, periods.unit)


def suspend(sub: Subscription, action: Suspend, ctx: AmendContext) -> Amended:
    """From the suspend date, nothing is billed until a Resume (billing skips the gap)."""
    if sub.status is not SubscriptionStatus.ACTIVE:
        raise BusinessRuleViolation(
            f"Only an Active subscription can be suspended; {sub.number} is {sub.status.value}.",
            resource=Resource.SUBSCRIPTION,
        )
    if action.policy is SuspendPolicy.TODAY:
        day = ctx.today
    elif action.policy is SuspendPolicy.FIXED_PERIODS_FROM_TODAY:
        day = _after(ctx.today, action.periods, "suspend")
    elif action.policy is SuspendPolicy.SPECIFIC_DATE:
        if action.specific_date is None:
            raise MissingField(
                "'suspendSpecificDate' is required when 'suspendPolicy' is SpecificDate.",
                resource=Resource.ORDER,
            )
        day = action.specific_date
    else:
        day = last_invoice_period_end(sub, ctx)
    # SDK ``suspendSpecificDate``: not before the contract effective date nor after the
    # term end date.
    check_in_term(sub, day, "The suspend date")
    return Amended(
        subscription=replace(
            sub,
            status=SubscriptionStatus.SUSPENDED,
            suspensions=(*sub.suspensions, Suspension(start=day)),
        )
    )


def resume(sub: Subscription, action: Resume, ctx: AmendContext) -> Amended:
    """Billing starts again on the resume date (a prorated partial period first);
    ``extendsTerm`` pushes the term end out by the days the suspension lasted."""
    if sub.status is not SubscriptionStatus.SUSPENDED or not sub.suspensions:
        raise BusinessRuleViolation(
            f"Subscription {sub.number} is {sub.status.value}, not Suspended: there is "
            "nothing to resume.",
            resource=Resource.SUBSCRIPTION,
        )
    suspended_on = sub.suspensions[-1].start
    if action.policy is ResumePolicy.TODAY:
        day = ctx.today
    elif action.policy is ResumePolicy.FIXED_PERIODS_FROM_SUSPEND_DATE:
        day = _after(suspended_on, action.periods, "resume")
    elif action.policy is ResumePolicy.FIXED_PERIODS_FROM_TODAY:
        day = _after(ctx.today, action.periods, "resume")
    elif action.policy is ResumePolicy.SPECIFIC_DATE:
        if action.specific_date is None:
            raise MissingField(
                "'resumeSpecificDate' is required when 'resumePolicy' is SpecificDate.",
                resource=Resource.ORDER,
            )
        day = action.specific_date
    else:
        day = suspended_on
    if day < suspended_on:
        raise BusinessRuleViolation(
            f"The resume date ({day.isoformat()}) cannot be before the suspend date "
            f"({suspended_on.isoformat()}).",
            resource=Resource.SUBSCRIPTION,
        )
    changed = replace(
        sub,
        status=SubscriptionStatus.ACTIVE,
        suspensions=(*sub.suspensions[:-1], Suspension(start=suspended_on, end=day)),
    )
    old_end = sub.term_end_date
    if action.extends_term and old_end is not None:
        new_end = old_end + (day - suspended_on)
        changed = retime_term_end(replace(changed, term_end_date=new_end), old_end, new_end)
    return Amended(subscription=changed)


def transfer_owner(sub: Subscription, action: OwnerTransfer, ctx: AmendContext) -> Amended:
    """A new subscription owner and/or invoice owner; both accounts must exist."""
    if action.destination_account_number is None and (
        action.destination_invoice_account_number is None
    ):
        raise MissingField(
            "'destinationAccountNumber' or 'destinationInvoiceAccountNumber' is required.",
            resource=Resource.ORDER,
        )
    changed = sub
    if action.destination_account_number is not None:
        owner = ctx.accounts.get(action.destination_account_number)
        if owner is None:
            raise NotFound(
                f"Account {action.destination_account_number} does not exist.",
                resource=Resource.ACCOUNT,
            )
        changed = replace(changed, account_id=owner.id, account_number=owner.number)
    if action.destination_invoice_account_number is not None:
        payer = ctx.accounts.get(action.destination_invoice_account_number)
        if payer is None:
            raise NotFound(
                f"Account {action.destination_invoice_account_number} does not exist.",
                resource=Resource.ACCOUNT,
            )
        if payer.currency != sub.currency:
            raise BusinessRuleViolation(
                f"The invoice owner account {payer.number} bills in {payer.currency}; "
                f"subscription {sub.number} is in {sub.currency}.",
                resource=Resource.SUBSCRIPTION,
            )
        changed = replace(
            changed, invoice_owner_account_id=payer.id, invoice_owner_account_number=payer.number
        )
    return Amended(subscription=changed)
