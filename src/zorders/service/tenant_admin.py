"""Creating tenants (and the demo tenant) with their client credentials; resetting their data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from zorders.domain.errors import BusinessRuleViolation, NotFound, Resource
from zorders.service.auth import (
    check_credentials_shape,
    hash_secret,
    new_client_secret,
    verify_secret,
)
from zorders.service.ports import Clock, IdFactory, Store, UnitOfWork
from zorders.service.tenants import IssuedCredentials, Tenant, TenantSettings
from zorders.types import TenantId


def uuid_form(hex32: str) -> str:
    """A 32-hex id in the 36-character UUID form client ids take."""
    h = hex32
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def create_tenant(
    uow: UnitOfWork,
    *,
    name: str,
    settings: TenantSettings,
    clock: Clock,
    ids: IdFactory,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> IssuedCredentials:
    """A new tenant; its secret is returned once and stored only as a hash."""
    if uow.tenants.by_name(name) is not None:
        raise BusinessRuleViolation(
            f"A tenant named {name!r} exists already.", resource=Resource.TENANT
        )
    client_id = client_id or uuid_form(ids.new_id())
    client_secret = client_secret or new_client_secret()
    check_credentials_shape(client_id, client_secret)
    if uow.tenants.by_client_id(client_id) is not None:
        raise BusinessRuleViolation("That client id is taken.", resource=Resource.TENANT)
    tenant = Tenant(
        id=TenantId(ids.new_id()),
        name=name,
        client_id=client_id,
        secret_hash=hash_secret(client_secret),
        settings=settings,
        created_at=clock.now(),
    )
    uow.tenants.add(tenant)
    return IssuedCredentials(tenant_id=tenant.id, client_id=client_id, client_secret=client_secret)


def ensure_tenant(
    uow: UnitOfWork,
    *,
    name: str,
    client_id: str,
    client_secret: str,
    clock: Clock,
    ids: IdFactory,
) -> tuple[Tenant, bool]:
    """The tenant ``name`` with exactly these credentials, created if missing (idempotent).

    Returns the tenant and whether it was created. A changed secret is re-hashed, so the
    configured credentials always work.
    """
    check_credentials_shape(client_id, client_secret)
    existing = uow.tenants.by_name(name)
    if existing is None:
        issued = create_tenant(
            uow,
            name=name,
            settings=TenantSettings(),
            clock=clock,
            ids=ids,
            client_id=client_id,
            client_secret=client_secret,
        )
        tenant = uow.tenants.get(issued.tenant_id)
        assert tenant is not None
        return tenant, True
    if existing.client_id != client_id or not verify_secret(client_secret, existing.secret_hash):
        existing = replace(existing, client_id=client_id, secret_hash=hash_secret(client_secret))
        uow.tenants.update(existing)
    return existing, False


@dataclass(frozen=True, kw_only=True, slots=True)
class ResetCounts:
    jobs: int
    idempotency_keys: int


def reset_tenant_data(uow: UnitOfWork, tenant_id: TenantId, *, catalog: bool) -> ResetCounts:
    """Give the tenant a clean slate, as a test suite wants between tests: no accounts,
    subscriptions, orders, invoices, payments, jobs or idempotency keys, numbers from 1
    again, and its test clock back on real time. Its credentials and settings stay, and
    its catalog unless ``catalog``. A job running meanwhile loses its row, so its worker's
    completion finds no lease and rolls its writes back: nothing reappears."""
    tenant = uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("The tenant does not exist.", resource=Resource.TENANT)
    uow.tenant(tenant_id).erase(catalog=catalog)
    counts = ResetCounts(
        jobs=uow.jobs.delete_tenant(tenant_id),
        idempotency_keys=uow.idempotency.delete_tenant(tenant_id),
    )
    if tenant.settings.clock_offset_ms:
        uow.tenants.update(replace(tenant, settings=replace(tenant.settings, clock_offset_ms=0)))
    return counts


class TenantDataReset:
    """``reset_tenant_data`` in its own transaction, then ``after`` (the emulator forgets the
    tenant's directives)."""

    def __init__(self, store: Store, *, after: Callable[[TenantId], None]) -> None:
        self._store = store
        self._after = after

    def reset(self, tenant_id: TenantId, *, catalog: bool) -> ResetCounts:
        with self._store.begin() as uow:
            counts = reset_tenant_data(uow, tenant_id, catalog=catalog)
        self._after(tenant_id)
        return counts
