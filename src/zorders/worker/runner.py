"""The worker: claim a job, run its handler, commit the effects and the completion together."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from zorders.domain.errors import InternalError, LockContention, ZuoraError
from zorders.observability.logs import log_context
from zorders.service.handlers import JOB_HANDLERS, JobHandler
from zorders.service.jobs import Job, JobKind, WorkerCrash, job_error_text
from zorders.service.ports import Clock, IdFactory, Store
from zorders.service.telemetry import JobEvents, NoJobEvents
from zorders.worker.handoff import HandoffSlot

log = logging.getLogger("zorders.worker")


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkerOptions:
    #: How long a claimed job is ours before the rescuer may give it to another worker.
    lease: timedelta = timedelta(seconds=30)
    #: The safety-net poll when no wake-up arrives.
    poll_interval: float = 1.0
    #: Attempts before a job that keeps hitting lock contention fails with [40000050].
    max_attempts: int = 5
    retry_backoff: timedelta = timedelta(milliseconds=200)


class Worker:
    """One worker loop. ``run_until_idle`` drains the queue synchronously (tests, CLI)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ids: IdFactory,
        *,
        name: str,
        options: WorkerOptions = WorkerOptions(),
        handlers: Mapping[JobKind, JobHandler] = JOB_HANDLERS,
        events: JobEvents | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self.name = name
        self._options = options
        self._handlers = handlers
        self._events: JobEvents = events or NoJobEvents()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        #: Where a submission of this process may hand this worker a job while it waits.
        self.slot = HandoffSlot()

    def run_once(self) -> bool:
        """Claim and run one job; False if none was runnable."""
        now = self._clock.now()
        with self._store.begin() as uow:
            job = uow.jobs.claim(
                worker_id=self.name, now=now, lease_until=now + self._options.lease
            )
        if job is None:
            return False
        self._start(job, now)
        return True

    def run_until_idle(self) -> int:
        """Run jobs until none is runnable; returns how many ran."""
        count = 0
        while self.run_once():
            count += 1
        return count

    def _start(self, job: Job, now: datetime) -> None:
        self._events.job_started(job.kind.value, (now - job.created_at).total_seconds())
        self._run(job)

    def _run(self, job: Job) -> None:
        # Log records of the run carry the job id and the client's Zuora-Track-Id.
        with log_context(job_id=job.id, track_id=job.track_id), _Heartbeat(self, job):
            started = time.monotonic()
            outcome = self._execute(job)
            self._events.job_finished(job.kind.value, outcome, time.monotonic() - started)

    def extend_lease(self, job: Job) -> None:
        now = self._clock.now()
        with self._store.begin() as uow:
            uow.jobs.extend_lease(
                job.id, worker_id=self.name, lease_until=now + self._options.lease
            )

    @property
    def lease(self) -> timedelta:
        return self._options.lease

    def _execute(self, job: Job) -> str:
        """Run the job's handler; returns the outcome (``completed``, ``failed``, …)."""
        handler = self._handlers[job.kind]
        try:
            with self._store.begin() as uow:
                result = handler(job, uow, self._clock, self._ids)
                # Completion commits in the same transaction as the order's writes:
                # if the lease was lost, nothing of this run is kept (exactly-once effects).
                if not uow.jobs.complete(
                    job.id, worker_id=self.name, result=result, now=self._clock.now()
                ):
                    raise _LeaseLost
        except _LeaseLost:
            log.warning("job %s: lease lost, its effects were rolled back", job.id)
            return "lease_lost"
        except WorkerCrash:
            # Walk away as a dead worker would: the heartbeat stops with this run, so the
            # lease runs out and the rescuer hands the job to a worker again.
            log.warning("job %s: its worker crashed (emulated); the rescuer will return it", job.id)
            return "crashed"
        except LockContention as error:
            return self._retry_or_fail(job, error)
        except ZuoraError as error:
            self._fail(job, error)
            return "failed"
        except Exception as error:
            if _is_lock_error(error):
                return self._retry_or_fail(job, LockContention(_LOCK_MESSAGE))
            log.exception("job %s crashed", job.id)
            self._fail(job, InternalError(_INTERNAL_MESSAGE))
            return "failed"
        return "completed"

    def _retry_or_fail(self, job: Job, error: LockContention) -> str:
        if job.attempts >= self._options.max_attempts:
            self._fail(job, error)
            return "failed"
        now = self._clock.now()
        with self._store.begin() as uow:
            uow.jobs.retry(
                job.id,
                worker_id=self.name,
                run_at=now + self._options.retry_backoff * job.attempts,
                now=now,
            )
        return "retried"

    def _fail(self, job: Job, error: ZuoraError) -> None:
        # Zuora reports job failures with its job codes, e.g. [40000020] (facts §1).
        with self._store.begin() as uow:
            uow.jobs.fail(
                job.id,
                worker_id=self.name,
                error=job_error_text(error.job_code, error.message),
                now=self._clock.now(),
            )

    # -- background thread -------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Let the current job finish, then stop."""
        self._stopping.set()
        self._store.wake_workers()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.run_once():
                    continue
            except Exception:
                log.exception("worker %s: claim failed", self.name)
            job = self._wait()
            if job is None:
                continue
            try:
                self._start(job, self._clock.now())
            except Exception:  # as a claimed one's: the job keeps its lease, to be rescued
                log.exception("worker %s: a job handed over could not run", self.name)

    def _wait(self) -> Job | None:
        """Wait for queued jobs; returns a job a submission handed over meanwhile, if any."""
        self.slot.open()
        try:
            self._store.wait_for_jobs(self._options.poll_interval, ready=self.slot.delivered)
        finally:
            job = self.slot.close()
        return job


class _LeaseLost(Exception):
    pass


class _Heartbeat:
    """Extends a running job's lease every third of the lease, so a long job is never
    rescued from a live worker; a dead worker stops beating and its lease runs out.

    One thread beats for every running job of the process (``_BEATS``): a thread started
    and joined per job cost a short job as much as its own work, waiting for the GIL on
    both ends (a poll's queue overhead is the sum of such costs).
    """

    def __init__(self, worker: Worker, job: Job) -> None:
        self._worker = worker
        self._job = job
        self.interval = worker.lease.total_seconds() / 3

    def __enter__(self) -> _Heartbeat:
        _BEATS.add(self)
        return self

    def __exit__(self, *_: object) -> None:
        _BEATS.remove(self)

    def beat(self) -> None:
        # A job that ended meanwhile is not extended: the update requires the lease.
        try:
            self._worker.extend_lease(self._job)
        except Exception:
            log.warning("job %s: heartbeat failed", self._job.id, exc_info=True)


class _Beats:
    """The process's heartbeat thread, started on first use, and the beats it owes."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: dict[_Heartbeat, float] = {}
        self._wakes_at = 0.0
        self._thread: threading.Thread | None = None

    def add(self, heartbeat: _Heartbeat) -> None:
        with self._cond:
            due = time.monotonic() + heartbeat.interval
            self._due[heartbeat] = due
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="zorders-heartbeats", daemon=True
                )
                self._thread.start()
            elif due < self._wakes_at:  # else the thread wakes in time anyway
                self._cond.notify()

    def remove(self, heartbeat: _Heartbeat) -> None:
        with self._cond:
            self._due.pop(heartbeat, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                due = [beat for beat, at in self._due.items() if at <= now]
                for beat in due:
                    self._due[beat] = now + beat.interval
                if not due:
                    self._wakes_at = min(self._due.values(), default=now + 60.0)
                    self._cond.wait(self._wakes_at - now)
                    continue
            for beat in due:
                beat.beat()


_BEATS = _Beats()


def _is_lock_error(error: Exception) -> bool:
    # The store's driver errors are not ours to import here; their text is stable.
    # A unique violation here is a race with a concurrent transaction (two orders taking
    # the same new number); on retry the order sees the committed row and either passes
    # or fails with the proper business error.
    text = str(error).lower()
    return any(
        marker in text
        for marker in (
            "database is locked",
            "deadlock detected",
            "could not serialize access",
            "duplicate key value violates unique constraint",
            "unique constraint failed",
        )
    )


_LOCK_MESSAGE = "Operation failed due to a lock competition, please retry later."
_INTERNAL_MESSAGE = "Oops, internal error occurred, please contact Zuora support."
