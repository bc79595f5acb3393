"""Domain values ↔ JSON documents, driven by the dataclasses' type hints.

Aggregates (accounts, subscription versions, orders, job requests and results) are
stored as JSON documents beside their indexed key columns. Decoding follows each
field's annotation, so the domain never sees a column or JSON name. A union of
dataclasses (an order action, a job result) is tagged with ``"_t"``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

import orjson

_TAG = "_t"


def encode(value: Any) -> Any:
    """A JSON-compatible form of ``value`` (dataclasses, enums, dates, Decimals, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {_TAG: type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = encode(getattr(value, f.name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return orjson.dumps(encode(value)).decode()


def loads(text: str, cls: Any) -> Any:
    return decode(orjson.loads(text), cls)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _dataclass_members(hint: Any) -> dict[str, Any]:
    args: tuple[Any, ...] = typing.get_args(hint)
    return {
        arg.__name__: arg for arg in args if isinstance(arg, type) and dataclasses.is_dataclass(arg)
    }


def decode(data: Any, hint: Any) -> Any:
    return _decoder(hint)(data)


Decoder = Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


def _decoder(hint: Any) -> Decoder:
    """The decoder of ``hint``, built once per type: reading the type hints on every value
    cost most of a job poll (and of loading an order's context)."""
    try:
        return _cached_decoder(hint)
    except TypeError:  # an unhashable hint: build it each time
        return _build(hint)


@cache
def _cached_decoder(hint: Any) -> Decoder:
    return _build(hint)


def _none_or(convert: Decoder) -> Decoder:
    def decode_value(data: Any) -> Any:
        return None if data is None else convert(data)

    return decode_value


def _build(hint: Any) -> Decoder:
    """None stays None whatever the hint; otherwise ``hint`` says how to read ``data``."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union(hint)
    if origin is tuple:
        item_hints = typing.get_args(hint)
        item = _decoder(item_hints[0] if item_hints else Any)
        return _none_or(lambda data: tuple(item(v) for v in data))
    if origin is list:
        element = _decoder(typing.get_args(hint)[0])
        return _none_or(lambda data: [element(v) for v in data])
    if origin is dict:
        return _none_or(dict)
    if hint is Any or hint is object:
        return _identity
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            return _dataclass(hint)
        if issubclass(hint, Enum):
            return _none_or(hint)
        if hint is Decimal:
            return _none_or(Decimal)
        if hint is datetime:
            return _none_or(datetime.fromisoformat)
        if hint is date:
            return _none_or(date.fromisoformat)
        if hint in (str, int, bool, float):
            return _none_or(hint)
    return _identity


def _union(hint: Any) -> Decoder:
    # A union of dataclasses is tagged with the class name; Optional[X] reads as X; any
    # other union is left as JSON gave it.
    members = {name: _decoder(cls) for name, cls in _dataclass_members(hint).items()}
    rest = [a for a in typing.get_args(hint) if a is not type(None)]
    fallback = _decoder(rest[0]) if len(rest) == 1 else _identity

    def decode_union(data: Any) -> Any:
        if data is None:
            return None
        if isinstance(data, dict) and _TAG in data and data[_TAG] in members:
            return members[data[_TAG]](data)
        return fallback(data)

    return decode_union


def _dataclass(cls: type) -> Decoder:
    # The fields' decoders are built on first use: a dataclass may refer to itself.
    fields: list[tuple[str, Decoder]] | None = None

    def decode_dataclass(data: Any) -> Any:
        nonlocal fields
        if data is None:
            return None
        if fields is None:
            hints = _hints(cls)
            fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls)]
        return cls(**{name: read(data[name]) for name, read in fields if name in data})

    return decode_dataclass
