"""Order actions on an existing subscription, action by action: the new version's dates,
statuses, charges and segments, and the business-rule failures (codes, not prose).

The subscription under test (builders.create): Basic ($100/month flat, C-00000001) and
Seats (5 × $20/month, C-00000002) from 2027-01-01 for a 12-month term (ends 2028-01-01).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from tests.unit.domain.builders import (
    ACME,
    ACTIVATED,
    BASIC,
    PREMIUM,
    SEATS,
    START,
    TERM_END,
    account,
    apply,
    context,
    create,
    plan,
    segments,
    span,
)
from zorders.domain.catalog import TriggerEvent
from zorders.domain.dates import PeriodType
from zorders.domain.errors import Category, ZuoraError
from zorders.domain.order_actions import (
    AddProduct,
    Amendment,
    CancellationPolicy,
    CancelSubscription,
    ChangePlan,
    ChangePlanPolicy,
    ChargeUpdate,
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
from zorders.domain.subscriptions import (
    RatePlanChange,
    RenewalSetting,
    Subscription,
    SubscriptionStatus,
    Suspension,
    TermLength,
    TermType,
)

D = Decimal
FEE = "C-00000001"  # Basic's charge
SEAT = "C-00000002"  # Seats' charge


def on(day: date) -> TriggerDates:
    return TriggerDates(contract_effective=day)


def months(n: int) -> TermLength:
    return TermLength(period=n, period_type=PeriodType.MONTH)


def seats_ref() -> RatePlanRef:
    return RatePlanRef(product_rate_plan_id=SEATS.plan.id)


def basic_ref() -> RatePlanRef:
    return RatePlanRef(product_rate_plan_number=BASIC.plan.product_rate_plan_number)


def quantity(n: int, day: date | None = None, number: str = SEAT) -> UpdateProduct:
    return UpdateProduct(
        rate_plan=seats_ref(),
        charge_updates=(ChargeUpdate(charge_number=number, quantity=D(n)),),
        trigger_dates=on(day) if day else TriggerDates(),
    )


def suspend_on(day: date) -> Suspend:
    return Suspend(policy=SuspendPolicy.SPECIFIC_DATE, specific_date=day)


def resume_on(day: date, extends: bool = False) -> Resume:
    return Resume(policy=ResumePolicy.SPECIFIC_DATE, specific_date=day, extends_term=extends)


def cancel_on(day: date) -> CancelSubscription:
    return CancelSubscription(policy=CancellationPolicy.SPECIFIC_DATE, effective_date=day)


Check = Callable[[Subscription], None]


def refused(
    sub: Subscription, *actions: Amendment, category: Category, **ctx: object
) -> ZuoraError:
    with pytest.raises(ZuoraError) as caught:
        apply(sub, *actions, ctx=context(**ctx))  # type: ignore[arg-type]
    assert caught.value.category is category, caught.value
    return caught.value


# --- every action: a new version ------------------------------------------------------------


def test_actions_write_the_next_version_and_leave_the_base_alone() -> None:
    base = create()
    new = apply(base, quantity(10, date(2027, 4, 1)), suspend_on(date(2027, 6, 1))).subscription
    assert (new.version, new.id, new.order_number) == (2, "v2", "O-00000002")
    assert new.status is SubscriptionStatus.SUSPENDED
    assert base.version == 1 and base.status is SubscriptionStatus.ACTIVE
    assert len(segments(base, SEAT)) == 1


# --- AddProduct -----------------------------------------------------------------------------


def test_add_product_starts_on_the_contract_effective_date() -> None:
    amended = apply(
        create(), AddProduct(rate_plan=plan(PREMIUM), trigger_dates=on(date(2027, 3, 1)))
    )
    sub = amended.subscription
    added = sub.rate_plans[-1]
    assert added.product_rate_plan_id == PREMIUM.plan.id
    assert added.last_change_type is RatePlanChange.ADD
    assert [span(c) for c in added.charges] == [(date(2027, 3, 1), TERM_END)]
    assert added.charges[0].number == "C-00000001"  # this test's own counter
    assert not amended.pending and sub.status is SubscriptionStatus.ACTIVE


def test_add_product_defaults_to_the_order_date() -> None:
    sub = apply(create(), AddProduct(rate_plan=plan(PREMIUM))).subscription
    assert span(sub.rate_plans[-1].charges[0]) == (date(2027, 2, 1), TERM_END)


@pytest.mark.parametrize(
    ("dates", "start", "pending"),
    [
        (on(date(2027, 3, 1)), None, True),  # no ServiceActivation date: waits
        (
            TriggerDates(contract_effective=date(2027, 3, 1), service_activation=date(2027, 3, 8)),
            date(2027, 3, 8),
            False,
        ),
    ],
    ids=["activation-missing", "activation-given"],
)
def test_add_product_with_a_service_activation_charge(
    dates: TriggerDates, start: date | None, pending: bool
) -> None:
    amended = apply(create(), AddProduct(rate_plan=plan(ACTIVATED), trigger_dates=dates))
    charge = amended.subscription.rate_plans[-1].charges[0]
    assert charge.effective_start_date == start
    assert amended.pending is pending
    # Zuora: a pending AddProduct makes the order Pending, not the subscription.
    assert amended.subscription.status is SubscriptionStatus.ACTIVE


@pytest.mark.parametrize(
    ("action", "category"),
    [
        (
            AddProduct(rate_plan=SubscribeToRatePlan(product_rate_plan_id="nope")),
            Category.INVALID_VALUE,
        ),
        (
            AddProduct(rate_plan=plan(PREMIUM), trigger_dates=on(date(2026, 12, 1))),
            Category.BUSINESS_RULE,
        ),
        (
            AddProduct(rate_plan=plan(PREMIUM), trigger_dates=on(date(2028, 2, 1))),
            Category.BUSINESS_RULE,
        ),
    ],
    ids=["unknown-plan", "before-contract", "after-term-end"],
)
def test_add_product_refusals(action: AddProduct, category: Category) -> None:
    refused(create(), action, category=category)


# --- UpdateProduct --------------------------------------------------------------------------


def test_update_quantity_from_a_date_adds_a_segment() -> None:
    sub = apply(create(), quantity(10, date(2027, 4, 1))).subscription
    first, second = segments(sub, SEAT)
    assert (first.segment, first.quantity, span(first)) == (1, D(5), (START, date(2027, 4, 1)))
    assert (second.segment, second.quantity, span(second)) == (
        2,
        D(10),
        (date(2027, 4, 1), TERM_END),
    )
    assert second.id != first.id and second.original_id == first.id
    seats = next(p for p in sub.rate_plans if p.product_rate_plan_id == SEATS.plan.id)
    assert seats.last_change_type is RatePlanChange.UPDATE


def test_update_on_the_charge_start_replaces_the_segment() -> None:
    sub = apply(create(), quantity(10, START)).subscription
    (only,) = segments(sub, SEAT)
    assert (only.segment, only.quantity, span(only)) == (1, D(10), (START, TERM_END))


def test_successive_updates_chain_segments_with_one_original() -> None:
    sub = apply(
        create(), quantity(10, date(2027, 4, 1)), quantity(15, date(2027, 7, 1))
    ).subscription
    chain = segments(sub, SEAT)
    assert [(c.segment, c.quantity, span(c)) for c in chain] == [
        (1, D(5), (START, date(2027, 4, 1))),
        (2, D(10), (date(2027, 4, 1), date(2027, 7, 1))),
        (3, D(15), (date(2027, 7, 1), TERM_END)),
    ]
    assert {c.original_id for c in chain[1:]} == {chain[0].id}


def test_price_update_at_a_specific_date() -> None:
    update = UpdateProduct(
        rate_plan=basic_ref(),
        charge_updates=(
            ChargeUpdate(
                product_rate_plan_charge_id=BASIC.charges[0].id,
                list_price=D(120),
                specific_date=date(2027, 6, 15),
            ),
        ),
    )
    first, second = segments(apply(create(), update).subscription, FEE)
    assert (first.price, first.effective_end_date) == (D(100), date(2027, 6, 15))
    assert (second.price, second.effective_start_date) == (D(120), date(2027, 6, 15))


@pytest.mark.parametrize(
    ("actions", "category"),
    [
        ((quantity(10, date(2027, 4, 1), number="C-00000099"),), Category.NOT_FOUND),
        (
            (
                UpdateProduct(
                    rate_plan=RatePlanRef(product_rate_plan_id=PREMIUM.plan.id),
                    charge_updates=(ChargeUpdate(charge_number=SEAT, quantity=D(2)),),
                ),
            ),
            Category.NOT_FOUND,
        ),
        (
            (
                UpdateProduct(
                    rate_plan=basic_ref(),
                    charge_updates=(ChargeUpdate(charge_number=FEE, quantity=D(2)),),
                ),
            ),
            Category.INVALID_VALUE,
        ),
        (
            (
                RemoveProduct(rate_plan=seats_ref(), trigger_dates=on(date(2027, 3, 1))),
                quantity(10, date(2027, 5, 1)),
            ),
            Category.BUSINESS_RULE,
        ),
        ((quantity(10, date(2027, 6, 1)), quantity(12, date(2027, 5, 1))), Category.INVALID_VALUE),
        ((UpdateProduct(rate_plan=seats_ref(), charge_updates=()),), Category.INVALID_VALUE),
    ],
    ids=[
        "unknown-charge",
        "plan-not-on-subscription",
        "quantity-on-a-flat-fee",
        "after-removal",
        "before-the-last-segment",
        "no-updates",
    ],
)
def test_update_product_refusals(actions: tuple[Amendment, ...], category: Category) -> None:
    refused(create(), *actions, category=category)


# --- RemoveProduct --------------------------------------------------------------------------


@pytest.mark.parametrize("ref", [seats_ref(), RatePlanRef(product_rate_plan_number="PRP-2")])
def test_remove_product_ends_its_charges(ref: RatePlanRef) -> None:
    sub = apply(
        create(), RemoveProduct(rate_plan=ref, trigger_dates=on(date(2027, 6, 1)))
    ).subscription
    seats = next(p for p in sub.rate_plans if p.product_rate_plan_id == SEATS.plan.id)
    assert seats.last_change_type is RatePlanChange.REMOVE
    assert [span(c) for c in seats.charges] == [(START, date(2027, 6, 1))]
    assert span(segments(sub, FEE)[0]) == (START, TERM_END)  # the other plan stays


def test_remove_by_rate_plan_id_of_the_subscription() -> None:
    base = create()
    rate_plan_id = base.rate_plans[0].id
    sub = apply(base, RemoveProduct(rate_plan=RatePlanRef(rate_plan_id=rate_plan_id))).subscription
    assert span(segments(sub, FEE)[0]) == (START, date(2027, 2, 1))


@pytest.mark.parametrize(
    ("actions", "category"),
    [
        ((RemoveProduct(rate_plan=RatePlanRef(rate_plan_id="nope")),), Category.NOT_FOUND),
        (
            (RemoveProduct(rate_plan=seats_ref()), RemoveProduct(rate_plan=seats_ref())),
            Category.BUSINESS_RULE,
        ),
        (
            (RemoveProduct(rate_plan=seats_ref(), trigger_dates=on(date(2028, 3, 1))),),
            Category.BUSINESS_RULE,
        ),
    ],
    ids=["not-on-subscription", "removed-twice", "after-term-end"],
)
def test_remove_product_refusals(actions: tuple[Amendment, ...], category: Category) -> None:
    refused(create(), *actions, category=category)


# --- ChangePlan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "contract", "switch"),
    [
        (ChangePlanPolicy.EFFECTIVE_IMMEDIATELY, date(2027, 5, 10), date(2027, 5, 10)),
        # Monthly, bill cycle day 1: the period holding May 10 ends May 31.
        (ChangePlanPolicy.END_OF_BILLING_PERIOD, date(2027, 5, 10), date(2027, 6, 1)),
    ],
    ids=["immediately", "end-of-billing-period"],
)
def test_change_plan_swaps_plans_on_one_day(
    policy: ChangePlanPolicy, contract: date, switch: date
) -> None:
    action = ChangePlan(
        rate_plan=basic_ref(), new_plan=plan(PREMIUM), policy=policy, trigger_dates=on(contract)
    )
    sub = apply(create(), action).subscription
    old = sub.rate_plans[0]
    new = sub.rate_plans[-1]
    assert old.last_change_type is RatePlanChange.REMOVE
    assert [span(c) for c in old.charges] == [(START, switch)]
    assert new.product_rate_plan_id == PREMIUM.plan.id
    assert [span(c) for c in new.charges] == [(switch, TERM_END)]


@pytest.mark.parametrize(
    ("action", "category"),
    [
        (ChangePlan(rate_plan=basic_ref(), new_plan=plan(BASIC)), Category.BUSINESS_RULE),
        (
            ChangePlan(rate_plan=RatePlanRef(rate_plan_id="nope"), new_plan=plan(PREMIUM)),
            Category.NOT_FOUND,
        ),
        (
            ChangePlan(
                rate_plan=basic_ref(), new_plan=plan(PREMIUM), policy=ChangePlanPolicy.SPECIFIC_DATE
            ),
            Category.INVALID_VALUE,
        ),
    ],
    ids=["same-plan", "unknown-rate-plan", "specific-date-policy"],
)
def test_change_plan_refusals(action: ChangePlan, category: Category) -> None:
    refused(create(), action, category=category)


# --- TermsAndConditions ---------------------------------------------------------------------


def test_terms_change_only_what_is_given() -> None:
    action = TermsAndConditions(
        auto_renew=True,
        renewal_setting=RenewalSetting.RENEW_TO_EVERGREEN,
        renewal_term=months(6),
        payment_term="Net 30",
    )
    sub = apply(create(), action).subscription
    assert sub.terms.auto_renew is True
    assert sub.terms.renewal_setting is RenewalSetting.RENEW_TO_EVERGREEN
    assert sub.terms.renewal_term == months(6)
    assert sub.terms.initial_term == months(12)
    assert (sub.term_end_date, sub.payment_term) == (TERM_END, "Net 30")


def test_a_longer_initial_term_moves_the_term_end_and_the_charges() -> None:
    action = TermsAndConditions(last_term=LastTerm(term_type=TermType.TERMED, length=months(24)))
    sub = apply(create(), action).subscription
    assert sub.terms.initial_term == months(24)
    assert sub.term_end_date == date(2029, 1, 1)
    assert {c.effective_end_date for c in sub.charges} == {date(2029, 1, 1)}


def test_a_shorter_term_cuts_the_charges() -> None:
    action = TermsAndConditions(last_term=LastTerm(term_type=TermType.TERMED, length=months(6)))
    sub = apply(create(), action).subscription
    assert sub.term_end_date == date(2027, 7, 1)
    assert {c.effective_end_date for c in sub.charges} == {date(2027, 7, 1)}


def test_terms_to_evergreen_open_the_charges() -> None:
    action = TermsAndConditions(last_term=LastTerm(term_type=TermType.EVERGREEN))
    sub = apply(create(), action).subscription
    assert sub.terms.term_type is TermType.EVERGREEN
    assert sub.term_end_date is None and sub.term is None
    assert {c.effective_end_date for c in sub.charges} == {None}


@pytest.mark.parametrize(
    ("action", "category"),
    [
        (TermsAndConditions(last_term=LastTerm(term_type=TermType.TERMED)), Category.MISSING_FIELD),
        (TermsAndConditions(renewal_term=months(0)), Category.INVALID_VALUE),
    ],
    ids=["termed-without-length", "zero-renewal-term"],
)
def test_terms_refusals(action: TermsAndConditions, category: Category) -> None:
    refused(create(), action, category=category)


# --- RenewSubscription ----------------------------------------------------------------------


def test_renewal_adds_a_term_and_extends_open_charges() -> None:
    base = create()
    removed = apply(base, RemoveProduct(rate_plan=seats_ref(), trigger_dates=on(date(2027, 9, 1))))
    sub = apply(removed.subscription, RenewSubscription()).subscription
    assert (sub.term_start_date, sub.term_end_date) == (TERM_END, date(2029, 1, 1))
    assert sub.subscription_start_date == START
    assert sub.term == months(12)
    assert span(segments(sub, FEE)[0]) == (START, date(2029, 1, 1))
    assert span(segments(sub, SEAT)[0]) == (START, date(2027, 9, 1))  # removed: stays


def test_renewal_to_evergreen() -> None:
    sub = apply(create(renewal=RenewalSetting.RENEW_TO_EVERGREEN), RenewSubscription()).subscription
    assert sub.terms.term_type is TermType.EVERGREEN
    assert (sub.term_start_date, sub.term_end_date) == (TERM_END, None)
    assert {c.effective_end_date for c in sub.charges} == {None}


def test_renewing_an_evergreen_subscription_is_refused() -> None:
    refused(create(months=None), RenewSubscription(), category=Category.BUSINESS_RULE)


# --- CancelSubscription ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "billed", "day"),
    [
        (CancelSubscription(policy=CancellationPolicy.END_OF_CURRENT_TERM), {}, TERM_END),
        (cancel_on(date(2027, 7, 15)), {}, date(2027, 7, 15)),
        (
            CancelSubscription(policy=CancellationPolicy.END_OF_LAST_INVOICE_PERIOD),
            {"A-S00000001": {FEE: date(2027, 4, 1), SEAT: date(2027, 3, 1)}},
            date(2027, 4, 1),
        ),
    ],
    ids=["end-of-term", "specific-date", "end-of-last-invoice-period"],
)
def test_cancel_ends_every_charge(
    action: CancelSubscription, billed: dict[str, dict[str, date]], day: date
) -> None:
    sub = apply(create(), action, ctx=context(billed_through=billed)).subscription
    assert sub.status is SubscriptionStatus.CANCELLED
    assert (sub.cancelled_date, sub.subscription_end_date) == (day, day)
    assert sub.term_end_date == TERM_END
    assert {c.effective_end_date for c in sub.charges} == {day}


@pytest.mark.parametrize(
    ("sub", "actions"),
    [
        (create(), (CancelSubscription(policy=CancellationPolicy.END_OF_LAST_INVOICE_PERIOD),)),
        (create(), (cancel_on(date(2028, 2, 1)),)),
        (create(months=None), (CancelSubscription(policy=CancellationPolicy.END_OF_CURRENT_TERM),)),
        (create(), (cancel_on(date(2027, 7, 1)), AddProduct(rate_plan=plan(PREMIUM)))),
        (create(), (cancel_on(date(2027, 7, 1)), cancel_on(date(2027, 6, 1)))),
    ],
    ids=[
        "never-invoiced",
        "after-term-end",
        "evergreen-end-of-term",
        "action-after-cancel",
        "cancelled-twice",
    ],
)
def test_cancel_refusals(sub: Subscription, actions: tuple[Amendment, ...]) -> None:
    refused(sub, *actions, category=Category.BUSINESS_RULE)


# --- Suspend and Resume ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "day"),
    [
        (suspend_on(date(2027, 3, 15)), date(2027, 3, 15)),
        (Suspend(policy=SuspendPolicy.TODAY), date(2027, 2, 10)),
        (
            Suspend(
                policy=SuspendPolicy.FIXED_PERIODS_FROM_TODAY,
                periods=Periods(count=2, unit=PeriodType.WEEK),
            ),
            date(2027, 2, 24),
        ),
    ],
    ids=["specific-date", "today", "two-weeks-from-today"],
)
def test_suspend_opens_a_gap(action: Suspend, day: date) -> None:
    sub = apply(create(), action).subscription
    assert sub.status is SubscriptionStatus.SUSPENDED
    assert sub.suspensions == (Suspension(start=day),)
    assert {c.effective_end_date for c in sub.charges} == {TERM_END}  # charges untouched


@pytest.mark.parametrize(
    ("action", "resumed", "term_end"),
    [
        (resume_on(date(2027, 5, 1)), date(2027, 5, 1), TERM_END),
        # 47 days suspended (Mar 15 → May 1) push the term end from Jan 1 to Feb 17, 2028.
        (resume_on(date(2027, 5, 1), extends=True), date(2027, 5, 1), date(2028, 2, 17)),
        (
            Resume(
                policy=ResumePolicy.FIXED_PERIODS_FROM_SUSPEND_DATE,
                periods=Periods(count=1, unit=PeriodType.MONTH),
            ),
            date(2027, 4, 15),
            TERM_END,
        ),
        (Resume(policy=ResumePolicy.SUSPEND_DATE), date(2027, 3, 15), TERM_END),
        (Resume(policy=ResumePolicy.TODAY), date(2027, 3, 20), TERM_END),
    ],
    ids=["specific-date", "extends-term", "a-month-after-suspend", "suspend-date", "today"],
)
def test_resume_closes_the_gap(action: Resume, resumed: date, term_end: date) -> None:
    suspended = apply(create(), suspend_on(date(2027, 3, 15))).subscription
    sub = apply(suspended, action, ctx=context(today=date(2027, 3, 20))).subscription
    assert sub.status is SubscriptionStatus.ACTIVE
    assert sub.suspensions == (Suspension(start=date(2027, 3, 15), end=resumed),)
    assert sub.term_end_date == term_end
    assert {c.effective_end_date for c in sub.charges} == {term_end}


@pytest.mark.parametrize(
    ("actions", "category"),
    [
        ((suspend_on(date(2027, 3, 1)), suspend_on(date(2027, 4, 1))), Category.BUSINESS_RULE),
        (
            (suspend_on(date(2027, 3, 1)), AddProduct(rate_plan=plan(PREMIUM))),
            Category.BUSINESS_RULE,
        ),
        ((suspend_on(date(2028, 3, 1)),), Category.BUSINESS_RULE),
        ((resume_on(date(2027, 3, 1)),), Category.BUSINESS_RULE),
        ((suspend_on(date(2027, 3, 1)), resume_on(date(2027, 2, 1))), Category.BUSINESS_RULE),
        ((Suspend(policy=SuspendPolicy.END_OF_LAST_INVOICE_PERIOD),), Category.BUSINESS_RULE),
        ((Suspend(policy=SuspendPolicy.SPECIFIC_DATE),), Category.MISSING_FIELD),
    ],
    ids=[
        "suspend-twice",
        "amend-while-suspended",
        "after-term-end",
        "resume-an-active-subscription",
        "resume-before-suspend",
        "never-invoiced",
        "no-date",
    ],
)
def test_suspend_and_resume_refusals(actions: tuple[Amendment, ...], category: Category) -> None:
    refused(create(), *actions, category=category)


def test_a_suspended_subscription_can_be_cancelled() -> None:
    sub = apply(create(), suspend_on(date(2027, 3, 1)), cancel_on(date(2027, 4, 1))).subscription
    assert sub.status is SubscriptionStatus.CANCELLED


# --- OwnerTransfer --------------------------------------------------------------------------


def test_owner_transfer_moves_owner_and_invoice_owner() -> None:
    buyer = account("A00000002")
    payer = account("A00000003")
    accounts = {a.number: a for a in (ACME, buyer, payer)}
    action = OwnerTransfer(
        destination_account_number="A00000002", destination_invoice_account_number="A00000003"
    )
    sub = apply(create(), action, ctx=context(accounts=accounts)).subscription
    assert (sub.account_number, sub.account_id) == ("A00000002", buyer.id)
    assert (sub.invoice_owner_account_number, sub.invoice_owner_account_id) == (
        "A00000003",
        payer.id,
    )


@pytest.mark.parametrize(
    ("action", "category"),
    [
        (OwnerTransfer(destination_account_number="A00000404"), Category.NOT_FOUND),
        (OwnerTransfer(destination_invoice_account_number="A00000009"), Category.BUSINESS_RULE),
        (OwnerTransfer(), Category.MISSING_FIELD),
    ],
    ids=["unknown-account", "other-currency", "no-destination"],
)
def test_owner_transfer_refusals(action: OwnerTransfer, category: Category) -> None:
    accounts = {ACME.number: ACME, "A00000009": account("A00000009", currency="EUR")}
    refused(create(), action, category=category, accounts=accounts)


# --- trigger events -------------------------------------------------------------------------


def test_amendments_fall_back_to_earlier_trigger_dates() -> None:
    # A removal dated by ServiceActivation for a charge triggered by it; without the date,
    # the contract effective date applies (Pending amendments are Limited Availability).
    activated = create(
        ACTIVATED,
        dates=TriggerDates(contract_effective=START, service_activation=date(2027, 1, 5)),
    )
    ref = RatePlanRef(product_rate_plan_id=ACTIVATED.plan.id)
    dated = RemoveProduct(
        rate_plan=ref,
        trigger_dates=TriggerDates(
            contract_effective=date(2027, 5, 1), service_activation=date(2027, 5, 20)
        ),
    )
    assert span(apply(activated, dated).subscription.charges[0])[1] == date(2027, 5, 20)
    undated = RemoveProduct(rate_plan=ref, trigger_dates=on(date(2027, 5, 1)))
    assert span(apply(activated, undated).subscription.charges[0])[1] == date(2027, 5, 1)
    assert activated.charges[0].trigger_event is TriggerEvent.SERVICE_ACTIVATION
