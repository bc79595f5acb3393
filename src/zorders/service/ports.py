"""The seams between use cases and the outside world: storage, time and ids.

Every store (SQLite, PostgreSQL, and the test stores) implements these; the
service layer and the worker see nothing else. A ``UnitOfWork`` is one database
transaction: what its repositories write commits together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Protocol

from zorders.domain.accounts import Account
from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.invoicing import Invoice, Payment
from zorders.domain.numbering import NumberKind
from zorders.domain.orders import Order
from zorders.domain.subscriptions import Subscription
from zorders.service.idempotency import IdempotencyRecord, StoredResponse
from zorders.service.jobs import Job, JobOutcome, JobResult, Lease
from zorders.service.limits import PeerCounts
from zorders.service.tenants import Tenant
from zorders.types import JobId, TenantId


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class IdFactory(Protocol):
    def new_id(self) -> str:
        """A fresh id of 32 lowercase hex characters (Zuora's id shape)."""
        ...


class TenantRepository(Protocol):
    def add(self, tenant: Tenant) -> None: ...

    def update(self, tenant: Tenant) -> None: ...

    def get(self, tenant_id: TenantId) -> Tenant | None: ...

    def by_client_id(self, client_id: str) -> Tenant | None: ...

    def by_name(self, name: str) -> Tenant | None: ...

    def list(self) -> Sequence[Tenant]: ...


class TokenRepository(Protocol):
    def add(self, token_hash: str, tenant_id: TenantId, expires_at: datetime) -> None: ...

    def get(self, token_hash: str) -> tuple[TenantId, datetime] | None:
        """The tenant and expiry of a token, by the token's SHA-256."""
        ...

    def delete_expired(self, now: datetime) -> int: ...


class CatalogRepository(Protocol):
    def add_product(self, product: Product) -> None: ...

    def add_rate_plan(self, plan: ProductRatePlan) -> None: ...

    def add_charge(self, charge: ProductRatePlanCharge) -> None: ...

    def product(self, key: str) -> Product | None:
        """By id, SKU or product number."""
        ...

    def products(self, *, offset: int, limit: int) -> Sequence[Product]:
        """Newest first."""
        ...

    def rate_plan(self, key: str) -> ProductRatePlan | None:
        """By id or product rate plan number."""
        ...

    def rate_plans_of(self, product_id: str) -> Sequence[ProductRatePlan]: ...

    def charge(self, charge_id: str) -> ProductRatePlanCharge | None: ...

    def charges_of(self, rate_plan_id: str) -> Sequence[ProductRatePlanCharge]: ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    def update(self, account: Account) -> None: ...

    def get(self, key: str) -> Account | None:
        """By account number or id."""
        ...


class SubscriptionRepository(Protocol):
    def add_version(self, subscription: Subscription) -> None:
        """Store a new version; it becomes the latest."""
        ...

    def latest(self, key: str) -> Subscription | None:
        """The latest version, by subscription number or by the id of any version."""
        ...

    def version(self, number: str, version: int) -> Subscription | None: ...

    def update_version(self, subscription: Subscription) -> None:
        """Rewrite a stored version in place (a Pending order activated: its own version
        changes, no new one is made)."""
        ...

    def versions(self, number: str) -> Sequence[Subscription]:
        """Every version of the subscription, oldest first."""
        ...


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...

    def update(self, order: Order) -> None:
        """Rewrite a stored order (its status and trigger dates, once activated)."""
        ...

    def get(self, number: str) -> Order | None: ...

    def list(self, *, offset: int, limit: int) -> Sequence[Order]:
        """Newest first (creation time, then id: a stable order for paging)."""
        ...

    def many(self, numbers: Sequence[str]) -> Sequence[Order]:
        """The orders of these numbers that exist, newest first."""
        ...


class CounterRepository(Protocol):
    def next_value(self, kind: NumberKind) -> int:
        """The next value of the tenant's sequence for ``kind`` (1, 2, …), gap-free on commit."""
        ...

    def take(self, counts: Mapping[NumberKind, int]) -> dict[NumberKind, int]:
        """The next ``count`` values of each kind's sequence at once; returns the last value
        taken of each (they run from ``last - count + 1``). Gap-free on commit."""
        ...


class NumberRegistry(Protocol):
    def taken(self, numbers: Sequence[str]) -> frozenset[str]:
        """Which of ``numbers`` are already account, subscription or order numbers."""
        ...


class JobRepository(Protocol):
    def add(self, job: Job) -> None:
        """Insert the job as given: pending (workers are woken once the transaction
        commits), or already claimed by a worker of this process (``Handoff``: its lease,
        ``started_at`` and first attempt are set, and no other worker is woken)."""
        ...

    def get(self, tenant_id: TenantId, job_id: JobId) -> Job | None: ...

    def by_idempotency_key(self, tenant_id: TenantId, key: str) -> Job | None: ...

    def list(
        self, tenant_id: TenantId, *, status: str | None, limit: int, offset: int
    ) -> Sequence[Job]: ...

    def claim(self, *, worker_id: str, now: datetime, lease_until: datetime) -> Job | None:
        """Take the oldest runnable job exclusively: no two workers get the same job."""
        ...

    def extend_lease(self, job_id: JobId, *, worker_id: str, lease_until: datetime) -> bool: ...

    def complete(self, job_id: JobId, *, worker_id: str, result: JobResult, now: datetime) -> bool:
        """Mark Completed if ``worker_id`` still holds the lease; False if it lost it."""
        ...

    def fail(self, job_id: JobId, *, worker_id: str, error: str, now: datetime) -> bool: ...

    def retry(self, job_id: JobId, *, worker_id: str, run_at: datetime, now: datetime) -> bool:
        """Give the job back to the queue, to run again from ``run_at``."""
        ...

    def rescue_expired(self, now: datetime) -> int:
        """Return jobs whose lease ran out (their worker died) to the queue."""
        ...

    def prune_finished(self, before: datetime) -> int: ...

    def shift_schedule(self, tenant_id: TenantId, by: timedelta) -> int:
        """Bring the tenant's waiting jobs (``run_at``) and running leases (``lease_until``)
        ``by`` earlier: the tenant's test clock moved ``by`` forward. Returns jobs moved."""
        ...

    def busy(self, tenant_id: TenantId, now: datetime) -> int:
        """The tenant's jobs running now or runnable at ``now`` (pending, ``run_at`` due)."""
        ...

    def delete_tenant(self, tenant_id: TenantId) -> int:
        """Delete every job of the tenant (a data reset); returns how many."""
        ...


class InvoiceRepository(Protocol):
    def add(self, invoice: Invoice) -> None: ...

    def get(self, key: str) -> Invoice | None:
        """By invoice number or id."""
        ...


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> None: ...

    def get(self, key: str) -> Payment | None: ...


class BillingStateRepository(Protocol):
    def billed_through(self, subscription_number: str) -> Mapping[str, date]:
        """Charge number → the first day not yet invoiced."""
        ...

    def set_billed_through(self, subscription_number: str, dates: Mapping[str, date]) -> None: ...


class LimitCounters(Protocol):
    def publish(
        self,
        tenant_id: TenantId,
        *,
        process_id: str,
        window: datetime,
        requests: int,
        in_flight: int,
        in_flight_high_volume: int,
        now: datetime,
    ) -> None:
        """Record this process's counts for the tenant (replacing its previous ones)."""
        ...

    def peers(
        self, *, process_id: str, window: datetime, fresh_since: datetime
    ) -> Mapping[TenantId, PeerCounts]:
        """The other processes' counts, summed per tenant (requests of ``window`` only)."""
        ...


class IdempotencyRepository(Protocol):
    def get(self, key: str) -> IdempotencyRecord | None: ...

    def add(self, record: IdempotencyRecord) -> bool:
        """False if the key exists already (a concurrent first use won)."""
        ...

    def relock(self, key: str, locked_until: datetime) -> None: ...

    def store_response(self, key: str, response: StoredResponse) -> None: ...

    def delete(self, key: str) -> None: ...

    def delete_expired(self, now: datetime) -> int: ...

    def delete_tenant(self, tenant_id: TenantId) -> int:
        """Forget every key the tenant used (a data reset); returns how many."""
        ...


class TenantScope(Protocol):
    """The repositories of one tenant inside a unit of work."""

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def subscriptions(self) -> SubscriptionRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def counters(self) -> CounterRepository: ...

    @property
    def numbers(self) -> NumberRegistry: ...

    @property
    def invoices(self) -> InvoiceRepository: ...

    @property
    def payments(self) -> PaymentRepository: ...

    @property
    def billing(self) -> BillingStateRepository: ...

    def erase(self, *, catalog: bool) -> None:
        """Delete the tenant's accounts, subscriptions, orders, invoices, payments, billing
        state and their number sequences (numbers start again at 1); its catalog and the
        catalog's sequences too if ``catalog``. The tenant itself, its credentials and its
        settings stay."""
        ...


class UnitOfWork(Protocol):
    @property
    def tenants(self) -> TenantRepository: ...

    @property
    def tokens(self) -> TokenRepository: ...

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def idempotency(self) -> IdempotencyRepository: ...

    @property
    def limits(self) -> LimitCounters: ...

    def tenant(self, tenant_id: TenantId) -> TenantScope: ...


class Store(Protocol):
    def begin(self, *, write: bool = True) -> AbstractContextManager[UnitOfWork]:
        """A transaction: commits when the block ends normally, rolls back on an exception.

        ``write=False`` is a read-only snapshot (no write lock is taken on SQLite).
        """
        ...

    def job_outcome(self, tenant_id: TenantId, job_id: JobId) -> JobOutcome | None:
        """A job's status and result in one indexed read, outside any unit of work.

        The poll route's read: one statement needs no transaction, and a poll must not pay
        for decoding the request the job carries (300 subscriptions make it large).
        """
        ...

    @property
    def local_reads(self) -> bool:
        """True when a read is a local file access taking microseconds (SQLite), cheap
        enough to run on an event loop; False when it is a network round trip."""
        ...

    def queue_depth(self) -> Mapping[str, int]:
        """Unfinished jobs by status (``pending``, ``processing``), for metrics scrapes."""
        ...

    def ping(self) -> None:
        """Raise if the store cannot be reached (``/readyz``)."""
        ...

    def wait_for_jobs(self, timeout: float, ready: Callable[[], bool] | None = None) -> None:
        """Block until a job may be runnable (a commit added one), ``ready()`` holds (checked
        when ``nudge_waiters`` wakes the waiters), or ``timeout`` passes."""
        ...

    def wake_workers(self) -> None:
        """Tell waiting workers that a job may be runnable."""
        ...

    def nudge_waiters(self) -> None:
        """Wake waiting threads to check their ``ready`` only (no job was queued)."""
        ...

    def close(self) -> None: ...


class Handoff(Protocol):
    """Workers of this process that take a new job straight from its submission.

    When one of them is idle, the submission reserves it, inserts the job already claimed
    by it, and delivers the job once committed: no claim transaction and no queue wait,
    and nothing lost either, since the job commits with a lease (a worker that dies with
    it is rescued as any other). Otherwise the job is queued for whoever claims it.
    """

    def reserve(self, now: datetime) -> Lease | None:
        """An idle worker's lease on the next job, held for this submission; None if every
        worker is busy. A reservation ends with ``deliver`` or ``release``."""
        ...

    def deliver(self, lease: Lease, job: Job) -> None:
        """Hand the committed job to the reserved worker."""
        ...

    def release(self, lease: Lease) -> None:
        """End a reservation without a job (the submission failed or found an earlier job)."""
        ...
