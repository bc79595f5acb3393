"""A tenant's jobs, newest first, filtered by the status Zuora shows (a zorders extension)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zorders.domain.errors import InvalidValue
from zorders.service.jobs import Job, JobStatus
from zorders.service.queries import Queries
from zorders.types import TenantId

#: Zuora's job statuses → the queue's; ``Processing`` covers waiting and running jobs.
STATUSES: dict[str, tuple[JobStatus, ...]] = {
    "Processing": (JobStatus.PENDING, JobStatus.PROCESSING),
    "Completed": (JobStatus.COMPLETED,),
    "Failed": (JobStatus.FAILED,),
}
MAX_LIMIT = 100


@dataclass(frozen=True, kw_only=True, slots=True)
class JobPage:
    jobs: tuple[Job, ...]
    has_more: bool


def list_jobs(
    queries: Queries, tenant_id: TenantId, *, status: str | None, limit: int, offset: int
) -> JobPage:
    if status is not None and status not in STATUSES:
        raise InvalidValue(f"'status' must be one of {', '.join(STATUSES)}, not '{status}'.")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidValue(f"'limit' must be 1 to {MAX_LIMIT} and 'offset' 0 or more.")
    wanted = limit + 1  # one more tells whether there is a next page
    if status is None or len(STATUSES[status]) == 1:
        value = None if status is None else STATUSES[status][0].value
        jobs: Sequence[Job] = queries.jobs(tenant_id, status=value, limit=wanted, offset=offset)
    else:
        # One list per queue status, merged: each needs its first offset+wanted rows only.
        merged = [
            job
            for s in STATUSES[status]
            for job in queries.jobs(tenant_id, status=s.value, limit=offset + wanted, offset=0)
        ]
        merged.sort(key=lambda j: j.id)
        merged.sort(key=lambda j: j.created_at, reverse=True)  # the store's order
        jobs = merged[offset : offset + wanted]
    return JobPage(jobs=tuple(jobs[:limit]), has_more=len(jobs) > limit)
