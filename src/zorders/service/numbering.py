"""Ids and Zuora-style numbers for the domain: per-tenant sequences inside the transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from types import NoneType
from typing import TypeVar, cast

from zorders.domain.errors import ZuoraError
from zorders.domain.numbering import NumberKind, format_number
from zorders.service.ports import CounterRepository, IdFactory

T = TypeVar("T")


class SequenceNumbering:
    """Numbers from the tenant's counters: they commit (or roll back) with the order."""

    def __init__(self, counters: CounterRepository, ids: IdFactory) -> None:
        self._counters = counters
        self._ids = ids

    def new_id(self) -> str:
        return self._ids.new_id()

    def next_number(self, kind: NumberKind) -> str:
        return format_number(kind, self._counters.next_value(kind))


class DeferredNumbering:
    """Placeholders while an order is computed, the tenant's numbers once it is.

    The counters' rows stay locked from the first number an order takes to its commit
    (that is what keeps numbers gap-free), so taking them all at once after the
    computation, in one statement, keeps a tenant's other workers waiting only for the
    writes and the commit. ``assign`` takes them; ``renumbered`` puts them in place of the
    placeholders. After ``assign``, numbers come from the counters at once, as in
    ``SequenceNumbering``.
    """

    def __init__(self, counters: CounterRepository, ids: IdFactory) -> None:
        self._counters = counters
        self._ids = ids
        # A fresh id in every placeholder: no input can spell one by chance.
        self._prefix = f"\x00{ids.new_id()}:"
        self._handed: dict[NumberKind, int] = {}
        self._numbers: dict[str, str] | None = None

    def new_id(self) -> str:
        return self._ids.new_id()

    def next_number(self, kind: NumberKind) -> str:
        if self._numbers is not None:
            return format_number(kind, self._counters.next_value(kind))
        count = self._handed[kind] = self._handed.get(kind, 0) + 1
        return self._placeholder(kind, count)

    def assign(self) -> dict[str, str]:
        """Take the numbers of every placeholder handed out, in the order handed out;
        returns each placeholder's number (once: later calls return the same)."""
        if self._numbers is None:
            last = self._counters.take(self._handed) if self._handed else {}
            self._numbers = {
                self._placeholder(kind, n): format_number(kind, last[kind] - count + n)
                for kind, count in self._handed.items()
                for n in range(1, count + 1)
            }
        return self._numbers

    def resolve_message(self, error: ZuoraError) -> None:
        """Numbers in place of the placeholders in ``error``'s message: the ones the
        order would have had (its transaction rolls them back)."""
        if self._prefix not in error.message:
            return
        message = error.message
        for placeholder, number in self.assign().items():
            message = message.replace(placeholder, number)
        error.message = message
        error.args = (message,)

    def _placeholder(self, kind: NumberKind, n: int) -> str:
        return f"{self._prefix}{kind.name}:{n:08d}\x00"


class PreviewNumbering:
    """A preview writes nothing, so it must not consume the tenant's sequences.

    Its numbers are placeholders that the preview result never shows (Zuora previews
    new subscriptions and charges without numbers).
    """

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._next: dict[NumberKind, int] = {}

    def new_id(self) -> str:
        return self._ids.new_id()

    def next_number(self, kind: NumberKind) -> str:
        value = self._next.get(kind, 0) + 1
        self._next[kind] = value
        return f"preview-{format_number(kind, value)}"


def renumbered(value: T, numbers: Mapping[str, str]) -> T:
    """``value`` with every string that is a key of ``numbers`` replaced by its value,
    through frozen dataclasses, tuples, lists, sets and dicts (keys too). What holds no
    such string is returned as is (the same object)."""
    if not numbers:
        return value
    return cast(T, _renumbered(value, numbers))


_LEAVES = (int, float, Decimal, date, Enum, NoneType)
#: The exact types found to be leaves so far (a set lookup is cheaper than ``isinstance``).
_LEAF_TYPES: set[type] = {NoneType, int, bool, Decimal, date}
#: Each dataclass's fields, found once.
_FIELDS: dict[type, tuple[str, ...]] = {}


def _renumbered(value: object, numbers: Mapping[str, str]) -> object:
    kind = type(value)
    if kind in _LEAF_TYPES:
        return value
    if isinstance(value, str):
        return numbers.get(value, value)
    if isinstance(value, _LEAVES):  # datetime is a date
        _LEAF_TYPES.add(kind)
        return value
    if isinstance(value, tuple | list | frozenset | set):
        if not value:
            return value
        items = [_renumbered(item, numbers) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        if not value:
            return value
        pairs = [(_renumbered(k, numbers), _renumbered(v, numbers)) for k, v in value.items()]
        if all(k is ok and v is ov for (k, v), (ok, ov) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    names = _FIELDS.get(kind)
    if names is None:
        if not is_dataclass(value) or isinstance(value, type):
            raise TypeError(f"cannot renumber a {kind.__name__}")
        names = _FIELDS[kind] = tuple(f.name for f in fields(value) if f.init)
    changes = {}
    for name in names:
        old = getattr(value, name)
        if type(old) in _LEAF_TYPES:
            continue
        new = _renumbered(old, numbers)
        if new is not old:
            changes[name] = new
    return replace(value, **changes) if changes else value  # type: ignore[type-var]
