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
from bench.stats import linearity, median
from bench.workload import FLAT_PLAN, add_wide_plan, preview_body, preview_request
from zorders.bootstrap import Runtime
from zorders.service.preview import preview_order
from zorders.types import TenantId

WIDE_CHARGES = 20
TOLERANCE = 0.20


def measure(run: Run) -> dict[str, Any]:
    runtime, tenant_id = db.runtime_for(f"sqlite:///{run.folder / 'preview.db'}")
    wide = add_wide_plan(runtime, tenant_id, charges=WIDE_CHARGES)
    repeats = run.sizes.preview_repeats
    periods = {
        months: _time(runtime, tenant_id, preview_body(plan=wide, months=months), repeats)
        for months in run.sizes.preview_periods
    }
    subscriptions = {
        n: _time(runtime, tenant_id, preview_body(subscriptions=n, plan=FLAT_PLAN), repeats)
        for n in run.sizes.preview_subscriptions
    }
    runtime.close()
    return {
        "periods": _curve(periods, f"months of a {WIDE_CHARGES}-charge monthly subscription"),
        "subscriptions": _curve(subscriptions, "subscriptions of 12 monthly periods"),
    }


def _time(runtime: Runtime, tenant_id: TenantId, body: dict[str, Any], repeats: int) -> Any:
    request = preview_request(body)
    times = []
    items = 0
    for _ in range(repeats + 1):  # the first run warms caches up and is not counted
        with runtime.store.begin(write=False) as uow:
            started = time.perf_counter()
            result = preview_order(uow, tenant_id, request, runtime.clock, runtime.ids)
            times.append((time.perf_counter() - started) * 1000)
        items = sum(len(invoice.items) for invoice in result.invoices or ())
    return {"ms": round(median(times[1:] or times), 3), "invoice_items": items}


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
