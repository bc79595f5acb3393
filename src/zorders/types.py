"""Identifiers and small aliases shared by every layer (imports nothing of ours)."""

from __future__ import annotations

from typing import Any, NewType

TenantId = NewType("TenantId", str)
JobId = NewType("JobId", str)

#: A JSON object as decoded from or encoded to the wire.
JsonDict = dict[str, Any]
