"""Settings: one frozen value built from a mapping (environment, then flags); nothing at import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

ENV_PREFIX = "ZORDERS_"
#: The database URL of the memory store: for tests and demos, its data dies with the
#: process, so it serves one process only (docs/durability.md).
MEMORY_URL = "memory://"


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = "sqlite:///./var/zorders.db"
    #: In-process job workers of ``zorders serve`` (0 = API only), in each of its processes.
    workers: int = 2
    #: Server processes of ``zorders serve`` sharing its port (docs/performance.md): one
    #: Python process answers on one core at most.
    processes: int = 1
    demo_client_id: str = "00000000-0000-4000-8000-000000000001"
    demo_client_secret: str = "zorders-demo-secret"
    #: Largest request body accepted, compressed or not (Zuora-style 413 above it).
    max_body_bytes: int = 10 * 1024 * 1024
    #: Largest size a gzip request body may inflate to.
    max_inflated_bytes: int = 50 * 1024 * 1024
    #: Finished jobs are deleted this long after they finish (Zuora documents no value).
    job_retention_days: int = 7
    #: Seconds a worker holds a claimed job before the rescuer may hand it to another.
    job_lease_seconds: int = 30
    #: Safety-net poll of idle workers, in seconds (commits wake them at once).
    poll_interval: float = 1.0
    log_level: str = "info"
    #: ``text`` for people, ``json`` (one object per line, with request and track ids) for
    #: log collectors.
    log_format: str = "text"
    #: Per-tenant defaults (Zuora's production quotas); `zorders tenants create` overrides.
    rate_limit_per_minute: int = 50_000
    concurrency_limit: int = 40
    high_volume_concurrency_limit: int = 200

    @property
    def in_memory(self) -> bool:
        return self.database_url.startswith(MEMORY_URL)

    def with_overrides(self, **values: Any) -> Settings:
        """These settings with the non-None ``values`` (command-line flags) applied."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def settings_to_env(settings: Settings) -> dict[str, str]:
    """The ``ZORDERS_*`` variables that ``settings_from_env`` reads back as ``settings``."""
    return {ENV_PREFIX + f.name.upper(): str(getattr(settings, f.name)) for f in fields(Settings)}


def settings_from_env(environ: Mapping[str, str]) -> Settings:
    """Settings from ``ZORDERS_*`` variables (``ZORDERS_PORT=9000``…); pure, so tests pass a dict."""
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(ENV_PREFIX + f.name.upper())
        if raw is None or raw == "":
            continue
        kind = type(getattr(Settings(), f.name))
        try:
            values[f.name] = kind(raw)
        except ValueError as error:
            raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: {error}") from error
    return Settings(**values)
