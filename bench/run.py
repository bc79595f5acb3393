"""One benchmark run: its sizes (full or quick), its scratch folder, and what it started."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench.procs import Proc

P = TypeVar("P", bound=Proc)


@dataclass(frozen=True, kw_only=True, slots=True)
class Sizes:
    """How much each measurement does; ``QUICK`` keeps the harness honest in seconds."""

    poll_seconds: int
    poll_rounds: int
    connections: tuple[int, ...]
    #: Server processes (``zorders serve --processes``), the references likewise.
    poll_processes: tuple[int, ...]
    accept_seconds: int
    latency_orders: int
    exec_repeats: int
    worker_counts: tuple[int, ...]
    worker_repeats: int
    worker_jobs: int
    claim_jobs: int
    preview_periods: tuple[int, ...]
    preview_subscriptions: tuple[int, ...]
    preview_repeats: int


FULL = Sizes(
    poll_seconds=3,
    poll_rounds=5,
    connections=(1, 16, 64),
    poll_processes=(1, 2),
    accept_seconds=5,
    latency_orders=100,
    exec_repeats=60,
    worker_counts=(1, 2, 4),
    worker_repeats=3,
    worker_jobs=500,
    claim_jobs=100,
    preview_periods=(12, 60, 120),
    preview_subscriptions=(1, 10, 100, 300),
    preview_repeats=9,
)
QUICK = Sizes(
    poll_seconds=1,
    poll_rounds=1,
    connections=(16,),
    poll_processes=(1,),
    accept_seconds=1,
    latency_orders=5,
    exec_repeats=5,
    worker_counts=(1, 2),
    worker_repeats=1,
    worker_jobs=10,
    claim_jobs=5,
    preview_periods=(12, 24),
    preview_subscriptions=(1, 3),
    preview_repeats=1,
)


@dataclass(kw_only=True)
class Run:
    sizes: Sizes
    #: Scratch space: SQLite files and process logs (kept when a run fails).
    folder: Path
    #: A PostgreSQL server's admin URL (a fresh database is made per run), or None.
    postgres_url: str | None
    #: Every process started, for the memory report and for clean-up.
    processes: list[Proc] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        path = self.folder / "logs"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def started(self, proc: P) -> P:
        self.processes.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.processes:
            proc.stop()
