"""Log records with the request id, track id and job id of their context; text or JSON lines."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str | None] = ContextVar("zorders_request_id", default=None)
TRACK_ID: ContextVar[str | None] = ContextVar("zorders_track_id", default=None)
JOB_ID: ContextVar[str | None] = ContextVar("zorders_job_id", default=None)

_CONTEXT = (("request_id", REQUEST_ID), ("track_id", TRACK_ID), ("job_id", JOB_ID))
FORMATS = ("text", "json")

#: LogRecord's own attributes; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    *(name for name, _ in _CONTEXT),
}


@contextmanager
def log_context(
    *, request_id: str | None = None, track_id: str | None = None, job_id: str | None = None
) -> Iterator[None]:
    """Stamp the records logged inside the block (and in threads started from it)."""
    tokens = [
        (var, var.set(value))
        for var, value in ((REQUEST_ID, request_id), (TRACK_ID, track_id), (JOB_ID, job_id))
        if value is not None
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Copies the context variables onto each record when it is logged (not when formatted)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _CONTEXT:
            if not hasattr(record, name):
                setattr(record, name, var.get())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, ids, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, _ in _CONTEXT:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message [request_id=… track_id=…]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = " ".join(
            f"{name}={value}"
            for name, _ in _CONTEXT
            if (value := getattr(record, name, None)) is not None
        )
        if not ids:
            return text
        head, newline, rest = text.partition("\n")
        return f"{head} [{ids}]{newline}{rest}"


def configure_logging(level: str, fmt: str = "text") -> None:
    """The root logger writes to stderr in ``fmt`` (``text`` or ``json``)."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
