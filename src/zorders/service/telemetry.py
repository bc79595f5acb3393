"""The JobEvents port: what happened to jobs, for metrics (and anything else that listens)."""

from __future__ import annotations

from typing import Protocol


class JobEvents(Protocol):
    def job_submitted(self, kind: str, *, handed_over: bool) -> None:
        """A job of ``kind`` (its Zuora ``jobType``) was committed; ``handed_over``: to an
        idle worker of this process, rather than to the queue (``ports.Handoff``)."""
        ...

    def job_started(self, kind: str, waited_seconds: float) -> None:
        """A worker started a job (claimed, or handed over) this long after its submission."""
        ...

    def job_finished(self, kind: str, outcome: str, seconds: float) -> None:
        """A run ended: ``completed``, ``failed``, ``retried``, ``lease_lost`` or ``crashed``."""
        ...


class NoJobEvents:
    """Listens to nothing (tests and tools that need no metrics)."""

    def job_submitted(self, kind: str, *, handed_over: bool) -> None:
        pass

    def job_started(self, kind: str, waited_seconds: float) -> None:
        pass

    def job_finished(self, kind: str, outcome: str, seconds: float) -> None:
        pass
