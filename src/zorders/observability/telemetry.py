"""The ``zorders_*`` series: jobs by kind, job and HTTP latency, queue depth, build info."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from zorders.observability.metrics import Labels, Registry

log = logging.getLogger("zorders.metrics")

#: Job outcomes a worker reports (``job_finished``).
COMPLETED = "completed"
FAILED = "failed"
RETRIED = "retried"
LEASE_LOST = "lease_lost"
#: The run was abandoned as a crashed worker's would be; the rescuer returns the job.
CRASHED = "crashed"


class Telemetry:
    """Owned by the runtime and handed to the worker, the submitter and the HTTP layer."""

    def __init__(
        self,
        *,
        version: str,
        job_kinds: Iterable[str] = (),
        queue_depth: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        self.registry = r = Registry()
        r.callback_gauge(
            "zorders_build_info", "The running zorders version.", ("version",),
            lambda: {(version,): 1},
        )  # fmt: skip
        self.jobs_submitted = r.counter(
            "zorders_jobs_submitted_total", "Jobs accepted (committed), by kind.", ("kind",)
        )
        self.jobs_handed_over = r.counter(
            "zorders_jobs_handed_over_total",
            "Jobs handed to an idle worker of the submitting process at their commit, by kind.",
            ("kind",),
        )
        self.jobs_completed = r.counter(
            "zorders_jobs_completed_total", "Jobs that completed, by kind.", ("kind",)
        )
        self.jobs_failed = r.counter(
            "zorders_jobs_failed_total", "Jobs that failed with a Zuora error, by kind.", ("kind",)
        )
        self.jobs_retried = r.counter(
            "zorders_jobs_retried_total",
            "Job runs given back to the queue (lock contention, lost lease, crash), by kind.",
            ("kind",),
        )
        self.job_duration = r.histogram(
            "zorders_job_duration_seconds",
            "Time a worker spent running a job, by kind and outcome.",
            ("kind", "outcome"),
        )
        self.job_wait = r.histogram(
            "zorders_job_queue_wait_seconds",
            "Time from a job's submission to the start of this run (claimed, or handed over), by kind.",
            ("kind",),
        )
        self.http_duration = r.histogram(
            "zorders_http_request_duration_seconds",
            "HTTP request latency, by method, route template and status.",
            ("method", "route", "status"),
        )
        if queue_depth is not None:
            read = queue_depth
            r.callback_gauge(
                "zorders_queue_depth",
                "Jobs not finished yet, by status (pending: waiting for a worker).",
                ("status",),
                lambda: {(status,): n for status, n in read().items()},
            )
        for kind in job_kinds:
            for counter in (
                self.jobs_submitted,
                self.jobs_handed_over,
                self.jobs_completed,
                self.jobs_failed,
                self.jobs_retried,
            ):
                counter.touch(kind)

    # -- the JobEvents port (service.telemetry) ---------------------------------------

    def job_submitted(self, kind: str, *, handed_over: bool) -> None:
        self.jobs_submitted.inc(kind)
        if handed_over:
            self.jobs_handed_over.inc(kind)

    def job_started(self, kind: str, waited_seconds: float) -> None:
        self.job_wait.observe(max(waited_seconds, 0.0), kind)

    def job_finished(self, kind: str, outcome: str, seconds: float) -> None:
        if outcome == COMPLETED:
            self.jobs_completed.inc(kind)
        elif outcome == FAILED:
            self.jobs_failed.inc(kind)
        else:
            self.jobs_retried.inc(kind)
        self.job_duration.observe(seconds, kind, outcome)

    # -- HTTP -------------------------------------------------------------------------

    def http_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_duration.observe(seconds, method, route, str(status))

    def render(self) -> str:
        return self.registry.render(on_error=_log_scrape_error)


def _log_scrape_error(name: str, error: Exception) -> None:
    log.warning("metric %s could not be read: %s", name, error)


__all__ = ["COMPLETED", "CRASHED", "FAILED", "LEASE_LOST", "RETRIED", "Labels", "Telemetry"]
