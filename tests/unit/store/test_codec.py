"""Domain values ↔ JSON documents round-trip exactly."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import orjson
import pytest

from zorders.domain.catalog import ChargePrice, PriceFormat, Tier
from zorders.domain.order_actions import (
    CreateSubscription,
    OrderRequest,
    SubscribeToRatePlan,
    SubscriptionChange,
    TriggerDates,
)
from zorders.domain.subscriptions import Terms, TermType
from zorders.service.jobs import JobResult
from zorders.service.results import CreateOrderResult, PreviewOrderResult
from zorders.store.codec import constructor, dumps, loads


def test_nested_values_round_trip() -> None:
    price = ChargePrice(
        currency="USD",
        tiers=(
            Tier(
                tier=1,
                starting_unit=Decimal("0"),
                ending_unit=Decimal("10.5"),
                price=Decimal("1.005"),
                price_format=PriceFormat.PER_UNIT,
            ),
        ),
    )
    assert loads(dumps(price), ChargePrice) == price


def test_an_order_request_with_actions_round_trips() -> None:
    request = OrderRequest(
        order_date=date(2027, 1, 15),
        subscriptions=(
            SubscriptionChange(
                subscription_number=None,
                actions=(
                    CreateSubscription(
                        terms=Terms(term_type=TermType.EVERGREEN, initial_term=None),
                        rate_plans=(SubscribeToRatePlan(product_rate_plan_number="PRP-1"),),
                        trigger_dates=TriggerDates(contract_effective=date(2027, 2, 1)),
                        echo={"type": "CreateSubscription", "nested": [1, {"a": None}]},
                    ),
                ),
            ),
        ),
        custom_fields={"x__c": "y"},
    )
    assert loads(dumps(request), OrderRequest) == request


def test_a_union_is_decoded_by_its_tag() -> None:
    create = CreateOrderResult(
        order_number="O-1",
        order_id="1",
        account_number="A1",
        account_id="2",
        status="Completed",
        subscriptions=(),
        paid_amount=Decimal("185.81"),
    )
    preview = PreviewOrderResult(charge_metrics=None, invoices=())
    assert loads(dumps(create), JobResult) == create
    assert loads(dumps(preview), JobResult) == preview


def test_datetimes_keep_their_zone() -> None:
    moment = datetime(2027, 1, 1, 12, 30, tzinfo=UTC)
    assert loads(dumps(moment), datetime) == moment


def test_a_document_written_before_a_field_existed_reads_with_its_default() -> None:
    result = PreviewOrderResult(charge_metrics=None, invoices=(), not_previewed=("Usage",))
    stored = orjson.loads(dumps(result))
    del stored["not_previewed"]
    assert loads(orjson.dumps(stored).decode(), JobResult) == PreviewOrderResult(
        charge_metrics=None, invoices=()
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Node:
    name: str
    children: tuple[Node, ...] = ()
    parent: Node | None = None


def test_a_dataclass_may_contain_itself() -> None:
    tree = Node(name="root", children=(Node(name="a", parent=Node(name="p")), Node(name="b")))
    assert loads(dumps(tree), Node) == tree


@dataclass(frozen=True, kw_only=True, slots=True)
class Checked:
    amount: Decimal
    seen: list[str]

    def __post_init__(self) -> None:
        self.seen.append("post-init")


def test_a_dataclass_with_post_init_is_built_through_init() -> None:
    assert loads('{"amount": "1.50", "seen": []}', Checked).seen == ["post-init"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Primitives:
    count: int
    ratio: float
    names: tuple[str, ...]
    state: TermType | None = None


def test_fields_read_inline_convert_as_their_decoders_do() -> None:
    value = loads('{"count": "3", "ratio": 1, "names": ["a", 2], "state": null}', Primitives)
    assert value == Primitives(count=3, ratio=1.0, names=("a", "2"))
    assert type(value.ratio) is float
    assert loads('{"count": 1, "ratio": 0.5, "names": [], "state": "EVERGREEN"}', Primitives).state
    with pytest.raises(ValueError):
        loads('{"count": 1, "ratio": 0.5, "names": [], "state": "FOREVER"}', Primitives)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Node:
    name: str
    children: tuple[_Node, ...] = ()
    parent: _Node | None = None


def test_threads_building_a_recursive_types_decoder_at_once_all_get_it() -> None:
    """Worker threads of a fresh process decode their first job together: each must get
    the real decoder, never the stand-in a recursive type uses while it is built."""
    import threading

    from zorders.store import codec

    tree = _Node(name="root", children=(_Node(name="a"), _Node(name="b", parent=_Node(name="p"))))
    text = dumps(tree)
    for _ in range(30):
        codec._DECODERS.clear()
        start = threading.Barrier(8)
        results: list[object] = []

        def decode(start: threading.Barrier = start, results: list[object] = results) -> None:
            start.wait()
            try:
                results.append(loads(text, _Node))
            except RecursionError as error:  # the old race
                results.append(error)

        threads = [threading.Thread(target=decode) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [tree] * 8
        assert loads(text, _Node) == tree  # and what the cache kept works afterwards


def test_a_stand_in_for_a_decoder_in_progress_is_never_kept() -> None:
    """The state the race left: another build of the type in progress. What that call gets
    is a stand-in (it defers to the real decoder); the cache must not keep it, or every
    later decode would call itself forever."""
    from zorders.store import codec

    tree = _Node(name="root", children=(_Node(name="a"),))
    codec._DECODERS.clear()
    codec._GENERATING.add(_Node)
    try:
        codec._decoder(_Node)
    finally:
        codec._GENERATING.discard(_Node)
    assert _Node not in codec._DECODERS
    assert loads(dumps(tree), _Node) == tree


def test_a_constructor_fills_the_slots_of_a_frozen_dataclass_as_init_would() -> None:
    make = constructor(Primitives)
    assert make is not Primitives
    built = make(count=1, ratio=0.5, names=("a",), state=TermType.EVERGREEN)
    assert built == Primitives(count=1, ratio=0.5, names=("a",), state=TermType.EVERGREEN)
    with pytest.raises(FrozenInstanceError):
        built.count = 2  # type: ignore[misc]
    assert constructor(Checked) is Checked  # its __post_init__ must run


@dataclass(frozen=True, kw_only=True, slots=True)
class _Base:
    name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class _Derived(_Base):
    size: int


def test_a_value_filled_through_its_twin_is_its_own_class_through_and_through() -> None:
    """Decoded values are filled as a plain twin of their class, then become the class."""
    decoded = loads('{"count": 1, "ratio": 0.5, "names": ["a"], "state": null}', Primitives)
    built = Primitives(count=1, ratio=0.5, names=("a",))
    assert type(decoded) is Primitives
    assert decoded == built and hash(decoded) == hash(built) and repr(decoded) == repr(built)
    assert not hasattr(decoded, "__dict__")
    with pytest.raises(FrozenInstanceError):
        decoded.count = 2  # type: ignore[misc]
    assert dataclasses.replace(decoded, count=2).count == 2
    assert pickle.loads(pickle.dumps(decoded)) == decoded
    # A class on a dataclass base (no twin: it would inherit the frozen __setattr__).
    derived = loads('{"name": "n", "size": 3}', _Derived)
    assert type(derived) is _Derived and derived == _Derived(name="n", size=3)
    assert constructor(_Derived)(name="n", size=3) == derived


class _Level(int, Enum):
    LOW = 1


@dataclass(frozen=True)
class _Leaf:
    amount: Decimal
    when: date
    level: _Level
    flag: bool
    note: str | None


@dataclass(frozen=True)
class _Tree:
    leaves: tuple[_Leaf, ...]
    by_name: dict[str, _Leaf]
    at: datetime
    ratio: float


def test_the_document_written_for_each_kind_of_value() -> None:
    leaf = _Leaf(
        amount=Decimal("1.50"), when=date(2027, 1, 2), level=_Level.LOW, flag=True, note=None
    )
    tree = _Tree(
        leaves=(leaf,), by_name={"a": leaf}, at=datetime(2027, 1, 2, 3, 4, tzinfo=UTC), ratio=0.5
    )
    leaf_json = {
        "_t": "_Leaf", "amount": "1.50", "when": "2027-01-02", "level": 1, "flag": True,
        "note": None,
    }  # fmt: skip
    assert orjson.loads(dumps(tree)) == {
        "_t": "_Tree",
        "leaves": [leaf_json],
        "by_name": {"a": leaf_json},
        "at": "2027-01-02T03:04:00+00:00",
        "ratio": 0.5,
    }
    assert orjson.loads(dumps([leaf, (1, "x")])) == [leaf_json, [1, "x"]]
