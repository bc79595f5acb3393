"""Jobs as the zorders extension routes show them: summaries, and details with timings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from zorders.http.versions import ZuoraVersion
from zorders.http.wire.results_json import job_json
from zorders.service.jobs import Job, JobOutcome
from zorders.service.plain import plain


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="milliseconds")


def _ms(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() * 1000)


def job_summary_json(job: Job) -> dict[str, Any]:
    return {
        "jobId": job.id,
        "jobType": job.kind.value,
        "status": job.status.zuora,
        "queueStatus": job.status.value,
        "trackId": job.track_id,
        "attempts": job.attempts,
        "createdAt": _time(job.created_at),
        "startedAt": _time(job.started_at),
        "finishedAt": _time(job.finished_at),
        "runMs": _ms(job.started_at, job.finished_at),
        "errors": job.error,
    }


def job_detail_json(job: Job, version: ZuoraVersion) -> dict[str, Any]:
    """The summary, the timings, the parsed request and the job as Zuora's poll shows it."""
    polled = job_json(JobOutcome.of(job), version)
    result = polled["result"] or {}
    subscriptions = [s["subscriptionNumber"] for s in result.get("subscriptions", [])] or list(
        result.get("subscriptionNumbers", [])
    )
    links: dict[str, Any] = {"job": f"/v1/async-jobs/{job.id}"}
    if result.get("orderNumber"):
        links["order"] = f"/v1/orders/{result['orderNumber']}"
    if result.get("accountNumber"):
        links["account"] = f"/v1/accounts/{result['accountNumber']}"
    if subscriptions:
        links["subscriptions"] = [f"/v1/subscriptions/{n}" for n in subscriptions]
    return {
        **job_summary_json(job),
        "idempotencyKey": job.idempotency_key,
        "timings": {
            "queuedMs": _ms(job.created_at, job.started_at),
            "runMs": _ms(job.started_at, job.finished_at),
            "totalMs": _ms(job.created_at, job.finished_at),
        },
        "request": plain(job.request),
        "response": polled,
        "links": links,
    }
