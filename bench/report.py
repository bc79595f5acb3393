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


def _shown(value: float, bound: float, digits: int) -> str:
    """``value`` to ``digits`` decimals, or one more where those would read as ``bound``
    (0.498 against 0.50 shown as "0.50" beside a fail)."""
    if value != bound and f"{value:.{digits}f}" == f"{bound:.{digits}f}":
        digits += 1
    return f"{value:.{digits}f}"


def _with_rounds(ratios: dict[str, Any] | None, key: str, bound: float) -> str:
    """The ratio of the servers' medians, and the range of the rounds' own ratios."""
    if not ratios:
        return "-"
    shown = f"{_shown(ratios[key], bound, 2)} x"
    each = ratios.get("rounds", {}).get(key, [])
    if len(each) > 1:
        shown += f" (rounds {min(each):.2f}-{max(each):.2f})"
    return shown


def targets(results: dict[str, Any]) -> list[Target]:
    out: list[Target] = []
    for processes, poll in (results.get("poll") or {"1": None}).items():
        ratios = poll["ratios"].get("16") if poll else None
        where = f"16 connections, {processes} process{'es' if processes != '1' else ''}"
        out.append(
            Target(
                name=f"poll throughput, {where}",
                goal=">= 0.50 x raw-ASGI ceiling",
                measured=_with_rounds(ratios, "throughput_vs_ceiling", 0.5),
                passed=ratios["throughput_vs_ceiling"] >= 0.5 if ratios else None,
            )
        )
        out.append(
            Target(
                name=f"poll p99, {where}",
                goal="<= 2 x raw-ASGI ceiling",
                measured=_with_rounds(ratios, "p99_vs_ceiling", 2),
                passed=ratios["p99_vs_ceiling"] <= 2 if ratios else None,
            )
        )
    submit = results.get("submit")
    if submit:
        execution = submit["execution_ms"]["paced"]["p50"]
        overhead = submit["latency"]["client_ms"]["p50"] - execution
        limit = 0.1 * execution + 5
        out.append(
            Target(
                name="queue overhead p50, light load",
                goal=f"<= 10% of execution + 5 ms = {limit:.1f} ms",
                measured=f"{_shown(overhead, limit, 1)} ms (execution {execution:.1f} ms)",
                passed=overhead <= limit,
            )
        )
    pg = results.get("workers", {}).get("postgresql")
    two = pg["by_workers"].get("2") if pg else None
    out.append(
        Target(
            name="2 workers vs 1, PostgreSQL",
            goal=">= 1.70 x",
            measured=f"{_shown(two['speedup'], 1.7, 2)} x" if two else "-",
            passed=two["speedup"] >= 1.7 if two else None,
        )
    )
    claims = []
    if submit:
        wait = submit["latency"]["wait_mean_ms"]
        claims.append(("queue wait mean (SQLite, in-process workers)", wait))
    if pg:
        claims.append(("claim latency p50 (PostgreSQL, worker process)", pg["claim_ms"]["p50"]))
    for name, ms in claims:
        out.append(Target(name=name, goal="< 5 ms", measured=f"{ms:.2f} ms", passed=ms < 5))
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
    if results.get("poll"):
        table = _table(
            "1. GET /v1/async-jobs/{jobId} (SQLite)",
            "server", "procs", "conns", "req/s", "p50 ms", "p99 ms", "vs ceiling", "errors",
        )  # fmt: skip
        for processes, poll in results["poll"].items():
            for name, by_conn in poll["servers"].items():
                for conns, row in by_conn.items():
                    ceiling = poll["servers"]["ceiling"][conns]["rps"]
                    table.add_row(
                        name, processes, conns, f"{row['rps']:,.0f}", f"{row['p50_ms']:.2f}",
                        f"{row['p99_ms']:.2f}", f"{row['rps'] / ceiling:.2f}",
                        str(row["errors"]),
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
        for label, key in (("paced", "paced"), ("back to back", "back_to_back")):
            ex = submit["execution_ms"][key]
            table.add_row(
                f"execution in-process, {label}", f"p50 {ex['p50']:.1f} ms  p99 {ex['p99']:.1f} ms"
            )
        table.add_row(
            "submitted -> run starts (in-process workers)",
            f"mean {lat['wait_mean_ms']:.2f} ms  ({lat['handed_over']} of {lat['orders']} "
            "handed over at submission)",
        )
        console.print(table)
    workers = results.get("workers")
    if workers:
        table = _table(
            "3. Worker processes (median of alternating runs)",
            "database", "workers", "orders/s", "speedup", "worker CPU ms/order", "machine busy",
        )  # fmt: skip
        for dialect, data in workers.items():
            for count, row in data["by_workers"].items():
                table.add_row(
                    dialect, count, f"{row['orders_per_s']:.1f}", f"{row['speedup']:.2f}",
                    f"{row['worker_cpu_ms_per_order']:.2f}", f"{row['machine_busy']:.0%}",
                )  # fmt: skip
            claim = data["claim_ms"]
            table.add_row(
                dialect, "claim ms", f"p50 {claim['p50']:.2f}", f"p99 {claim['p99']:.2f}", "", ""
            )
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


def markdown(results: dict[str, Any]) -> str:
    """The run's tables in Markdown, for docs/performance.md."""
    out: list[str] = []

    def table(header: list[str], rows: list[list[str]]) -> None:
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join(" --- " for _ in header) + "|")
        out.extend("| " + " | ".join(row) + " |" for row in rows)
        out.append("")

    if results.get("poll"):
        out.append("**1. `GET /v1/async-jobs/{jobId}`** (SQLite, a completed create-order job)\n")
        rows = []
        for processes, poll in results["poll"].items():
            for conns in poll["servers"]["zorders"]:
                ceiling = poll["servers"]["ceiling"][conns]
                for name, by_conn in poll["servers"].items():
                    row = by_conn[conns]
                    rows.append(
                        [name, processes, conns, f"{row['rps']:,.0f}", f"{row['p50_ms']:.2f}",
                         f"{row['p99_ms']:.2f}", f"{row['rps'] / ceiling['rps']:.2f}",
                         f"{row['p99_ms'] / ceiling['p99_ms']:.2f}"]
                    )  # fmt: skip
        table(
            ["server", "processes", "connections", "req/s", "p50 ms", "p99 ms",
             "throughput / ceiling", "p99 / ceiling"],
            rows,
        )  # fmt: skip
    submit = results.get("submit")
    if submit:
        out.append("**2. `POST /v1/async/orders`** (the README's order)\n")
        rows = [
            [f"accepted/s at 16 connections, {dialect}", f"{load['rps']:,.0f}/s",
             f"{load['p50_ms']:.1f}", f"{load['p99_ms']:.1f}"]
            for dialect, load in submit["accepted"].items()
        ]  # fmt: skip
        lat = submit["latency"]
        for label, key in (
            ("submit → Completed, seen by the client", "client_ms"),
            ("submit → Completed, job timestamps", "server_ms"),
        ):
            rows.append([label, "", f"{lat[key]['p50']:.2f}", f"{lat[key]['p99']:.2f}"])
        for label, key in (("paced as the light load", "paced"), ("back to back", "back_to_back")):
            ex = submit["execution_ms"][key]
            rows.append([f"execution in-process (OrderService.create), {label}", "",
                         f"{ex['p50']:.2f}", f"{ex['p99']:.2f}"])  # fmt: skip
        table(["measure", "rate", "p50 ms", "p99 ms"], rows)
        out.append(
            f"Submitted → run starts, in-process workers: mean {lat['wait_mean_ms']:.2f} ms "
            f"(the workers' `zorders_job_queue_wait_seconds`); {lat['handed_over']} of "
            f"{lat['orders']} jobs were handed to an idle worker at their submission.\n"
        )
    workers = results.get("workers")
    if workers:
        out.append("**3. Orders completed per second by `zorders worker` processes**\n")
        rows = []
        for dialect, data in workers.items():
            for count, row in data["by_workers"].items():
                rows.append(
                    [dialect, count, f"{row['orders_per_s']:.0f}", f"{row['speedup']:.2f}",
                     ", ".join(f"{r:.0f}" for r in row["runs"]),
                     f"{row['worker_cpu_ms_per_order']:.2f}", f"{row['machine_busy']:.0%}"]
                )  # fmt: skip
        table(
            ["database", "workers", "orders/s", "speedup", "runs", "worker CPU ms/order",
             "machine busy"],
            rows,
        )  # fmt: skip
        rows = [
            [dialect, f"{d['claim_ms']['p50']:.2f}", f"{d['claim_ms']['p99']:.2f}"]
            for dialect, d in workers.items()
        ]
        out.append("Commit → claimed at light load, worker processes (poll interval 0.05 s):\n")
        table(["database", "p50 ms", "p99 ms"], rows)
    preview = results.get("preview")
    if preview:
        out.append("**4. Preview cost** (in-process, `service.preview.preview_order`)\n")
        rows = []
        for data in preview.values():
            for size, point in data["points"].items():
                rows.append([data["unit"], size, f"{point['ms']:.2f}", str(point["invoice_items"])])
            rows.append(
                [data["unit"], "fit", f"{data['slope_ms_per_unit']:.3f} ms/unit",
                 f"segments {', '.join(f'{s:.3f}' for s in data['segment_slopes'])}"]
            )  # fmt: skip
        table(["curve", "size", "ms", "invoice items"], rows)
    memory = results.get("memory")
    if memory:
        out.append("**5. Peak RSS** (VmHWM; the largest process of a server's tree)\n")
        table(["process", "MiB"], [[name, f"{mib:.0f}"] for name, mib in memory.items()])
    out.append("**Targets**\n")
    verdicts = {True: "pass", False: "**fail**", None: "not measured"}
    table(
        ["target", "goal", "measured", "verdict"],
        [[t["name"], t["goal"], t["measured"], verdicts[t["passed"]]] for t in results["targets"]],
    )
    return "\n".join(out)
