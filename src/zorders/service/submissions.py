"""Order submission with its side channels: the JobEvents report, the emulator's hook, and
the hand-off of a new job to an idle worker of this process."""

from __future__ import annotations

from collections.abc import Callable

from zorders.service.jobs import Job, Lease
from zorders.service.orders import OrderService, SubmitOrder, submit_order
from zorders.service.ports import Clock, Handoff, IdFactory, Store, UnitOfWork
from zorders.service.telemetry import JobEvents
from zorders.types import JobId, TenantId

#: Called inside the submitting transaction, before it commits (see ``submit``).
BeforeCommit = Callable[[UnitOfWork, TenantId, JobId], None]


class ObservedOrderService(OrderService):
    """``OrderService`` whose ``submit`` reports committed jobs, lets a hook see each job id
    before any worker can run it (the emulator attaches its directives there), and hands
    a new job to an idle local worker when there is one (``Handoff``)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: IdFactory,
        *,
        events: JobEvents,
        before_commit: BeforeCommit | None = None,
        handoff: Handoff | None = None,
    ) -> None:
        super().__init__(store, clock, ids)
        self._events = events
        self._before_commit = before_commit
        self._handoff = handoff

    def submit(self, cmd: SubmitOrder) -> JobId:
        handoff = self._handoff
        lease = None if handoff is None else handoff.reserve(self._clock.now())
        handed_over = False
        if handoff is None or lease is None:
            job = self._insert(cmd, None)
        else:
            try:
                job = self._insert(cmd, lease)
            except BaseException:
                handoff.release(lease)
                raise
            handed_over = lease.claimed(job)
            if handed_over:
                handoff.deliver(lease, job)
            else:  # an earlier job of the same Idempotency-Key: nothing new to run
                handoff.release(lease)
        self._events.job_submitted(cmd.kind.value, handed_over=handed_over)
        return job.id

    def _insert(self, cmd: SubmitOrder, lease: Lease | None) -> Job:
        with self._store.begin() as uow:
            job = submit_order(cmd, uow, self._clock, self._ids, lease=lease)
            if self._before_commit is not None:
                # Nothing runs the job before this commits: queued workers are woken by
                # the commit, a reserved worker by the delivery after it.
                self._before_commit(uow, cmd.tenant_id, job.id)
        return job
