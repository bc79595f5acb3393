"""Measurement 4: how a preview's cost grows with periods and with subscriptions per order.

In-process through the service (``service.preview.preview_order``, what both the sync
call and the async job run; the sync ``OrderService.preview`` caps an order at 50
subscriptions, the async job at 300), on a store made by ``zorders.bootstrap.build``.

- periods: one subscription to a plan of 20 monthly charges, terms of 12, 60, 120 months
  (60 is issue #4's case: a 5-year monthly subscription with 20 charges);
- subscriptions: 1, 10, 100, 300 subscriptions to the flat monthly plan, 12 months.
"""

from __future__ import annotations

import time
from typing import Any

from bench import db
from bench.run import Run
from bench.stats import linearity
from bench.workload import FLAT_PLAN, add_wide_plan, preview_body, preview_request
from zorders.bootstrap import Runtime
from zorders.service.preview import preview_order
from zorders.types import TenantId

WIDE_CHARGES = 20
TOLERANCE = 0.20


def measure(run: Run) -> dict[str, Any]:
    runtime, tenant_id = db.runtime_for(f"sqlite:///{run.folder / 'preview.db'}")
    wide = add_wide_plan(runtime, tenant_id, charges=WIDE_CHARGES)
    cases = [("periods", m, preview_body(plan=wide, months=m)) for m in run.sizes.preview_periods]
    cases += [
        ("subscriptions", n, preview_body(subscriptions=n, plan=FLAT_PLAN))
        for n in run.sizes.preview_subscriptions
    ]
    timed = _time(runtime, tenant_id, [body for _, _, body in cases], run.sizes.preview_repeats)
    runtime.close()
    curves: dict[str, dict[int, Any]] = {"periods": {}, "subscriptions": {}}
    for (curve, size, _), point in zip(cases, timed, strict=True):
        curves[curve][size] = point
    return {
        "periods": _curve(
            curves["periods"], f"months of a {WIDE_CHARGES}-charge monthly subscription"
        ),
        "subscriptions": _curve(curves["subscriptions"], "subscriptions of 12 monthly periods"),
    }


def _time(
    runtime: Runtime, tenant_id: TenantId, bodies: list[dict[str, Any]], repeats: int
) -> list[dict[str, Any]]:
    """Each body's best time over ``repeats`` rounds. A round times every body once, so a
    minute of other load on the shared machine falls on every size alike instead of
    bending one curve, and the best of the rounds is the cost with the least of that load
    in it (the work is the same each time). Timed one size after another, by the median
    of five, the 1-subscription point once read a third below the fit."""
    requests = [preview_request(body) for body in bodies]
    times: list[list[float]] = [[] for _ in requests]
    items = [0] * len(requests)
    for round_ in range(repeats + 1):  # the first round warms caches up and is not counted
        for n, request in enumerate(requests):
            with runtime.store.begin(write=False) as uow:
                started = time.perf_counter()
                result = preview_order(uow, tenant_id, request, runtime.clock, runtime.ids)
                elapsed = (time.perf_counter() - started) * 1000
            if round_ or not repeats:
                times[n].append(elapsed)
            items[n] = sum(len(invoice.items) for invoice in result.invoices or ())
    return [{"ms": round(min(t), 3), "invoice_items": i} for t, i in zip(times, items, strict=True)]


def _curve(points: dict[int, Any], unit: str) -> dict[str, Any]:
    sizes = sorted(points)
    fit = linearity([float(s) for s in sizes], [points[s]["ms"] for s in sizes])
    return {
        "unit": unit,
        "points": {str(s): points[s] for s in sizes},
        "slope_ms_per_unit": round(fit.slope, 4),
        "intercept_ms": round(fit.intercept, 3),
        "segment_slopes": [round(s, 4) for s in fit.segment_slopes],
        "max_deviation": round(fit.max_deviation, 3),
        "linear": fit.within(TOLERANCE),
    }
