"""A small thread-safe Prometheus registry: counters, histograms, callback gauges, text exposition.

Written here rather than taken from ``prometheus-client``: zorders needs three metric
types, wants no process-wide default registry (the runtime owns one and passes it on),
and the hot path pays one lock and one dict lookup per observation. The tests parse the
output with ``prometheus-client``'s own parser, so the format is checked against it.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence

Labels = tuple[str, ...]

#: Seconds; from 1 ms (a poll) to 30 s (a large order under load).
DEFAULT_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _series(name: str, names: Sequence[str], values: Sequence[str]) -> str:
    if not names:
        return name
    pairs = ",".join(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True))
    return f"{name}{{{pairs}}}"


class _Metric:
    kind = "untyped"

    def __init__(self, name: str, help: str, labels: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help
        self.label_names = tuple(labels)
        self._lock = threading.Lock()

    def _check(self, labels: Labels) -> None:
        if len(labels) != len(self.label_names):
            raise ValueError(f"{self.name} takes labels {self.label_names}, got {labels}")

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> list[str]:
        raise NotImplementedError


class Counter(_Metric):
    kind = "counter"

    def __init__(self, name: str, help: str, labels: Sequence[str] = ()) -> None:
        super().__init__(name, help, labels)
        self._values: dict[Labels, float] = {}

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        with self._lock:
            current = self._values.get(labels)
            if current is None:
                self._check(labels)
                current = 0.0
            self._values[labels] = current + amount

    def touch(self, *labels: str) -> None:
        """Show the series at 0 before its first event (so ``rate()`` sees it start)."""
        self.inc(*labels, amount=0.0)

    def value(self, *labels: str) -> float:
        with self._lock:
            return self._values.get(labels, 0.0)

    def lines(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        return [f"{_series(self.name, self.label_names, k)} {_number(v)}" for k, v in items]


class _HistogramChild:
    __slots__ = ("count", "counts", "sum")

    def __init__(self, size: int) -> None:
        self.counts = [0] * size
        self.count = 0
        self.sum = 0.0


class Histogram(_Metric):
    kind = "histogram"

    def __init__(
        self,
        name: str,
        help: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = DEFAULT_BUCKETS,
    ) -> None:
        super().__init__(name, help, labels)
        self.buckets = tuple(sorted(buckets))
        self._children: dict[Labels, _HistogramChild] = {}

    def observe(self, value: float, *labels: str) -> None:
        index = bisect_left(self.buckets, value)  # le is inclusive: value == bound counts
        with self._lock:
            child = self._children.get(labels)
            if child is None:
                self._check(labels)
                child = self._children[labels] = _HistogramChild(len(self.buckets) + 1)
            child.counts[index] += 1
            child.count += 1
            child.sum += value

    def count(self, *labels: str) -> int:
        with self._lock:
            child = self._children.get(labels)
            return 0 if child is None else child.count

    def lines(self) -> list[str]:
        with self._lock:
            items = sorted((k, (list(c.counts), c.count, c.sum)) for k, c in self._children.items())
        out: list[str] = []
        names = (*self.label_names, "le")
        for labels, (counts, count, total) in items:
            running = 0
            for bound, n in zip((*self.buckets, math.inf), counts, strict=True):
                running += n
                le = "+Inf" if math.isinf(bound) else repr(float(bound))
                out.append(f"{_series(self.name + '_bucket', names, (*labels, le))} {running}")
            out.append(f"{_series(self.name + '_count', self.label_names, labels)} {count}")
            out.append(f"{_series(self.name + '_sum', self.label_names, labels)} {_number(total)}")
        return out


class CallbackGauge(_Metric):
    """A gauge read when scraped (e.g. a count query); a failing read drops its samples."""

    kind = "gauge"

    def __init__(
        self,
        name: str,
        help: str,
        labels: Sequence[str],
        read: Callable[[], Mapping[Labels, float]],
    ) -> None:
        super().__init__(name, help, labels)
        self._read = read

    def lines(self) -> list[str]:
        values = self._read()
        return [
            f"{_series(self.name, self.label_names, k)} {_number(v)}"
            for k, v in sorted(values.items())
        ]


class Registry:
    def __init__(self) -> None:
        self._metrics: dict[str, _Metric] = {}
        self._lock = threading.Lock()

    def _add(self, metric: _Metric) -> None:
        with self._lock:
            if metric.name in self._metrics:
                raise ValueError(f"metric {metric.name} is registered already")
            self._metrics[metric.name] = metric

    def counter(self, name: str, help: str, labels: Sequence[str] = ()) -> Counter:
        metric = Counter(name, help, labels)
        self._add(metric)
        return metric

    def histogram(
        self,
        name: str,
        help: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = DEFAULT_BUCKETS,
    ) -> Histogram:
        metric = Histogram(name, help, labels, buckets)
        self._add(metric)
        return metric

    def callback_gauge(
        self,
        name: str,
        help: str,
        labels: Sequence[str],
        read: Callable[[], Mapping[Labels, float]],
    ) -> CallbackGauge:
        metric = CallbackGauge(name, help, labels, read)
        self._add(metric)
        return metric

    def render(self, on_error: Callable[[str, Exception], None] | None = None) -> str:
        """The text exposition format (version 0.0.4)."""
        with self._lock:
            metrics: Iterable[_Metric] = list(self._metrics.values())
        out: list[str] = []
        for metric in metrics:
            try:
                lines = metric.lines()
            except Exception as error:  # a scrape never fails as a whole
                if on_error is not None:
                    on_error(metric.name, error)
                lines = []
            out += metric.header()
            out += lines
        return "\n".join(out) + "\n"
