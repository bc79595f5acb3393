"""Order submission with its side channels: the JobEvents report and the emulator's hook."""

from __future__ import annotations

from collections.abc import Callable

from zorders.service.orders import OrderService, SubmitOrder, submit_order
from zorders.service.ports import Clock, IdFactory, Store, UnitOfWork
from zorders.service.telemetry import JobEvents
from zorders.types import JobId, TenantId

#: Called inside the submitting transaction, before it commits (see ``submit``).
BeforeCommit = Callable[[UnitOfWork, TenantId, JobId], None]


class ObservedOrderService(OrderService):
    """``OrderService`` whose ``submit`` reports committed jobs and lets a hook see each
    job id before any worker can claim it (the emulator attaches its directives there)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: IdFactory,
        *,
        events: JobEvents,
        before_commit: BeforeCommit | None = None,
    ) -> None:
        super().__init__(store, clock, ids)
        self._events = events
        self._before_commit = before_commit

    def submit(self, cmd: SubmitOrder) -> JobId:
        with self._store.begin() as uow:
            job_id = submit_order(cmd, uow, self._clock, self._ids)
            if self._before_commit is not None:
                # Workers are woken by the commit, so nothing has run the job yet.
                self._before_commit(uow, cmd.tenant_id, job_id)
        self._events.job_submitted(cmd.kind.value)
        return job_id
