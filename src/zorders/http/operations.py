"""What the operational routes need (metrics, readiness, emulator): given by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import zorders
from zorders.observability.telemetry import Telemetry
from zorders.service.emulator import Emulator
from zorders.service.tenant_admin import TenantDataReset
from zorders.service.test_clock import TestClocks


def _always_ready() -> None:
    pass


def _standalone_telemetry() -> Telemetry:
    return Telemetry(version=zorders.__version__)


@dataclass(frozen=True, kw_only=True, slots=True)
class Operations:
    telemetry: Telemetry = field(default_factory=_standalone_telemetry)
    #: Raises if the database cannot be reached (``/readyz``).
    check_ready: Callable[[], None] = _always_ready
    #: Emulator controls (``/zorders/emulator``); None where the runtime offers none.
    emulator: Emulator | None = None
    #: Tenants' test clocks and data resets (emulator controls too).
    test_clocks: TestClocks | None = None
    reset: TenantDataReset | None = None
