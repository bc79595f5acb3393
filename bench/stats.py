"""Small statistics: percentiles, a least-squares line, and how straight a cost curve is."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass(frozen=True, kw_only=True, slots=True)
class Linearity:
    #: Least-squares cost per unit (ms per period, ms per subscription).
    slope: float
    intercept: float
    #: The cost per unit between each pair of neighbouring sizes.
    segment_slopes: tuple[float, ...]
    #: The largest relative gap between a segment's slope and the fitted slope: a cost
    #: that grows linearly keeps every segment near it; a quadratic one drifts upward.
    max_deviation: float

    def within(self, tolerance: float) -> bool:
        return self.max_deviation <= tolerance


def linearity(sizes: Sequence[float], costs: Sequence[float]) -> Linearity:
    n = len(sizes)
    if n < 2 or n != len(costs):
        raise ValueError("need two or more (size, cost) pairs")
    mean_x = sum(sizes) / n
    mean_y = sum(costs) / n
    sxx = sum((x - mean_x) ** 2 for x in sizes)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(sizes, costs, strict=True)) / sxx
    segments = tuple((costs[i + 1] - costs[i]) / (sizes[i + 1] - sizes[i]) for i in range(n - 1))
    deviation = max(abs(s - slope) / slope for s in segments) if slope > 0 else math.inf
    return Linearity(
        slope=slope,
        intercept=mean_y - slope * mean_x,
        segment_slopes=segments,
        max_deviation=deviation,
    )
