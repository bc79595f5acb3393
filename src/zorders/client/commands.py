"""CLI commands that talk HTTP: ``zorders submit`` and ``zorders jobs get|list|watch``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from zorders.client import hosts
from zorders.client.api import TERMINAL, ClientError, Credentials, ZuoraClient

#: Exit codes: 0 Completed (or submitted), 1 the job Failed, 2 usage, 3 the request was
#: refused or could not be sent, 4 still Processing when --timeout ran out.
EXIT_FAILED, EXIT_REFUSED, EXIT_TIMEOUT = 1, 3, 4

jobs_app = typer.Typer(help="Read async jobs (any Zuora base URL; list/watch: zorders only).")
err = Console(stderr=True, soft_wrap=True)

BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url", envvar="ZUORA_BASE_URL", help="zorders or Zuora [default: local zorders]"
    ),
]
Env = Annotated[
    str | None,
    typer.Option(
        "--env",
        envvar="ZUORA_ENV",
        help=f"A Zuora host by name: {', '.join(hosts.ENVIRONMENTS)}.",
    ),
]
ClientId = Annotated[str | None, typer.Option("--client-id", envvar="ZUORA_CLIENT_ID")]
ClientSecret = Annotated[
    str | None, typer.Option("--client-secret", envvar="ZUORA_CLIENT_SECRET", show_default=False)
]
Version = Annotated[
    str | None, typer.Option("--zuora-version", envvar="ZUORA_VERSION", help="Zuora-Version.")
]


def make_client(
    base_url: str | None,
    env: str | None,
    client_id: str | None,
    client_secret: str | None,
    zuora_version: str | None,
) -> ZuoraClient:
    try:
        url = hosts.base_url(base_url, env)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--base-url / --env") from None
    if not client_id or not client_secret:
        raise typer.BadParameter(
            "give --client-id and --client-secret, or set ZUORA_CLIENT_ID and "
            "ZUORA_CLIENT_SECRET (`zorders serve` prints the demo tenant's)",
            param_hint="--client-id / --client-secret",
        )
    return ZuoraClient(
        url,
        Credentials(client_id=client_id, client_secret=client_secret),
        zuora_version=zuora_version,
    )


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2) + "\n")
    sys.stdout.flush()


def refused(error: ClientError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(error.message)}")
    return typer.Exit(EXIT_REFUSED)


def _read_order(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        order = json.loads(text)
    except OSError as error:
        raise typer.BadParameter(str(error), param_hint="ORDER") from None
    except ValueError as error:
        raise typer.BadParameter(f"not JSON: {error}", param_hint="ORDER") from None
    if not isinstance(order, dict):
        raise typer.BadParameter("the order must be a JSON object", param_hint="ORDER")
    return order


def submit(
    order_file: Annotated[str, typer.Argument(metavar="ORDER", help="Order JSON file, or -.")],
    preview: Annotated[bool, typer.Option("--preview", help="Preview instead of create.")] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Poll until the job ends; print its result.")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait waits at most.")] = 300.0,
    interval: Annotated[float, typer.Option(help="First poll interval in seconds.")] = 0.25,
    track_id: Annotated[str | None, typer.Option("--track-id", help="Zuora-Track-Id.")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option("--idempotency-key", help="Idempotency-Key.")
    ] = None,
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """Submit an async order (or preview); with --wait, follow the job to its end."""
    order = _read_order(order_file)
    with make_client(base_url, env, client_id, client_secret, zuora_version) as client:
        try:
            job_id = client.submit(
                order, preview=preview, track_id=track_id, idempotency_key=idempotency_key
            )
        except ClientError as error:
            raise refused(error) from None
        if not wait:
            print_json({"jobId": job_id, "success": True})
            return
        err.print(f"submitted job [bold]{job_id}[/bold] to {escape(client.base_url)}")
        job = _follow(client, job_id, timeout=timeout, interval=interval)
    print_json(job)
    if job["status"] == "Failed":
        err.print(f"[red]job {job_id} failed:[/red] {escape(str(job.get('errors')))}")
        raise typer.Exit(EXIT_FAILED)
    if job["status"] not in TERMINAL:
        err.print(f"[yellow]job {job_id} still {job['status']} after {timeout:g} s[/yellow]")
        raise typer.Exit(EXIT_TIMEOUT)


def _follow(client: ZuoraClient, job_id: str, *, timeout: float, interval: float) -> dict[str, Any]:
    """Poll with a live display (on a terminal) until the job is terminal or time runs out."""
    deadline = time.monotonic() + timeout
    delay = max(interval, 0.05)
    polls = 0
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(f"job {job_id}: submitted")
        while True:
            try:
                job = client.job(job_id)
            except ClientError as error:
                raise refused(error) from None
            polls += 1
            progress.update(task, description=f"job {job_id}: {job['status']} ({polls} polls)")
            if job["status"] in TERMINAL or time.monotonic() >= deadline:
                return job
            time.sleep(min(delay, max(deadline - time.monotonic(), 0)))
            delay = min(delay * 1.5, 5.0)  # Zuora suggests polling gently


@jobs_app.command("get")
def jobs_get(
    job_id: Annotated[str, typer.Argument(metavar="ID")],
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """Print a job as ``GET /v1/async-jobs/{jobId}`` answers it."""
    with make_client(base_url, env, client_id, client_secret, zuora_version) as client:
        try:
            print_json(client.job(job_id))
        except ClientError as error:
            raise refused(error) from None


def _table(jobs: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("job id", "type", "status", "track id", "created", "run ms", "errors"):
        table.add_column(column, no_wrap=column in ("job id", "status"))
    colours = {"Completed": "green", "Failed": "red", "Processing": "yellow"}
    for job in jobs:
        status = str(job.get("status"))
        run_ms = "" if job.get("runMs") is None else str(job["runMs"])
        table.add_row(
            str(job.get("jobId")),
            str(job.get("jobType")),
            f"[{colours.get(status, 'white')}]{status}[/]",
            escape(str(job.get("trackId") or "")),
            str(job.get("createdAt") or "")[:19].replace("T", " "),
            run_ms,
            escape(str(job.get("errors") or "")),
        )
    return table


Status = Annotated[
    str | None,
    typer.Option("--status", help="Processing, Completed or Failed."),
]
Limit = Annotated[int, typer.Option("--limit", min=1, max=100)]


@jobs_app.command("list")
def jobs_list(
    status: Status = None,
    limit: Limit = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """List the tenant's jobs, newest first (zorders only: ``GET /zorders/jobs``)."""
    with make_client(base_url, env, client_id, client_secret, zuora_version) as client:
        try:
            page = client.jobs(status=status, limit=limit)
        except ClientError as error:
            raise refused(error) from None
    if as_json:
        print_json(page)
        return
    Console(soft_wrap=True).print(_table(page["jobs"], f"jobs at {client.base_url}"))


@jobs_app.command("watch")
def jobs_watch(
    status: Status = None,
    limit: Limit = 20,
    interval: Annotated[float, typer.Option(help="Seconds between refreshes.")] = 1.0,
    count: Annotated[
        int | None, typer.Option("--count", help="Stop after this many refreshes.")
    ] = None,
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """A live table of the tenant's jobs until Ctrl-C (zorders only)."""
    out = Console()
    refreshes = 0
    with make_client(base_url, env, client_id, client_secret, zuora_version) as client:
        try:
            with Live(console=out, auto_refresh=False) as live:
                while count is None or refreshes < count:
                    page = client.jobs(status=status, limit=limit)
                    refreshes += 1
                    title = f"jobs at {client.base_url} · refresh {refreshes} · Ctrl-C to stop"
                    live.update(_table(page["jobs"], title), refresh=True)
                    if count is None or refreshes < count:
                        time.sleep(interval)
        except ClientError as error:
            raise refused(error) from None
        except KeyboardInterrupt:
            pass
