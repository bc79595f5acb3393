"""The ``zorders`` command: serve, worker, migrate, tenants."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from zorders.bootstrap import build, ensure_demo, serve_app
from zorders.client import commands as client_commands
from zorders.client.emulator_commands import emulator_app
from zorders.config import Settings, settings_from_env, settings_to_env
from zorders.domain.periods import BillingRules, LongPeriodProration, MonthProration
from zorders.observability.exporter import MetricsExporter
from zorders.observability.logs import FORMATS as LOG_FORMATS
from zorders.observability.logs import configure_logging
from zorders.service.demo import add_demo_catalog
from zorders.service.tenant_admin import create_tenant
from zorders.service.tenants import TenantSettings

app = typer.Typer(
    help="zorders: a self-hostable, Zuora-compatible Orders service.", no_args_is_help=True
)
tenants_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
# Client commands: they talk HTTP to zorders or any Zuora base URL.
app.command(name="submit")(client_commands.submit)
app.add_typer(client_commands.jobs_app, name="jobs")
app.add_typer(emulator_app, name="emulator")
console = Console(stderr=True, soft_wrap=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ZORDERS_DATABASE_URL",
        help="sqlite:///… or postgresql://…; memory:// for tests and demos (one process, "
        "not durable).",
    ),
]


def _settings(**overrides: object) -> Settings:
    try:
        settings = settings_from_env(os.environ).with_overrides(**overrides)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if settings.log_format not in LOG_FORMATS:
        raise typer.BadParameter(
            f"must be one of {', '.join(LOG_FORMATS)}", param_hint="ZORDERS_LOG_FORMAT"
        )
    if settings.workers < 0:
        raise typer.BadParameter("must be 0 or more", param_hint="--workers / ZORDERS_WORKERS")
    if settings.processes < 1:
        raise typer.BadParameter("must be 1 or more", param_hint="--processes / ZORDERS_PROCESSES")
    return settings


def _in_this_process_only(settings: Settings, command: str) -> None:
    """Refuse ``command`` on the memory store: its data lives in one ``zorders serve``
    process and dies with it, so no other process (or later command) can see it."""
    if settings.in_memory:
        raise typer.BadParameter(
            f"{command} needs a database other processes can open; memory:// lives inside "
            "one `zorders serve` process (use sqlite:///… or postgresql://…)",
            param_hint="--database-url / ZORDERS_DATABASE_URL",
        )


def _logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(envvar="ZORDERS_HOST")] = None,
    port: Annotated[int | None, typer.Option(envvar="ZORDERS_PORT")] = None,
    database_url: DatabaseUrl = None,
    workers: Annotated[
        int | None,
        typer.Option(envvar="ZORDERS_WORKERS", help="In-process job workers (0: API only)."),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            envvar="ZORDERS_PROCESSES",
            help="Server processes sharing the port, each with its job workers.",
        ),
    ] = None,
) -> None:
    """Migrate, make sure the demo tenant exists, and serve HTTP with job workers."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    settings = _settings(
        host=host, port=port, database_url=database_url, workers=workers, processes=processes
    )
    if settings.processes > 1:
        _in_this_process_only(settings, f"--processes {settings.processes}")
    _logging(settings)
    runtime = build(settings)
    ensure_demo(runtime)
    if settings.log_format == "json":  # one JSON object per line, the banner included
        logging.getLogger("zorders").info(
            "zorders on http://%s:%d (%s, %d worker(s)); demo tenant: client_id=%s "
            "client_secret=%s",
            settings.host,
            settings.port,
            settings.database_url,
            settings.workers,
            settings.demo_client_id,
            settings.demo_client_secret,
        )
    else:
        console.print(
            f"[bold]zorders[/bold] on http://{escape(settings.host)}:{settings.port} "
            f"({escape(settings.database_url)}, {settings.workers} worker(s))\n"
            f"demo tenant: client_id={escape(settings.demo_client_id)} "
            f"client_secret={escape(settings.demo_client_secret)}"
        )
    options: dict[str, object] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        # JSON: uvicorn's own records go through our formatter, not its config.
        "log_config": None if settings.log_format == "json" else LOGGING_CONFIG,
        "access_log": False,
    }
    if settings.processes > 1:
        # uvicorn's supervisor starts the processes (and restarts one that dies); each
        # builds its app from the settings this one resolved, handed over as ZORDERS_*.
        runtime.close()
        os.environ.update(settings_to_env(settings))
        uvicorn.run(
            "zorders.bootstrap:serve_app_from_env",
            factory=True,
            workers=settings.processes,
            **options,  # type: ignore[arg-type]
        )
        return
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal; with a Python
    # handler in place that re-raise returns, so the workers stop and we exit 0.
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        uvicorn.run(serve_app(runtime), **options)  # type: ignore[arg-type]
    finally:
        runtime.close()


@app.command()
def worker(
    database_url: DatabaseUrl = None,
    concurrency: Annotated[
        int | None, typer.Option(envvar="ZORDERS_WORKERS", help="Worker threads.")
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            envvar="ZORDERS_METRICS_PORT",
            help="Serve /metrics, /healthz and /readyz on this port (0: any free port).",
        ),
    ] = None,
    metrics_host: Annotated[
        str, typer.Option(envvar="ZORDERS_METRICS_HOST", help="Address of the metrics port.")
    ] = "127.0.0.1",
) -> None:
    """Run job workers only (no HTTP API), sharing the database with any number of servers."""
    settings = _settings(database_url=database_url, workers=concurrency)
    _in_this_process_only(settings, "zorders worker")
    _logging(settings)
    runtime = build(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    exporter = None
    if metrics_port is not None:
        try:
            exporter = MetricsExporter(
                metrics_host,
                metrics_port,
                render=runtime.telemetry.render,
                check_ready=runtime.check_ready,
            )
        except OSError as error:
            runtime.close()
            raise typer.BadParameter(str(error), param_hint="--metrics-port") from None
        exporter.start()
    runtime.start_background(max(settings.workers, 1))
    metrics = (
        f"; metrics on http://{escape(metrics_host)}:{exporter.port}/metrics" if exporter else ""
    )
    console.print(
        f"zorders worker: {max(settings.workers, 1)} thread(s) on "
        f"{escape(settings.database_url)}{metrics}"
    )
    stop.wait()
    if exporter is not None:
        exporter.stop()
    runtime.close()


@app.command()
def migrate(database_url: DatabaseUrl = None) -> None:
    """Apply the database migrations and exit."""
    settings = _settings(database_url=database_url)
    if settings.in_memory:
        console.print("memory:// has no schema to migrate: each process starts it empty")
        return
    build(settings).close()
    console.print(f"migrated {escape(settings.database_url)}")


@tenants_app.command("create")
def tenants_create(
    name: Annotated[str, typer.Option("--name", help="A unique tenant name.")],
    async_create_status: Annotated[
        int, typer.Option(help="HTTP status of POST /v1/async/orders: 200 (Zuora) or 202 (SDK).")
    ] = 200,
    zuora_version: Annotated[
        str, typer.Option(help="Default Zuora-Version for requests that send none.")
    ] = "2025-08-12",
    orders_enabled: Annotated[bool, typer.Option("--orders-enabled/--no-orders-enabled")] = True,
    demo_catalog: Annotated[
        bool, typer.Option("--demo-catalog", help="Give the tenant the demo catalog too.")
    ] = False,
    emulator: Annotated[
        bool,
        typer.Option(
            "--emulator",
            help="Turn the tenant's emulator controls on (hold/fail/crash jobs, test clock, "
            "data reset): for test tenants.",
        ),
    ] = False,
    bill_partial_month: Annotated[
        bool,
        typer.Option(
            "--bill-partial-month/--no-bill-partial-month",
            help="Billing rule: bill recurring charges for partial months.",
        ),
    ] = True,
    month_proration: Annotated[
        MonthProration,
        typer.Option(case_sensitive=False, help="Billing rule: how a partial month is prorated."),
    ] = MonthProration.ACTUAL_DAYS,
    prorate_long_periods: Annotated[
        bool,
        typer.Option(
            "--prorate-long-periods/--no-prorate-long-periods",
            help="Billing rule: prorate partial quarters, half-years and years.",
        ),
    ] = True,
    long_period_proration: Annotated[
        LongPeriodProration,
        typer.Option(
            case_sensitive=False,
            help="Billing rule: prorate long periods by month first or by day.",
        ),
    ] = LongPeriodProration.BY_MONTH_FIRST,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON line.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a tenant and print its client id and secret (shown only once)."""
    if async_create_status not in (200, 202):
        raise typer.BadParameter("must be 200 or 202", param_hint="--async-create-status")
    from zorders.domain.errors import ZuoraError
    from zorders.http.versions import parse_version

    try:
        parse_version(zuora_version)
    except ZuoraError as error:
        raise typer.BadParameter(error.message, param_hint="--zuora-version") from None
    settings = _settings(database_url=database_url)
    _in_this_process_only(settings, "zorders tenants create")
    runtime = build(settings)
    try:
        with runtime.store.begin() as uow:
            issued = create_tenant(
                uow,
                name=name,
                settings=TenantSettings(
                    async_create_status=async_create_status,
                    zuora_version=zuora_version,
                    orders_enabled=orders_enabled,
                    emulator_enabled=emulator,
                    billing=BillingRules(
                        bill_partial_month=bill_partial_month,
                        month_proration=month_proration,
                        prorate_partial_long_periods=prorate_long_periods,
                        long_period_proration=long_period_proration,
                    ),
                ),
                clock=runtime.clock,
                ids=runtime.ids,
            )
            if demo_catalog:
                add_demo_catalog(uow, issued.tenant_id, clock=runtime.clock, ids=runtime.ids)
    except ZuoraError as error:
        console.print(f"[red]error:[/red] {escape(error.message)}")
        raise typer.Exit(1) from None
    finally:
        runtime.close()
    if as_json:
        print(json.dumps({"clientId": issued.client_id, "clientSecret": issued.client_secret}))
    else:
        print(
            f"tenant:        {name}\nclient id:     {issued.client_id}\nclient secret: {issued.client_secret}"
        )


def main() -> None:
    app()
