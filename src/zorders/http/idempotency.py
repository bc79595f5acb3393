"""Idempotency-Key on POST/PATCH: replay the first response, 409 while it runs, 422 on misuse.

Pure ASGI, inside ``ZuoraHeadersMiddleware`` (so the body is already size-checked and
inflated). The stored response is what the app answered; ``Zuora-Request-Id`` is
added per request by the outer middleware, and a replay gets a fresh one.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zorders.domain.errors import InvalidValue, LockContention
from zorders.http.context import ApiContext
from zorders.http.errors import TransportError, send_error
from zorders.http.limits import resolve_tenant
from zorders.service.idempotency import (
    MAX_KEY_LENGTH,
    Outcome,
    RequestFingerprint,
    StoredResponse,
)

_METHODS = {"POST", "PATCH"}
#: Not stored: transient answers a retry should not be stuck with.
_NOT_STORED = {401, 409, 429}


class KeyInFlight(TransportError, LockContention):
    http_status = 409


class KeyMisused(TransportError, InvalidValue):
    http_status = 422


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, context: ApiContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            await send_error(
                send,
                InvalidValue(f"Idempotency-Key must have 1 to {MAX_KEY_LENGTH} characters."),
                headers,
                self.context.default_zuora_version,
            )
            return
        tenant = await resolve_tenant(scope, self.context)
        tenant_id = tenant.id if tenant is not None else None
        if tenant_id is None:  # the app answers 401; nothing to remember
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        query = scope.get("query_string", b"").decode("latin-1")
        fingerprint = RequestFingerprint(
            key=key,
            tenant_id=tenant_id,
            method=scope["method"],
            path=scope["path"] + (f"?{query}" if query else ""),
            body_hash=hashlib.sha256(body).hexdigest(),
        )
        service = self.context.idempotency
        decision = await run_in_threadpool(service.begin, fingerprint)
        if decision.outcome is Outcome.REPLAY:
            assert decision.response is not None
            await _replay(decision.response, send)
            return
        if decision.outcome is Outcome.IN_FLIGHT:
            await send_error(
                send,
                KeyInFlight("A request with this Idempotency-Key is still in progress."),
                headers,
                self.context.default_zuora_version,
            )
            return
        if decision.outcome is Outcome.MISMATCH:
            await send_error(
                send,
                KeyMisused(
                    "This Idempotency-Key was used with another tenant, method, URL or body."
                ),
                headers,
                self.context.default_zuora_version,
            )
            return
        await self._run_and_store(scope, body, send, key)

    async def _run_and_store(self, scope: Scope, body: bytes, send: Send, key: str) -> None:
        status = 500
        response_headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        sent = False

        async def receive_once() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        service = self.context.idempotency
        try:
            await self.app(scope, receive_once, capture)
        except BaseException:
            await run_in_threadpool(service.abandon, key)
            raise
        if status >= 500 or status in _NOT_STORED:
            await run_in_threadpool(service.abandon, key)
            return
        stored = StoredResponse(
            status=status,
            headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in response_headers
                if k.lower() not in (b"zuora-request-id", b"zuora-track-id")
            ),
            body=b"".join(chunks),
        )
        await run_in_threadpool(service.finish, key, stored)


async def _read_body(receive: Receive) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    return bytes(body)


async def _replay(response: StoredResponse, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers],
        }
    )
    await send({"type": "http.response.body", "body": response.body})
