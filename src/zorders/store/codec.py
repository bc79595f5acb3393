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
        return _none_or(lambda data: tuple(map(item, data)))
    if origin is list:
        element = _decoder(typing.get_args(hint)[0])
        return _none_or(lambda data: list(map(element, data)))
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
        if hint in _PRIMITIVES:
            return _PRIMITIVES[hint]
    return _identity


def _primitive(kind: type) -> Decoder:
    # JSON gives these their own type already; converting only what is not spares a call.
    def decode_primitive(data: Any) -> Any:
        return data if data is None or type(data) is kind else kind(data)

    return decode_primitive


_PRIMITIVES = {kind: _primitive(kind) for kind in (str, int, bool, float)}


def _union(hint: Any) -> Decoder:
    # A union of dataclasses is tagged with the class name; Optional[X] reads as X; any
    # other union is left as JSON gave it.
    rest = [a for a in typing.get_args(hint) if a is not type(None)]
    if len(rest) == 1:  # Optional[X]: tagged or not, X's decoder reads it
        return _decoder(rest[0])
    members = {name: _decoder(cls) for name, cls in _dataclass_members(hint).items()}
    fallback = _identity

    def decode_union(data: Any) -> Any:
        if data is None:
            return None
        if isinstance(data, dict) and _TAG in data and data[_TAG] in members:
            return members[data[_TAG]](data)
        return fallback(data)

    return decode_union


#: Dataclasses whose decoder is being generated: a field of their own type reads through
#: the cache at call time, once the decoder exists.
_GENERATING: set[type] = set()


def _dataclass(cls: type) -> Decoder:
    if cls in _GENERATING:
        return lambda data: _decoder(cls)(data)
    _GENERATING.add(cls)
    try:
        return _generate(cls)
    finally:
        _GENERATING.discard(cls)


def _generate(cls: type) -> Decoder:
    """A function that calls ``cls`` with every field as a keyword, as dataclasses generate
    ``__init__``; a document that lacks a field (written before it existed) takes the
    field-by-field path, which leaves it to its default."""
    hints = _hints(cls)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls)]

    def field_by_field(data: Any) -> Any:
        return cls(**{name: read(data[name]) for name, read in fields if name in data})

    arguments = ", ".join(f"{name}=_d{n}(data[{name!r}])" for n, (name, _) in enumerate(fields))
    source = (
        "def decode(data):\n"
        "    if data is None:\n"
        "        return None\n"
        "    try:\n"
        f"        return _cls({arguments})\n"
        "    except KeyError:\n"
        "        return _field_by_field(data)\n"
    )
    namespace: dict[str, Any] = {"_cls": cls, "_field_by_field": field_by_field}
    namespace.update({f"_d{n}": read for n, (_, read) in enumerate(fields)})
    exec(compile(source, f"<codec: {cls.__qualname__}>", "exec"), namespace)
    decode: Decoder = namespace["decode"]
    return decode
