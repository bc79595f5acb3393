"""The targets (issues #4, #5, #7), the terminal table, and the JSON written per run."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True, kw_only=True, slots=True)
class Target:
    name: str
    goal: str
    measured: str
    #: None: not measured in this run (e.g. no PostgreSQL server, or wrk missing).
    passed: bool | None


def targets(results: dict[str, Any]) -> list[Target]:
    out: list[Target] = []
    poll = results.get("poll")
    ratios = poll["ratios"].get("16") if poll else None
    out.append(
        Target(
            name="poll throughput, 16 connections",
            goal=">= 0.50 x raw-ASGI ceiling",
            measured=f"{ratios['throughput_vs_ceiling']:.2f} x" if ratios else "-",
            passed=ratios["throughput_vs_ceiling"] >= 0.5 if ratios else None,
        )
    )
    out.append(
        Target(
            name="poll p99, 16 connections",
            goal="<= 2 x raw-ASGI ceiling",
            measured=f"{ratios['p99_vs_ceiling']:.2f} x" if ratios else "-",
            passed=ratios["p99_vs_ceiling"] <= 2 if ratios else None,
        )
    )
    submit = results.get("submit")
    if submit:
        execution = submit["execution_ms"]["p50"]
        overhead = submit["latency"]["client_ms"]["p50"] - execution
        limit = 0.1 * execution + 5
        out.append(
            Target(
                name="queue overhead p50, light load",
                goal=f"<= 10% of execution + 5 ms = {limit:.1f} ms",
                measured=f"{overhead:.1f} ms (execution {execution:.1f} ms)",
                passed=overhead <= limit,
            )
        )
    pg = results.get("workers", {}).get("postgresql")
    two = pg["by_workers"].get("2") if pg else None
    out.append(
        Target(
            name="2 workers vs 1, PostgreSQL",
            goal=">= 1.70 x",
            measured=f"{two['speedup']:.2f} x" if two else "-",
            passed=two["speedup"] >= 1.7 if two else None,
        )
    )
    claims = []
    if submit:
        claims.append(("SQLite, in-process workers", submit["latency"]["claim_ms"]["p50"]))
    if pg:
        claims.append(("PostgreSQL, worker process", pg["claim_ms"]["p50"]))
    for where, p50 in claims:
        out.append(
            Target(
                name=f"claim latency p50 ({where})",
                goal="< 5 ms",
                measured=f"{p50:.2f} ms",
                passed=p50 < 5,
            )
        )
    for curve in ("periods", "subscriptions"):
        data = results.get("preview", {}).get(curve)
        out.append(
            Target(
                name=f"preview cost linear in {curve}",
                goal="segment slopes within +-20% of the fit",
                measured=f"max deviation {data['max_deviation']:.0%}" if data else "-",
                passed=data["linear"] if data else None,
            )
        )
    return out


def as_json(items: list[Target]) -> list[dict[str, Any]]:
    return [asdict(t) for t in items]


def _verdict(passed: bool | None) -> str:
    return {True: "[green]pass[/green]", False: "[red]FAIL[/red]", None: "not measured"}[passed]


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n == 0 else "right")
    return table


def print_tables(results: dict[str, Any], console: Console) -> None:
    poll = results.get("poll")
    if poll:
        table = _table(
            "1. GET /v1/async-jobs/{jobId} (SQLite)",
            "server", "conns", "req/s", "p50 ms", "p99 ms", "vs ceiling", "errors",
        )  # fmt: skip
        for name, by_conn in poll["servers"].items():
            for conns, row in by_conn.items():
                ceiling = poll["servers"]["ceiling"][conns]["rps"]
                table.add_row(
                    name, conns, f"{row['rps']:,.0f}", f"{row['p50_ms']:.2f}",
                    f"{row['p99_ms']:.2f}", f"{row['rps'] / ceiling:.2f}", str(row["errors"]),
                )  # fmt: skip
        console.print(table)
    submit = results.get("submit")
    if submit:
        table = _table("2. POST /v1/async/orders", "what", "value")
        for dialect, load in submit["accepted"].items():
            table.add_row(
                f"accepted/s, 16 connections ({dialect})",
                f"{load['rps']:,.0f}/s  p50 {load['p50_ms']:.1f} ms  p99 {load['p99_ms']:.1f} ms",
            )
        lat = submit["latency"]
        for label, key in (("client sees", "client_ms"), ("job timestamps", "server_ms")):
            table.add_row(
                f"submit -> Completed, {label}",
                f"p50 {lat[key]['p50']:.1f} ms  p99 {lat[key]['p99']:.1f} ms",
            )
        ex = submit["execution_ms"]
        table.add_row("execution in-process", f"p50 {ex['p50']:.1f} ms  p99 {ex['p99']:.1f} ms")
        table.add_row(
            "commit -> claimed (in-process workers)",
            f"p50 {lat['claim_ms']['p50']:.2f} ms  p99 {lat['claim_ms']['p99']:.2f} ms",
        )
        console.print(table)
    workers = results.get("workers")
    if workers:
        table = _table("3. Worker processes", "database", "workers", "orders/s", "speedup")
        for dialect, data in workers.items():
            for count, row in data["by_workers"].items():
                table.add_row(dialect, count, f"{row['orders_per_s']:.1f}", f"{row['speedup']:.2f}")
            claim = data["claim_ms"]
            table.add_row(dialect, "claim ms", f"p50 {claim['p50']:.2f}", f"p99 {claim['p99']:.2f}")
        console.print(table)
    preview = results.get("preview")
    if preview:
        table = _table("4. Preview cost (in-process)", "curve", "size", "ms", "invoice items")
        for curve, data in preview.items():
            for size, point in data["points"].items():
                table.add_row(curve, size, f"{point['ms']:.2f}", str(point["invoice_items"]))
            table.add_row(
                curve,
                "slope",
                f"{data['slope_ms_per_unit']:.3f}/unit",
                f"dev {data['max_deviation']:.0%}",
            )
        console.print(table)
    memory = results.get("memory")
    if memory:
        table = _table("5. Peak RSS", "process", "MiB")
        for name, mib in memory.items():
            table.add_row(name, f"{mib:.0f}")
        console.print(table)
    table = _table("Targets", "target", "goal", "measured", "verdict")
    for t in results["targets"]:
        table.add_row(t["name"], t["goal"], t["measured"], _verdict(t["passed"]))
    console.print(table)
