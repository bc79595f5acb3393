"""Maintenance: rescue jobs whose worker died, prune old jobs and expired tokens."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from zorders.service.ports import Clock, Store

log = logging.getLogger("zorders.maintenance")


class Maintenance:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        job_retention: timedelta,
        interval: float = 5.0,
    ) -> None:
        self._store = store
        self._clock = clock
        self._retention = job_retention
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> tuple[int, int]:
        """Rescue expired leases and prune; returns (rescued, pruned)."""
        now = self._clock.now()
        with self._store.begin() as uow:
            rescued = uow.jobs.rescue_expired(now)
            pruned = uow.jobs.prune_finished(now - self._retention)
            uow.tokens.delete_expired(now)
            uow.idempotency.delete_expired(now)
        if rescued:
            log.warning("rescued %d job(s) whose worker stopped holding its lease", rescued)
        return rescued, pruned

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="maintenance", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.run_once()
            except Exception:
                log.exception("maintenance failed")
