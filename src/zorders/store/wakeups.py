"""Worker wake-ups within one process, shared by the stores."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Wakeups:
    """A commit that queued jobs signals every waiting worker; each waiting thread returns
    on a signal it has not seen yet, when its ``ready()`` holds after a nudge, or at its
    timeout. Each thread remembers the last signal it saw, so a commit landing between its
    empty claim and its wait is not missed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._signals = 0
        self._seen = threading.local()

    def signal(self) -> None:
        with self._cond:
            self._signals += 1
            self._cond.notify_all()

    def nudge(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def wait(self, timeout: float, ready: Callable[[], bool] | None = None) -> None:
        with self._cond:
            seen = getattr(self._seen, "signals", 0)
            self._cond.wait_for(
                lambda: self._signals != seen or (ready is not None and ready()), timeout=timeout
            )
            self._seen.signals = self._signals
