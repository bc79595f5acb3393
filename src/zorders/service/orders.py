"""Order use cases: submit a job, and execute a create or preview (async jobs and sync calls)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from zorders.domain.activation import Activated, SubscriptionTriggerDates, update_trigger_dates
from zorders.domain.errors import InvalidValue, NotFound, Resource, ZuoraError
from zorders.domain.order_actions import OrderRequest
from zorders.domain.orders import place_order
from zorders.domain.subscriptions import Subscription
from zorders.service.billing_run import run_billing
from zorders.service.context import load_order_context
from zorders.service.jobs import Job, JobKind, JobStatus, Lease
from zorders.service.numbering import DeferredNumbering, renumbered
from zorders.service.ports import Clock, IdFactory, Store, UnitOfWork
from zorders.service.preview import preview_order
from zorders.service.results import (
    CreateOrderResult,
    LineItemOutcome,
    PreviewOrderResult,
    SubscriptionOutcome,
)
from zorders.service.tenants import tenant_settings
from zorders.service.test_clock import settings_clock
from zorders.types import JobId, TenantId

#: Zuora's documented size limits per call (facts §2 "Size limits").
SYNC_LIMIT = 50
ASYNC_LIMIT = 300


@dataclass(frozen=True, kw_only=True, slots=True)
class SubmitOrder:
    tenant_id: TenantId
    kind: JobKind
    request: OrderRequest
    track_id: str | None = None
    idempotency_key: str | None = None


def check_request_shape(request: OrderRequest, *, limit: int, preview: bool) -> None:
    """Refuse at once what no job could run: size limits and contradictory account fields."""
    if len(request.subscriptions) > limit:
        raise InvalidValue(
            f"An order can contain at most {limit} subscriptions in this call.",
            resource=Resource.ORDER,
        )
    actions = sum(len(change.actions) for change in request.subscriptions)
    if actions > limit:
        raise InvalidValue(
            f"An order can contain at most {limit} order actions in this call.",
            resource=Resource.ORDER,
        )
    has_account_source = request.existing_account_number is not None or (
        request.preview_account if preview else request.new_account
    )
    if request.existing_account_number is not None and request.new_account is not None:
        raise InvalidValue(
            "Specify either 'existingAccountNumber' or 'newAccount', not both.",
            resource=Resource.ORDER,
        )
    if not has_account_source:
        wanted = "'previewAccountInfo'" if preview else "'newAccount'"
        raise InvalidValue(
            f"Either 'existingAccountNumber' or {wanted} is required.", resource=Resource.ORDER
        )
    if not request.subscriptions and not request.line_items:
        raise InvalidValue(
            "'subscriptions' or 'orderLineItems' must not be empty.", resource=Resource.ORDER
        )
    if request.processing.collect_payment and not request.processing.run_billing:
        raise InvalidValue(
            "'collectPayment' cannot be true while 'runBilling' is false.",
            resource=Resource.ORDER,
        )


def submit_order(
    cmd: SubmitOrder,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdFactory,
    *,
    lease: Lease | None = None,
) -> Job:
    """Insert the job carrying ``cmd.request``; it commits with the caller's unit of work,
    so a jobId handed to a client always names a committed job.

    With ``lease``, the job is inserted already claimed by that worker (its first attempt,
    started now): a worker of this process that was idle takes it from here, with no claim
    transaction (``Handoff``). Returns the new job, or the earlier job of the same
    idempotency key (never a second one).
    """
    check_request_shape(cmd.request, limit=ASYNC_LIMIT, preview=cmd.kind is JobKind.PREVIEW_ORDER)
    if cmd.idempotency_key is not None:
        earlier = uow.jobs.by_idempotency_key(cmd.tenant_id, cmd.idempotency_key)
        if earlier is not None:
            return earlier  # the same request, retried: never a second job
    now = clock.now()
    job = Job(
        id=JobId(ids.new_id()),
        tenant_id=cmd.tenant_id,
        kind=cmd.kind,
        status=JobStatus.PENDING if lease is None else JobStatus.PROCESSING,
        request=cmd.request,
        created_at=now,
        updated_at=now,
        track_id=cmd.track_id,
        idempotency_key=cmd.idempotency_key,
    )
    if lease is not None:
        job = replace(
            job,
            attempts=1,
            started_at=now,
            locked_by=lease.worker_id,
            locked_until=lease.until,
        )
    uow.jobs.add(job)
    return job


def create_order(
    uow: UnitOfWork, tenant_id: TenantId, request: OrderRequest, clock: Clock, ids: IdFactory
) -> CreateOrderResult:
    """Apply the order and write everything it creates in ``uow`` (all or nothing)."""
    scope = uow.tenant(tenant_id)
    context = load_order_context(scope, request)
    settings = tenant_settings(uow, tenant_id)
    now = settings_clock(settings, clock).now()
    numbering = DeferredNumbering(scope.counters, ids)
    created_at = now.strftime("%Y-%m-%d %H:%M:%S")
    try:
        computed = place_order(
            request,
            context,
            numbering,
            created_at=created_at,
            # "Today" policies use the UTC date: zorders tenants have no time zone setting.
            today=now.date(),
        )
    except ZuoraError as error:
        numbering.resolve_message(error)
        raise
    # The tenant's numbers are taken here, after the computation: from now to the commit
    # the tenant's other orders wait for them.
    outcome = renumbered(computed, numbering.assign())
    if outcome.created_account:
        scope.accounts.add(outcome.account)
    elif context.existing_account is not None and outcome.account != context.existing_account:
        scope.accounts.update(outcome.account)
    for subscription in outcome.subscriptions:
        scope.subscriptions.add_version(subscription)
    scope.orders.add(outcome.order)
    billing = None
    if request.processing.run_billing:
        today = now.date()
        billing = run_billing(
            scope,
            account=outcome.account,
            subscriptions=outcome.subscriptions,
            target_date=request.processing.target_date or today,
            invoice_date=request.processing.document_date or today,
            exclude=frozenset(request.processing.charge_types_to_exclude),
            collect=request.processing.collect_payment,
            rules=settings.billing,
            numbering=numbering,
            created_at=created_at,
        )
        scope.accounts.update(billing.account)
    invoice = billing.invoice if billing else None
    payment = billing.payment if billing else None
    return CreateOrderResult(
        order_number=outcome.order.number,
        order_id=outcome.order.id,
        account_number=outcome.account.number,
        account_id=outcome.account.id,
        status=outcome.order.status.value,
        subscriptions=tuple(
            SubscriptionOutcome(
                number=s.number,
                id=s.id,
                status=s.status.value,
                owner_account_id=s.account_id,
                owner_account_number=s.account_number,
            )
            for s in outcome.subscriptions
        ),
        return_ids=request.return_ids,
        invoice_numbers=(invoice.number,) if invoice else (),
        invoice_ids=(invoice.id,) if invoice else (),
        payment_number=payment.number if payment else None,
        payment_id=payment.id if payment else None,
        paid_amount=payment.amount if payment else None,
        payment_status=payment.status if payment else None,
        order_line_items=tuple(
            LineItemOutcome(id=item.id, item_number=item.item_number)
            for item in outcome.order.line_items
        ),
    )


def update_order_trigger_dates(
    uow: UnitOfWork,
    tenant_id: TenantId,
    order_number: str,
    updates: tuple[SubscriptionTriggerDates, ...],
) -> Activated:
    """Activate a Pending order's waiting charges (``PUT /v1/orders/{n}/triggerDates``)."""
    scope = uow.tenant(tenant_id)
    order = scope.orders.get(order_number)
    if order is None:
        raise NotFound(f"Order {order_number} does not exist.", resource=Resource.ORDER)
    written: dict[str, Subscription] = {}
    latest: dict[str, Subscription] = {}
    bases: dict[str, Subscription | None] = {}
    for record in order.subscriptions:
        number = record.subscription_number
        version = scope.subscriptions.version(number, record.new_version)
        newest = scope.subscriptions.latest(number)
        assert version is not None and newest is not None  # an order's versions stay
        written[number], latest[number] = version, newest
        bases[number] = (
            None
            if record.base_version is None
            else scope.subscriptions.version(number, record.base_version)
        )
    activated = update_trigger_dates(order, updates, written=written, latest=latest, bases=bases)
    for subscription in activated.subscriptions:
        scope.subscriptions.update_version(subscription)
    scope.orders.update(activated.order)
    return activated


def run_create_order(job: Job, uow: UnitOfWork, clock: Clock, ids: IdFactory) -> CreateOrderResult:
    return create_order(uow, job.tenant_id, job.request, clock, ids)


def run_preview_order(
    job: Job, uow: UnitOfWork, clock: Clock, ids: IdFactory
) -> PreviewOrderResult:
    return preview_order(uow, job.tenant_id, job.request, clock, ids)


class OrderService:
    """The order use cases, each in its own transaction, as the HTTP endpoints call them."""

    def __init__(self, store: Store, clock: Clock, ids: IdFactory) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    def submit(self, cmd: SubmitOrder) -> JobId:
        with self._store.begin() as uow:
            return submit_order(cmd, uow, self._clock, self._ids).id

    def create(self, tenant_id: TenantId, request: OrderRequest) -> CreateOrderResult:
        """``POST /v1/orders``: the same engine as the async job, within the sync limits."""
        check_request_shape(request, limit=SYNC_LIMIT, preview=False)
        with self._store.begin() as uow:
            return create_order(uow, tenant_id, request, self._clock, self._ids)

    def preview(self, tenant_id: TenantId, request: OrderRequest) -> PreviewOrderResult:
        check_request_shape(request, limit=SYNC_LIMIT, preview=True)
        with self._store.begin(write=False) as uow:
            return preview_order(uow, tenant_id, request, self._clock, self._ids)

    def update_trigger_dates(
        self,
        tenant_id: TenantId,
        order_number: str,
        updates: tuple[SubscriptionTriggerDates, ...],
    ) -> Activated:
        with self._store.begin() as uow:
            return update_order_trigger_dates(uow, tenant_id, order_number, updates)
