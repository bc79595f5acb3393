"""Domain values ↔ JSON documents, driven by the dataclasses' type hints.

Aggregates (accounts, subscription versions, orders, job requests and results) are
stored as JSON documents beside their indexed key columns. Decoding follows each
field's annotation, so the domain never sees a column or JSON name. A union of
dataclasses (an order action, a job result) is tagged with ``"_t"``.
"""

from __future__ import annotations

import dataclasses
import threading
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
    convert = _ENCODERS.get(value.__class__)
    if convert is None:
        convert = _ENCODERS[value.__class__] = _encoder(value.__class__)
    return convert(value)


Encoder = Callable[[Any], Any]

#: Each type's encoder, found by the exact class: a dataclass's is generated once (its
#: fields read by name into a dict literal), so encoding an aggregate is a few lookups per
#: value instead of ``is_dataclass``, ``fields`` and isinstance checks on every one.
_ENCODERS: dict[type, Encoder] = {}


def _encoder(cls: type) -> Encoder:
    if dataclasses.is_dataclass(cls):
        return _dataclass_encoder(cls)
    if issubclass(cls, Enum):
        return _enum_value
    if issubclass(cls, Decimal):
        return str
    if issubclass(cls, datetime | date):
        return _isoformat
    if issubclass(cls, tuple | list):
        return _encode_items
    if issubclass(cls, dict):
        return _encode_mapping
    return _identity


def _dataclass_encoder(cls: type) -> Encoder:
    items = [f"{_TAG!r}: {cls.__name__!r}"]
    for n, f in enumerate(dataclasses.fields(cls)):
        # Plain values (str, int, None, …) skip the call: most fields hold one.
        items.append(
            f"{f.name!r}: (_x{n} if (_x{n} := v.{f.name}).__class__ in _plain else _e(_x{n}))"
        )
    source = "def encode_dataclass(v):\n    return {" + ", ".join(items) + "}\n"
    namespace: dict[str, Any] = {"_e": encode, "_plain": _PLAIN}
    exec(source, namespace)
    generated: Encoder = namespace["encode_dataclass"]
    return generated


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _enum_value(value: Any) -> Any:
    return value.value


def _isoformat(value: Any) -> Any:
    return value.isoformat()


def _encode_items(value: Any) -> Any:
    return [encode(item) for item in value]


def _encode_mapping(value: Any) -> Any:
    return {str(k): encode(v) for k, v in value.items()}


def dumps(value: Any) -> str:
    return orjson.dumps(encode(value)).decode()


def tag(document: Any) -> Any:
    """The class name ``encode`` tagged a dataclass's document with; None for other JSON."""
    return document.get(_TAG) if document.__class__ is dict else None


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


def decoder(hint: Any) -> Decoder:
    """``hint``'s decoder, for a caller that reads one type often: looking it up by a union
    hint hashes the union's arguments on every call."""
    return _decoder(hint)


def _identity(data: Any) -> Any:
    return data


def _decoder(hint: Any) -> Decoder:
    """The decoder of ``hint``, built once per type: reading the type hints on every value
    cost most of a job poll (and of loading an order's context)."""
    try:
        return _DECODERS[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint: build it each time
        return _build(hint)
    # One thread builds at a time. A recursive type's decoder refers to itself through a
    # stand-in while it is built (``_GENERATING``); two threads building one type at once
    # let a stand-in be kept as the decoder itself, which then called itself forever
    # (seen: worker threads' first claims on a fresh process, RecursionError).
    with _BUILDING:
        found = _DECODERS.get(hint)
        if found is None:
            stand_in = hint in _GENERATING  # a build of ``hint`` is in progress below us
            found = _build(hint)
            if not stand_in:
                _DECODERS[hint] = found
        return found


_DECODERS: dict[Any, Decoder] = {}
_BUILDING = threading.RLock()


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
        return _sequence(tuple, _decoder(item_hints[0] if item_hints else Any))
    if origin is list:
        return _sequence(list, _decoder(typing.get_args(hint)[0]))
    if origin is dict:
        return _none_or(dict)
    if hint is Any or hint is object:
        return _identity
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            return _dataclass(hint)
        if issubclass(hint, Enum):
            return _enum(hint)
        if hint is Decimal:
            return _none_or(Decimal)
        if hint is datetime:
            return _none_or(datetime.fromisoformat)
        if hint is date:
            return _none_or(date.fromisoformat)
        if hint in _PRIMITIVES:
            return _PRIMITIVES[hint]
    return _identity


#: What generated code inlines instead of calling: a sequence's container and item decoder.
_SEQUENCES: dict[Decoder, tuple[type, Decoder]] = {}


def _sequence(container: type, item: Decoder) -> Decoder:
    def decode_sequence(data: Any) -> Any:
        return None if data is None else container(map(item, data))

    _SEQUENCES[decode_sequence] = (container, item)
    return decode_sequence


def _enum(cls: type[Enum]) -> Decoder:
    # A dict lookup: calling the Enum class costs several times more.
    members: dict[Any, Enum] = {member.value: member for member in cls}

    def decode_enum(data: Any) -> Any:
        if data is None:
            return None
        try:
            return members[data]
        except (KeyError, TypeError):  # an alias, an unhashable value: the class decides
            return cls(data)

    return decode_enum


def _primitive(kind: type) -> Decoder:
    # JSON gives these their own type already; converting only what is not spares a call.
    def decode_primitive(data: Any) -> Any:
        return data if data is None or type(data) is kind else kind(data)

    return decode_primitive


_PRIMITIVES = {kind: _primitive(kind) for kind in (str, int, bool, float)}
_PRIMITIVE_KINDS = {decode: kind for kind, decode in _PRIMITIVES.items()}


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
    field-by-field path, which leaves it to its default. Primitives and sequences are read
    inline: a call per field cost as much as the rest of a job result's decoding."""
    hints = _hints(cls)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls)]

    def field_by_field(data: Any) -> Any:
        return cls(**{name: read(data[name]) for name, read in fields if name in data})

    namespace: dict[str, Any] = {"_cls": cls, "_field_by_field": field_by_field}
    values = []
    for n, (name, read) in enumerate(fields):
        namespace[f"_d{n}"] = read
        values.append((name, _inline(read, f"data[{name!r}]", n, namespace)))
    build = _fill(cls, values, namespace, "        ")
    if build is None:
        arguments = ", ".join(f"{name}={value}" for name, value in values)
        build = [f"        return _cls({arguments})"]
    source = (
        "def decode(data):\n"
        "    if data is None:\n"
        "        return None\n"
        "    try:\n" + "\n".join(build) + "\n"
        "    except KeyError:\n"
        "        return _field_by_field(data)\n"
    )
    exec(compile(source, f"<codec: {cls.__qualname__}>", "exec"), namespace)
    decode: Decoder = namespace["decode"]
    return decode


def constructor(cls: type) -> Callable[..., Any]:
    """``cls`` itself, or for a frozen slotted dataclass a function taking the same keywords
    (every field) that fills the slots directly (see ``_fill``)."""
    names = [f.name for f in dataclasses.fields(cls)]
    namespace: dict[str, Any] = {"_cls": cls}
    build = _fill(cls, [(name, name) for name in names], namespace, "    ")
    if build is None:
        return cls
    source = f"def make(*, {', '.join(names)}):\n" + "\n".join(build) + "\n"
    exec(compile(source, f"<constructor: {cls.__qualname__}>", "exec"), namespace)
    make: Callable[..., Any] = namespace["make"]
    return make


def _fill(
    cls: type, values: list[tuple[str, str]], namespace: dict[str, Any], indent: str
) -> list[str] | None:
    """Lines that build ``cls`` from each field's expression and return it, without its
    ``__init__``, when that ``__init__`` is a frozen slotted dataclass's own and would do
    nothing but assign every field (no ``__post_init__``, no field left out of it); else
    None. Such an ``__init__`` assigns each field through ``object.__setattr__``.

    A class straight on ``object`` is filled as a plain twin of it (same slots, so the same
    memory layout) with ordinary attribute stores, then becomes a ``cls`` by assigning
    ``__class__``, which CPython allows between such classes. A class on a dataclass base
    (whose frozen ``__setattr__`` the twin would inherit) has its slots set by their
    descriptors. ``namespace`` gets the names the lines use; ``_cls`` must be ``cls``."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    fields = dataclasses.fields(cls)
    if not params.init or not params.frozen or hasattr(cls, "__post_init__"):
        return None
    if any(not f.init for f in fields):
        return None
    slots = cls.__dict__.get("__slots__")
    if cls.__bases__ == (object,) and slots is not None and set(slots) == {f.name for f in fields}:
        namespace["_twin"] = type(
            f"{cls.__name__}Fill", (), {"__slots__": slots, "__module__": cls.__module__}
        )
        lines = ["_o = _twin()", *(f"_o.{name} = {value}" for name, value in values)]
        lines.append("_o.__class__ = _cls")
    else:
        lines = ["_o = _new(_cls)"]
        namespace["_new"] = object.__new__
        for n, (name, value) in enumerate(values):
            slot = next((k.__dict__[name] for k in cls.__mro__ if name in k.__dict__), None)
            if not isinstance(slot, types.MemberDescriptorType):
                return None
            namespace[f"_s{n}"] = slot.__set__
            lines.append(f"_s{n}(_o, {value})")
    return [indent + line for line in [*lines, "return _o"]]


def _inline(read: Decoder, value: str, n: int, namespace: dict[str, Any]) -> str:
    """An expression equal to ``read(value)``, with no call where none is needed."""
    if read is _identity:
        return value
    kind = _PRIMITIVE_KINDS.get(read)
    if kind is not None:
        namespace[f"_k{n}"] = kind
        return f"(_v if (_v := {value}) is None or type(_v) is _k{n} else _k{n}(_v))"
    sequence = _SEQUENCES.get(read)
    if sequence is not None:
        container, item = sequence
        namespace[f"_c{n}"] = container
        namespace[f"_i{n}"] = item
        items = "_v" if item is _identity else f"map(_i{n}, _v)"
        # An empty list (most of a result's sequences) makes no map object.
        return f"(None if (_v := {value}) is None else _c{n}({items}) if _v != [] else _c{n}())"
    # Every decoder reads None as None: an absent optional value costs no call.
    return f"(None if (_v := {value}) is None else _d{n}(_v))"
