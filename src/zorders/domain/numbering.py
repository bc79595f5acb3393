"""How the domain asks for ids and Zuora-style numbers without making them itself."""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class NumberKind(Enum):
    """Each kind has its own per-tenant sequence; the value is Zuora's prefix."""

    ACCOUNT = "A"
    SUBSCRIPTION = "A-S"
    ORDER = "O-"
    CHARGE = "C-"
    INVOICE = "INV"
    PAYMENT = "P-"
    PRODUCT = "PC-"
    PRODUCT_RATE_PLAN = "PRP-"
    PRODUCT_RATE_PLAN_CHARGE = "PRPC-"


#: The catalog's sequences: a data reset that keeps the catalog keeps these too.
CATALOG_KINDS = frozenset(
    {NumberKind.PRODUCT, NumberKind.PRODUCT_RATE_PLAN, NumberKind.PRODUCT_RATE_PLAN_CHARGE}
)


def format_number(kind: NumberKind, value: int) -> str:
    """``A00000001``, ``A-S00000001``, ``O-00000001``, ``INV00000001`` …"""
    return f"{kind.value}{value:08d}"


class Numbering(Protocol):
    def new_id(self) -> str:
        """A fresh 32-hex-character id."""
        ...

    def next_number(self, kind: NumberKind) -> str:
        """The next number of ``kind`` in the tenant's sequence."""
        ...
