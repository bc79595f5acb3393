"""Deferred numbering: an order is computed with placeholders, and numbered at once after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from tests.support import CountingIds
from zorders.domain.errors import InvalidValue
from zorders.domain.numbering import NumberKind
from zorders.service.numbering import DeferredNumbering, renumbered


class Counters:
    """The tenant's sequences, recording each statement the numbering sends."""

    def __init__(self, **start: int) -> None:
        self.values = {NumberKind[name]: value for name, value in start.items()}
        self.statements: list[dict[NumberKind, int]] = []

    def next_value(self, kind: NumberKind) -> int:
        return self.take({kind: 1})[kind]

    def take(self, counts: Mapping[NumberKind, int]) -> dict[NumberKind, int]:
        self.statements.append(dict(counts))
        for kind, count in counts.items():
            self.values[kind] = self.values.get(kind, 0) + count
        return {kind: self.values[kind] for kind in counts}


@dataclass(frozen=True, slots=True)
class Charge:
    number: str
    price: Decimal
    starts: date


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    charges: tuple[Charge, ...]
    billed: dict[str, date] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)


def test_placeholders_take_their_numbers_in_one_statement_in_the_order_handed_out() -> None:
    counters = Counters(SUBSCRIPTION=7, CHARGE=40)
    numbering = DeferredNumbering(counters, CountingIds())
    handed = [
        numbering.next_number(NumberKind.SUBSCRIPTION),
        numbering.next_number(NumberKind.CHARGE),
        numbering.next_number(NumberKind.CHARGE),
        numbering.next_number(NumberKind.ORDER),
    ]
    assert len(set(handed)) == 4 and counters.statements == []  # nothing taken yet
    numbers = numbering.assign()
    assert [numbers[p] for p in handed] == ["A-S00000008", "C-00000041", "C-00000042", "O-00000001"]
    assert counters.statements == [
        {NumberKind.SUBSCRIPTION: 1, NumberKind.CHARGE: 2, NumberKind.ORDER: 1}
    ]
    assert numbering.assign() is numbers  # taken once
    # Numbers asked for after the order is numbered (runBilling's invoice) are real at once.
    assert numbering.next_number(NumberKind.INVOICE) == "INV00000001"
    assert numbering.next_number(NumberKind.CHARGE) == "C-00000043"


def test_an_order_that_numbers_nothing_sends_no_statement() -> None:
    counters = Counters()
    assert DeferredNumbering(counters, CountingIds()).assign() == {}
    assert counters.statements == []


def test_two_orders_placeholders_never_meet() -> None:
    ids = CountingIds()
    first, second = DeferredNumbering(Counters(), ids), DeferredNumbering(Counters(), ids)
    assert first.next_number(NumberKind.ORDER) != second.next_number(NumberKind.ORDER)


def test_renumbered_replaces_placeholders_at_any_depth_and_keeps_the_rest() -> None:
    numbering = DeferredNumbering(Counters(CHARGE=9), CountingIds())
    one, two = (numbering.next_number(NumberKind.CHARGE) for _ in range(2))
    plan = Plan(
        name="Gold",
        charges=(
            Charge(number=one, price=Decimal("10.00"), starts=date(2027, 1, 1)),
            Charge(number="C-00000001", price=Decimal(5), starts=date(2027, 2, 1)),
        ),
        billed={two: date(2027, 3, 1), "C-00000001": date(2027, 2, 1)},
        tags=frozenset({two, "gold"}),
        notes=[one],
    )
    renumbered_plan = renumbered(plan, numbering.assign())
    assert renumbered_plan == Plan(
        name="Gold",
        charges=(
            Charge(number="C-00000010", price=Decimal("10.00"), starts=date(2027, 1, 1)),
            Charge(number="C-00000001", price=Decimal(5), starts=date(2027, 2, 1)),
        ),
        billed={"C-00000011": date(2027, 3, 1), "C-00000001": date(2027, 2, 1)},
        tags=frozenset({"C-00000011", "gold"}),
        notes=["C-00000010"],
    )
    assert renumbered_plan.charges[1] is plan.charges[1]  # untouched parts are shared


def test_renumbered_returns_what_holds_no_placeholder_as_is() -> None:
    plan = Plan(name="Gold", charges=(Charge("C-1", Decimal(1), date(2027, 1, 1)),))
    assert renumbered(plan, {"\x00other\x00": "C-2"}) is plan
    assert renumbered(plan, {}) is plan


def test_renumbered_refuses_what_it_cannot_rebuild() -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError, match="Opaque"):
        renumbered((Opaque(),), {"\x00p\x00": "C-1"})


def test_an_error_shows_the_numbers_the_order_would_have_had() -> None:
    counters = Counters(SUBSCRIPTION=2)
    numbering = DeferredNumbering(counters, CountingIds())
    number = numbering.next_number(NumberKind.SUBSCRIPTION)
    error = InvalidValue(f"Subscription {number} is EVERGREEN: it has no term to renew.")
    numbering.resolve_message(error)
    assert error.message == "Subscription A-S00000003 is EVERGREEN: it has no term to renew."
    assert str(error) == error.message


def test_an_error_without_placeholders_takes_no_numbers() -> None:
    counters = Counters()
    numbering = DeferredNumbering(counters, CountingIds())
    numbering.next_number(NumberKind.ORDER)
    error = InvalidValue("'orderDate' is required.")
    numbering.resolve_message(error)
    assert error.message == "'orderDate' is required." and counters.statements == []
