"""Ids and Zuora-style numbers for the domain: per-tenant sequences inside the transaction."""

from __future__ import annotations

from zorders.domain.numbering import NumberKind, format_number
from zorders.service.ports import CounterRepository, IdFactory


class SequenceNumbering:
    """Numbers from the tenant's counters: they commit (or roll back) with the order."""

    def __init__(self, counters: CounterRepository, ids: IdFactory) -> None:
        self._counters = counters
        self._ids = ids

    def new_id(self) -> str:
        return self._ids.new_id()

    def next_number(self, kind: NumberKind) -> str:
        return format_number(kind, self._counters.next_value(kind))


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
