"""Customer accounts: contacts, currency, bill cycle day, balance."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zorders.domain.errors import BusinessRuleViolation, InvalidValue, MissingField, Resource
from zorders.domain.numbering import Numbering, NumberKind


@dataclass(frozen=True, kw_only=True, slots=True)
class Contact:
    first_name: str
    last_name: str
    work_email: str | None = None
    address1: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip_code: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountDraft:
    """What a client asks for when it creates an account (``newAccount``, ``POST /v1/accounts``)."""

    name: str
    currency: str
    bill_cycle_day: int
    bill_to: Contact
    sold_to: Contact | None = None
    account_number: str | None = None
    payment_term: str = "Due Upon Receipt"
    auto_pay: bool = False
    notes: str | None = None
    custom_fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class Account:
    id: str
    number: str
    name: str
    currency: str
    bill_cycle_day: int
    bill_to: Contact
    sold_to: Contact
    bill_to_contact_id: str
    sold_to_contact_id: str
    payment_term: str = "Due Upon Receipt"
    auto_pay: bool = False
    status: str = "Active"
    notes: str | None = None
    balance: Decimal = Decimal(0)
    custom_fields: dict[str, object] = field(default_factory=dict)
    created_at: str = ""


def validate_draft(draft: AccountDraft) -> None:
    """Zuora's rules for a new account (facts §8)."""
    if not draft.name.strip():
        raise MissingField("'name' is required.", resource=Resource.ACCOUNT)
    if len(draft.name) > 255:
        raise InvalidValue("'name' must be at most 255 characters.", resource=Resource.ACCOUNT)
    if not 0 <= draft.bill_cycle_day <= 31:
        raise InvalidValue("'billCycleDay' must be between 0 and 31.", resource=Resource.ACCOUNT)
    if len(draft.currency) != 3 or not draft.currency.isalpha():
        raise InvalidValue(
            f"'currency' {draft.currency!r} is not a valid currency.", resource=Resource.ACCOUNT
        )
    if draft.account_number is not None and len(draft.account_number) > 70:
        raise InvalidValue(
            "'accountNumber' must be at most 70 characters.", resource=Resource.ACCOUNT
        )


def new_account(
    draft: AccountDraft, taken_numbers: frozenset[str], numbering: Numbering, created_at: str
) -> Account:
    """An account from a client's draft; the number is the client's or the next in sequence."""
    validate_draft(draft)
    if draft.account_number is not None and draft.account_number in taken_numbers:
        raise BusinessRuleViolation(
            f"The account number {draft.account_number} is already in use.",
            resource=Resource.ACCOUNT,
        )
    return Account(
        id=numbering.new_id(),
        number=draft.account_number or numbering.next_number(NumberKind.ACCOUNT),
        name=draft.name,
        currency=draft.currency.upper(),
        bill_cycle_day=draft.bill_cycle_day,
        bill_to=draft.bill_to,
        sold_to=draft.sold_to or draft.bill_to,
        bill_to_contact_id=numbering.new_id(),
        sold_to_contact_id=numbering.new_id(),
        payment_term=draft.payment_term,
        auto_pay=draft.auto_pay,
        notes=draft.notes,
        custom_fields=draft.custom_fields,
        created_at=created_at,
    )
