"""``zorders emulator …``: a tenant's emulator controls over HTTP (zorders servers only).

The admin API of docs/operations.md from a shell: turn the controls on or off, move the
tenant's test clock (the call returns once the jobs that came due have run), reset the
tenant's data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from zorders.client.api import ClientError
from zorders.client.commands import (
    BaseUrl,
    ClientId,
    ClientSecret,
    Env,
    Version,
    make_client,
    print_json,
    refused,
)

emulator_app = typer.Typer(
    help="A tenant's emulator controls: on/off, test clock, data reset (zorders only).",
    no_args_is_help=True,
)


def _call(
    method: str,
    path: str,
    body: dict[str, Any] | None,
    *,
    base_url: str | None,
    env: str | None,
    client_id: str | None,
    client_secret: str | None,
    zuora_version: str | None,
) -> None:
    with make_client(base_url, env, client_id, client_secret, zuora_version) as client:
        try:
            print_json(client.zorders(method, path, body))
        except ClientError as error:
            raise refused(error) from None


@emulator_app.command("on")
def turn_on(
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """Turn the tenant's emulator controls on."""
    _call(
        "PUT", "/zorders/emulator", {"enabled": True},
        base_url=base_url, env=env, client_id=client_id, client_secret=client_secret,
        zuora_version=zuora_version,
    )  # fmt: skip


@emulator_app.command("off")
def turn_off(
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """Turn the tenant's emulator controls off (queued directives are dropped)."""
    _call(
        "PUT", "/zorders/emulator", {"enabled": False},
        base_url=base_url, env=env, client_id=client_id, client_secret=client_secret,
        zuora_version=zuora_version,
    )  # fmt: skip


@emulator_app.command("clock")
def clock(
    days: Annotated[int, typer.Option(min=0, help="Move the clock this many days…")] = 0,
    seconds: Annotated[float, typer.Option(min=0, help="…and this many seconds.")] = 0,
    to: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"],
            help="Or move it to this time (UTC when only a date is given).",
        ),
    ] = None,
    wait: Annotated[
        float, typer.Option(min=0, max=300, help="Seconds to wait for the queue to go quiet.")
    ] = 30,
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """Show the tenant's test clock, or move it forward and run what came due."""
    options = {
        "base_url": base_url, "env": env, "client_id": client_id,
        "client_secret": client_secret, "zuora_version": zuora_version,
    }  # fmt: skip
    if to is None and not days and not seconds:
        _call("GET", "/zorders/test-clock", None, **options)
        return
    if to is not None and (days or seconds):
        raise typer.BadParameter("give --to, or --days/--seconds", param_hint="--to")
    body: dict[str, Any] = {"waitSeconds": wait}
    if to is not None:
        body["to"] = (to if to.tzinfo else to.replace(tzinfo=UTC)).isoformat()
    else:
        body.update(days=days, seconds=seconds)
    _call("POST", "/zorders/test-clock/advance", body, **options)


@emulator_app.command("reset")
def reset(
    catalog: Annotated[bool, typer.Option("--catalog", help="Delete the catalog too.")] = False,
    base_url: BaseUrl = None,
    env: Env = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    zuora_version: Version = None,
) -> None:
    """Delete the tenant's accounts, subscriptions, orders, invoices, jobs, … (keeps its
    catalog unless --catalog)."""
    _call(
        "POST", "/zorders/reset", {"catalog": catalog},
        base_url=base_url, env=env, client_id=client_id, client_secret=client_secret,
        zuora_version=zuora_version,
    )  # fmt: skip
