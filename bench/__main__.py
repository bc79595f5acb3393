"""``python -m bench [--quick]``: run every measurement, write JSON and PNG, print the table."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console

from bench import chart, db, loadgen, poll, preview, queue, report
from bench.procs import ROOT, Server, Worker
from bench.run import FULL, QUICK, Run

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
#: The measurements, in the order a run makes them (``--only``).
SECTIONS = ("poll", "submit", "workers", "preview")
console = Console(soft_wrap=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: seconds, for a smoke test"
    )
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL server's URL; the run makes (and drops) its own databases there",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--only",
        choices=SECTIONS,
        action="append",
        help="run this measurement only (repeatable); the results go to a timestamped file, "
        "not latest.json",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="RESULTS_JSON",
        help="print a run's tables as Markdown (docs/performance.md) and exit",
    )
    return parser.parse_args(argv)


def _first_line(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _command(*argv: str) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def machine(postgres_url: str | None) -> dict[str, Any]:
    versions = {
        name: metadata.version(name)
        for name in ("zorders", "uvicorn", "fastapi", "starlette", "sqlalchemy", "psycopg")
    }
    versions["sqlite"] = sqlite3.sqlite_version
    versions["python"] = platform.python_version()
    versions["wrk"] = _command("wrk", "-v") if loadgen.available() else "not installed"
    if postgres_url:
        import psycopg

        with psycopg.connect(postgres_url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            versions["postgresql"] = str(row[0]) if row else "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "memory": _first_line("/proc/meminfo", "MemTotal"),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": _command("git", "-C", str(ROOT), "describe", "--always", "--dirty"),
        "versions": versions,
    }


def memory(run: Run) -> dict[str, float]:
    """Peak RSS by process; worker processes by database, the largest of each."""
    peaks: dict[str, float] = {}
    for proc in run.processes:
        if proc.peak_rss is None:
            continue
        if isinstance(proc, Worker):
            name = "zorders worker (" + proc.name.split("-")[1] + ", largest)"
        elif isinstance(proc, Server):
            name = f"zorders serve: {proc.name}"
        else:
            name = f"reference: {proc.name}"
        peaks[name] = round(max(proc.peak_rss, peaks.get(name, 0.0)), 1)
    return peaks


def measure(run: Run, stamp: str, only: set[str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    wrk = loadgen.available()
    if not wrk:
        run.notes.append("wrk is not installed: poll and accept-rate loads were skipped")
    if "poll" in only or "submit" in only:
        results |= _poll_and_submit(run, stamp, only, wrk)
    if "workers" in only:
        console.print("3. worker processes …")
        workers = {"sqlite": queue.workers(run, f"sqlite:///{run.folder / 'workers.db'}", "sqlite")}
        if run.postgres_url:
            with db.postgres_database(run.postgres_url, f"zorders_bench_{stamp}_w") as url:
                workers["postgresql"] = queue.workers(run, url, "postgresql")
        results["workers"] = workers
    if "preview" in only:
        console.print("4. preview cost …")
        results["preview"] = preview.measure(run)
    return results


def _poll_and_submit(run: Run, stamp: str, only: set[str], wrk: bool) -> dict[str, Any]:
    """Measurements 1 and 2: the first server of measurement 1 serves 2's latency too."""
    results: dict[str, Any] = {}
    sizes = run.sizes
    if "poll" in only:
        results["poll"] = {}
    latency: dict[str, Any] = {}
    processes_list = sizes.poll_processes if "poll" in only else (1,)
    for processes in processes_list:
        database = str(run.folder / f"poll-{processes}.db")
        server = run.started(
            Server(
                f"poll-p{processes}",
                database_url=f"sqlite:///{database}",
                workers=2,
                logs=run.logs,
                env={},
                processes=processes,
            )
        )
        if wrk and "poll" in only:
            console.print(f"1. polling, {processes} process(es): zorders, bare, ceiling …")
            results["poll"][str(processes)] = poll.measure(run, server, database)
        if processes == 1 and "submit" in only:
            console.print("2. submit → Completed, execution in-process, accepted/s …")
            latency = queue.submit_to_completed(run, server, f"sqlite:///{database}")
        server.stop()
    if "submit" not in only:
        return results
    submit: dict[str, Any] = {
        "latency": latency,
        "execution_ms": queue.execution_time(run.folder, sizes.exec_repeats),
        "accepted": {},
    }
    if wrk:
        sqlite_url = f"sqlite:///{run.folder / 'accept.db'}"
        submit["accepted"]["sqlite"] = queue.accept_rate(run, sqlite_url, "accept-sqlite")
        if run.postgres_url:
            with db.postgres_database(run.postgres_url, f"zorders_bench_{stamp}_a") as url:
                submit["accepted"]["postgresql"] = queue.accept_rate(run, url, "accept-postgresql")
    results["submit"] = submit
    return results


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.markdown:
        print(report.markdown(json.loads(args.markdown.read_text())))
        return 0
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    only = set(args.only or SECTIONS)
    postgres = None if args.no_postgres or not only & {"submit", "workers"} else args.postgres_url
    if postgres and not db.postgres_reachable(postgres):
        console.print(f"PostgreSQL not reachable at {postgres}: SQLite only")
        postgres = None
    folder = Path(tempfile.mkdtemp(prefix="zorders-bench-"))
    run = Run(sizes=QUICK if args.quick else FULL, folder=folder, postgres_url=postgres)
    results: dict[str, Any] = {
        "meta": {
            "started": started.isoformat(timespec="seconds"),
            "mode": "quick" if args.quick else "full",
            "only": sorted(only, key=SECTIONS.index),
            "machine": machine(postgres),
            "sizes": asdict(run.sizes),
        }
    }
    try:
        results |= measure(run, stamp, only)
    except BaseException:
        run.stop_all()
        console.print(f"[red]the run failed[/red]; logs are in {run.logs}")
        raise
    run.stop_all()
    results["memory"] = memory(run)
    results["meta"]["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    results["meta"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["meta"]["notes"] = run.notes
    results["targets"] = report.as_json(report.targets(results))
    args.results.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=1) + "\n"
    (args.results / f"{stamp}.json").write_text(text)
    saved = args.results / f"{stamp}.json"
    if only == set(SECTIONS):  # a partial run leaves the latest full one in place
        saved = args.results / "latest.json"
        saved.write_text(text)
        if chart.available():
            chart.draw(results, args.results / "latest.png")
        else:
            console.print("matplotlib is not installed: no chart (pip install -e '.[bench]')")
    report.print_tables(results, console)
    console.print(f"results: {saved}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
