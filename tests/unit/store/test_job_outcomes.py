"""A create-order job's poll renders the store's document as read (``JobOutcome.order``),
the sync ``POST /v1/orders`` the dataclass's fields (``create_order_fields``): the two must
be the same data, so every result answers alike both ways, in every ``Zuora-Version``."""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from typing import Any, NotRequired

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support import untagged
from zorders.http.versions import parse_version
from zorders.http.wire.results_json import create_result_json, job_json
from zorders.service.jobs import JobKind, JobOutcome, JobStatus
from zorders.service.results import (
    CreateOrderFields,
    CreateOrderResult,
    LineItemFields,
    LineItemOutcome,
    PreviewOrderResult,
    SubscriptionFields,
    SubscriptionOutcome,
    create_order_fields,
)
from zorders.store.codec import dumps
from zorders.store.jobs import outcome_from_row
from zorders.types import JobId

PROPERTY = settings(max_examples=150, deadline=None, database=None)
#: Before and after 223.0, where subscriptions became objects (facts §4).
VERSIONS = [parse_version(v) for v in ("207.0", "222.0", "223.0", "2025-08-12")]

_text = st.text(min_size=1, max_size=12)
_subscription = st.builds(
    SubscriptionOutcome,
    number=_text,
    id=_text,
    status=st.sampled_from(["Active", "Pending Activation"]),
    owner_account_id=_text,
    owner_account_number=_text,
)
_amount = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
_results = st.builds(
    CreateOrderResult,
    order_number=_text,
    order_id=_text,
    account_number=_text,
    account_id=_text,
    status=st.sampled_from(["Completed", "Pending"]),
    subscriptions=st.lists(_subscription, max_size=4).map(tuple),
    return_ids=st.booleans(),
    invoice_numbers=st.lists(_text, max_size=3).map(tuple),
    invoice_ids=st.lists(_text, max_size=3).map(tuple),
    payment_number=st.none() | _text,
    payment_id=st.none() | _text,
    paid_amount=st.none() | _amount,
    payment_status=st.none() | st.just("Processed"),
    order_line_items=st.lists(
        st.builds(LineItemOutcome, id=_text, item_number=_text), max_size=3
    ).map(tuple),
)


def _polled(stored: str) -> JobOutcome:
    return outcome_from_row(JobId("j1"), JobKind.CREATE_ORDER.value, "completed", None, stored)


@PROPERTY
@given(_results)
def test_the_stored_document_is_the_results_fields(result: CreateOrderResult) -> None:
    polled = _polled(dumps(result))
    assert polled.order is not None and polled.preview is None
    assert untagged(polled.order) == create_order_fields(result)


@PROPERTY
@given(_results)
def test_a_polled_order_answers_as_the_sync_endpoint_does(result: CreateOrderResult) -> None:
    polled = _polled(dumps(result))
    for version in VERSIONS:
        sync = create_result_json(create_order_fields(result), version)
        assert job_json(polled, version) == {
            "status": "Completed",
            "errors": None,
            "result": {**sync, "jobType": "AsyncCreateOrder"},
            "success": True,
        }
        # Byte for byte, key order included.
        assert orjson.dumps(job_json(polled, version)["result"]) == orjson.dumps(
            {**sync, "jobType": "AsyncCreateOrder"}
        )


def test_the_fields_name_every_field_and_only_defaulted_ones_may_be_missing() -> None:
    for fields, cls in (
        (CreateOrderFields, CreateOrderResult),
        (SubscriptionFields, SubscriptionOutcome),
        (LineItemFields, LineItemOutcome),
    ):
        defaulted = {
            f.name
            for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        }
        hints = typing.get_type_hints(fields, include_extras=True)
        assert set(hints) == {f.name for f in dataclasses.fields(cls)}
        assert set(_optional(fields)) == defaulted, cls


def _optional(fields: Any) -> list[str]:
    # __optional_keys__ misses NotRequired written as a string (postponed annotations).
    hints = typing.get_type_hints(fields, include_extras=True)
    return [name for name, hint in hints.items() if typing.get_origin(hint) is NotRequired]


def _result(**fields: Any) -> CreateOrderResult:
    subscription = SubscriptionOutcome(
        number="A-S00000001",
        id="s1",
        status="Active",
        owner_account_id="a1",
        owner_account_number="A00000001",
    )
    base: dict[str, Any] = {
        "order_number": "O-00000001",
        "order_id": "o1",
        "account_number": "A00000001",
        "account_id": "a1",
        "status": "Completed",
        "subscriptions": (subscription,),
    }
    return CreateOrderResult(**(base | fields))


def test_a_document_stored_before_the_defaulted_fields_existed_polls_with_their_defaults() -> None:
    result = _result()
    stored = orjson.loads(dumps(result))
    for name in _optional(CreateOrderFields):
        del stored[name]
    old = _polled(orjson.dumps(stored).decode())
    for version in VERSIONS:
        assert job_json(old, version) == job_json(_polled(dumps(result)), version)


def test_a_payment_renders_its_amount_as_the_string_it_was_stored_as() -> None:
    result = _result(
        invoice_numbers=("INV-1",),
        invoice_ids=("i1",),
        payment_number="P-1",
        payment_id="p1",
        paid_amount=Decimal("185.80"),
        payment_status="Processed",
        return_ids=True,
    )
    answer = job_json(_polled(dumps(result)), VERSIONS[-1])["result"]
    assert answer["paidAmount"] == "185.80"
    assert (answer["paymentId"], answer["invoiceIds"]) == ("p1", ["i1"])


def test_a_preview_is_decoded_and_an_unfinished_job_shows_no_result() -> None:
    preview = PreviewOrderResult(charge_metrics=None, invoices=(), not_previewed=("Usage",))
    polled = outcome_from_row(
        JobId("j2"), JobKind.PREVIEW_ORDER.value, "completed", None, dumps(preview)
    )
    assert (polled.preview, polled.order) == (preview, None)
    answer = job_json(polled, VERSIONS[-1])["result"]
    assert answer == {
        "success": True,
        "invoices": [],
        "notPreviewedChargeTypes": ["Usage"],
        "jobType": "AsyncPreviewOrder",
    }
    pending = outcome_from_row(JobId("j3"), JobKind.CREATE_ORDER.value, "pending", None, None)
    assert pending.status is JobStatus.PENDING
    assert job_json(pending, VERSIONS[-1])["result"] is None
