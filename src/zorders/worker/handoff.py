"""A new job handed straight to an idle worker of the submitting process.

The queue's own path costs a job two transactions before it runs: the submission's commit
wakes the workers, and one of them claims the job in a write transaction of its own (on
SQLite, behind every other writer). When a worker of this process is idle, the submission
reserves it instead, inserts the job already claimed by it (``locked_by``, a lease, the
first attempt) and hands the committed job over: nothing is claimed, no other worker is
woken. Nothing is lost either: the job commits with its lease like any claimed job, so
if its worker dies the rescuer returns it to the queue.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from enum import Enum, auto
from typing import TYPE_CHECKING

from zorders.service.jobs import Job, Lease
from zorders.service.ports import Store

if TYPE_CHECKING:
    from zorders.worker.runner import Worker


class _State(Enum):
    BUSY = auto()  # running a job, or between jobs: not waiting
    IDLE = auto()  # waiting for work: a submission may reserve it
    RESERVED = auto()  # a submission's transaction is under way for it
    DELIVERED = auto()  # that transaction committed: the job is here


class HandoffSlot:
    """One worker's side of the hand-off."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._state = _State.BUSY
        self._job: Job | None = None

    def open(self) -> None:
        """The worker is about to wait for work."""
        with self._cond:
            self._state = _State.IDLE

    def reserve(self) -> bool:
        with self._cond:
            if self._state is not _State.IDLE:
                return False
            self._state = _State.RESERVED
            return True

    def deliver(self, job: Job) -> None:
        with self._cond:
            if self._state is not _State.RESERVED:
                raise RuntimeError(f"job {job.id} delivered to a worker that was not reserved")
            self._state, self._job = _State.DELIVERED, job
            self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            if self._state is _State.RESERVED:
                self._state = _State.IDLE
                self._cond.notify_all()

    def idle(self) -> bool:
        return self._state is _State.IDLE

    def delivered(self) -> bool:
        """Whether a job is waiting here (the worker's wake-up condition)."""
        return self._state is _State.DELIVERED

    def close(self) -> Job | None:
        """The worker stopped waiting: the job handed over, if any. A reservation still
        open is waited out (its submission commits or fails within its transaction)."""
        with self._cond:
            self._cond.wait_for(lambda: self._state is not _State.RESERVED)
            job, self._job = self._job, None
            self._state = _State.BUSY
            return job


class LocalHandoff:
    """``service.ports.Handoff`` over the workers of this process."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._workers: dict[str, Worker] = {}

    def attach(self, workers: Sequence[Worker]) -> None:
        """The workers that take handed-off jobs (the process's in-process workers)."""
        self._workers = {worker.name: worker for worker in workers}

    def idle(self) -> int:
        """How many of the workers wait for work now (a worker that has just finished a job
        looks for queued ones first, in a claim of its own, before it waits)."""
        return sum(worker.slot.idle() for worker in self._workers.values())

    def reserve(self, now: datetime) -> Lease | None:
        for worker in self._workers.values():
            if worker.slot.reserve():
                return Lease(worker.name, now + worker.lease)
        return None

    def deliver(self, lease: Lease, job: Job) -> None:
        self._workers[lease.worker_id].slot.deliver(job)
        # The reserved worker waits with the others for queued jobs: wake them to look.
        self._store.nudge_waiters()

    def release(self, lease: Lease) -> None:
        self._workers[lease.worker_id].slot.release()
