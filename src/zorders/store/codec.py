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
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        members = _dataclass_members(hint)
        if isinstance(data, dict) and _TAG in data and data[_TAG] in members:
            return decode(data, members[data[_TAG]])
        members_left = [a for a in typing.get_args(hint) if a is not type(None)]
        return decode(data, members_left[0]) if len(members_left) == 1 else data
    if origin is tuple:
        item_hints = typing.get_args(hint)
        item = item_hints[0] if item_hints else Any
        return tuple(decode(v, item) for v in data)
    if origin is list:
        return [decode(v, typing.get_args(hint)[0]) for v in data]
    if origin is dict:
        return dict(data)
    if hint is Any or hint is object:
        return data
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            hints = _hints(hint)
            kwargs = {
                f.name: decode(data[f.name], hints[f.name])
                for f in dataclasses.fields(hint)
                if f.name in data
            }
            return hint(**kwargs)
        if issubclass(hint, Enum):
            return hint(data)
        if hint is Decimal:
            return Decimal(data)
        if hint is datetime:
            return datetime.fromisoformat(data)
        if hint is date:
            return date.fromisoformat(data)
        if hint in (str, int, bool, float):
            return hint(data)
    return data
