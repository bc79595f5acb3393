"""Health reads for probes and scrapes: a round trip to the database, the queue's depth."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from zorders.service.jobs import JobStatus
from zorders.store import schema as t

_UNFINISHED = (JobStatus.PENDING.value, JobStatus.PROCESSING.value)


def ping(engine: Engine) -> None:
    """Raise if the database cannot be reached (``/readyz``)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def queue_depth(engine: Engine) -> dict[str, int]:
    """Unfinished jobs by status. A range on ``ix_jobs_claim`` (status, run_at): it reads
    the queue, not the history, so a scrape stays cheap however many jobs are kept."""
    c = t.jobs.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.status, func.count()).where(c.status.in_(_UNFINISHED)).group_by(c.status)
        ).all()
    counts = dict.fromkeys(_UNFINISHED, 0)
    counts.update({status: n for status, n in rows})
    return counts
