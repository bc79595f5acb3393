"""The ``Zorders-Emulate`` request header on async submissions (pure ASGI).

``Zorders-Emulate: hold-polls=3`` · ``hold-ms=1500`` · ``crash-once`` · ``fail=40000020;
message=Rate plan is not effective`` (settings separated by ``;``, the message last). It
sets the directive for the submission below it; the emulator refuses it unless the tenant
turned controls on.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from zorders.domain.errors import InvalidValue
from zorders.http.errors import send_error
from zorders.service.emulator import REQUESTED, Directive

HEADER = "zorders-emulate"
_SUBMISSIONS = {"/v1/async/orders", "/v1/async/orders/preview"}


def parse_directive(text: str) -> Directive:
    values: dict[str, str] = {}
    rest = text
    while rest.strip():
        part, _, rest = rest.partition(";")
        key, equals, value = part.partition("=")
        key = key.strip().lower()
        if key == "message":  # the rest of the header, semicolons included
            values[key] = (value + (";" + rest if rest else "")).strip()
            break
        if key == "crash-once" and (not equals or value.strip() in ("1", "true")):
            values[key] = "1"
            continue
        if not equals or key not in ("hold-ms", "hold-polls", "fail"):
            raise InvalidValue(
                f"Zorders-Emulate: unknown setting '{part.strip()}'; use hold-ms, "
                "hold-polls, crash-once, fail and message."
            )
        if not value.strip().isdigit():
            raise InvalidValue(f"Zorders-Emulate: '{key}' takes a whole number.")
        values[key] = value.strip()
    if "message" in values and "fail" not in values:
        raise InvalidValue("Zorders-Emulate: 'message' goes with 'fail'.")
    return Directive(
        hold_ms=int(values.get("hold-ms", 0)),
        hold_polls=int(values.get("hold-polls", 0)),
        fail_code=int(values["fail"]) if "fail" in values else None,
        crash_once="crash-once" in values,
        **({"fail_message": values["message"]} if values.get("message") else {}),
    )


class EmulateHeaderMiddleware:
    def __init__(self, app: ASGIApp, *, default_version: str) -> None:
        self.app = app
        self.default_version = default_version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in _SUBMISSIONS
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        text = headers.get(HEADER)
        if text is None:
            await self.app(scope, receive, send)
            return
        try:
            directive = parse_directive(text)
        except InvalidValue as error:
            await send_error(send, error, headers, self.default_version)
            return
        token = REQUESTED.set(directive)
        try:
            await self.app(scope, receive, send)
        finally:
            REQUESTED.reset(token)
