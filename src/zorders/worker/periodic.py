"""A background thread calling a function at a fixed interval until stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("zorders.periodic")


class Periodic:
    def __init__(self, name: str, interval: float, function: Callable[[], object]) -> None:
        self._function = function
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self._function()
            except Exception:
                log.exception("%s failed", self._thread.name)
