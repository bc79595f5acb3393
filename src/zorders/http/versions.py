"""Zuora-Version: parsing and the switches that depend on it (facts §11 "Zuora-Version")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from zorders.domain.errors import InvalidValue

_LEGACY = re.compile(r"^\d{3}(\.0)?$")


@dataclass(frozen=True, order=True, slots=True)
class ZuoraVersion:
    """Legacy numbers (``186.0``) sort before dated versions (``2024-05-20``)."""

    dated: bool
    number: float
    day: date
    text: str

    @property
    def http_error_statuses(self) -> bool:
        """From 2024-05-20 errors carry real HTTP statuses; before, HTTP 200."""
        return self >= _REAL_STATUSES

    @property
    def subscriptions_list(self) -> bool:
        """From 223.0 order results list ``subscriptions`` instead of ``subscriptionNumbers``."""
        return self >= _SUBSCRIPTIONS

    @property
    def catalog_plans_as_url(self) -> bool:
        """From 230.0 the catalog's ``productRatePlans`` is a URL instead of an array."""
        return self >= _PLANS_URL


@lru_cache(maxsize=64)  # every request parses one; the values are frozen, so share them
def parse_version(text: str) -> ZuoraVersion:
    value = text.strip()
    if _LEGACY.match(value):
        return ZuoraVersion(dated=False, number=float(value), day=date.min, text=value)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(
            f"Invalid Zuora-Version '{text}': use a minor version such as 223.0 or 2025-08-12."
        ) from None
    return ZuoraVersion(dated=True, number=0.0, day=day, text=value)


_REAL_STATUSES = parse_version("2024-05-20")
_SUBSCRIPTIONS = parse_version("223.0")
_PLANS_URL = parse_version("230.0")
