"""Tenants: who may call, with which Zuora behaviour settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from zorders.domain.periods import BillingRules
from zorders.types import TenantId

if TYPE_CHECKING:  # ports import this module's Tenant
    from zorders.service.ports import UnitOfWork

#: Zuora's latest minor version; a tenant's default unless configured otherwise.
DEFAULT_ZUORA_VERSION = "2025-08-12"


@dataclass(frozen=True, kw_only=True, slots=True)
class TenantSettings:
    #: 200 as Zuora answers today, or 202 for clients generated from Zuora's OpenAPI
    #: document (the official SDK 3.21 maps only 202; architecture contract table).
    async_create_status: int = 200
    #: The minor version used when a request sends no ``Zuora-Version`` header.
    zuora_version: str = DEFAULT_ZUORA_VERSION
    orders_enabled: bool = True
    #: Per-tenant limits; None uses the server's defaults (Zuora's production quotas).
    rate_limit_per_minute: int | None = None
    concurrency_limit: int | None = None
    high_volume_concurrency_limit: int | None = None
    #: Zuora's "Define Billing Rules" proration settings, with Zuora's defaults.
    billing: BillingRules = field(default_factory=BillingRules)
    #: How far the tenant's test clock is ahead of real time (service/test_clock.py).
    clock_offset_ms: int = 0
    #: Emulator controls (service/emulator.py): off unless the tenant turns them on.
    emulator_enabled: bool = False


def tenant_settings(uow: UnitOfWork, tenant_id: TenantId) -> TenantSettings:
    """The tenant's settings (the defaults for a tenant that is gone)."""
    tenant = uow.tenants.get(tenant_id)
    return tenant.settings if tenant is not None else TenantSettings()


def billing_rules(uow: UnitOfWork, tenant_id: TenantId) -> BillingRules:
    """The tenant's proration rules (Zuora's defaults for a tenant that is gone)."""
    return tenant_settings(uow, tenant_id).billing


@dataclass(frozen=True, kw_only=True, slots=True)
class Tenant:
    id: TenantId
    name: str
    client_id: str
    #: ``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``; the secret itself is never stored.
    secret_hash: str
    settings: TenantSettings
    created_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class IssuedCredentials:
    tenant_id: TenantId
    client_id: str
    client_secret: str
