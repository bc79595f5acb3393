"""JSON responses rendered with orjson; Decimals become JSON numbers as Zuora sends them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import JSONResponse


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def render_json(content: Any) -> bytes:
    """The body of a ``ZuoraJSONResponse`` (for routes that answer in pure ASGI)."""
    return orjson.dumps(content, default=_default)


class ZuoraJSONResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return render_json(content)
