"""Zuora-Version: parsing and the switches that depend on it (facts §11 "Zuora-Version")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from zorders.domain.errors import InvalidValue

_LEGACY = re.compile(r"^\d{3}(\.0)?$")


@dataclass(frozen=True, order=True, slots=True)
class ZuoraVersion:
    """Legacy numbers (``186.0``) sort before dated versions (``2024-05-20``). Made by
    ``parse_version``, which decides the switches once per version (every request reads
    one; a property comparing versions cost two calls each time)."""

    dated: bool
    number: float
    day: date
    text: str
    #: From 2024-05-20 errors carry real HTTP statuses; before, HTTP 200.
    http_error_statuses: bool = field(default=False, compare=False, repr=False)
    #: From 223.0 order results list ``subscriptions`` instead of ``subscriptionNumbers``.
    subscriptions_list: bool = field(default=False, compare=False, repr=False)
    #: From 230.0 the catalog's ``productRatePlans`` is a URL instead of an array.
    catalog_plans_as_url: bool = field(default=False, compare=False, repr=False)


@lru_cache(maxsize=64)  # every request parses one; the values are frozen, so share them
def parse_version(text: str) -> ZuoraVersion:
    version = _parse(text)
    return replace(
        version,
        http_error_statuses=version >= _REAL_STATUSES,
        subscriptions_list=version >= _SUBSCRIPTIONS,
        catalog_plans_as_url=version >= _PLANS_URL,
    )


def _parse(text: str) -> ZuoraVersion:
    """``text``'s version, its switches not set yet."""
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


_REAL_STATUSES = _parse("2024-05-20")
_SUBSCRIPTIONS = _parse("223.0")
_PLANS_URL = _parse("230.0")
