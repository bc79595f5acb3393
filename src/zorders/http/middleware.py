"""Pure ASGI middleware: request and track ids, version check, body size, gzip request bodies.

Pure ASGI (never ``BaseHTTPMiddleware``): the poll endpoint is the hot path, and every
layer of framework middleware costs throughput (architecture "The hot path").
"""

from __future__ import annotations

import itertools
import os
import secrets
import zlib
from collections.abc import Iterator

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zorders.domain.errors import InvalidValue, ZuoraError
from zorders.http.errors import PayloadTooLarge, UnsupportedMediaType, send_error
from zorders.http.versions import parse_version
from zorders.observability.logs import log_context

_TRACK_FORBIDDEN = set(":;\"'")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


#: Request ids only need to be unique, and a poll (the hot path) makes one: each process
#: draws a random prefix once (its first 80 bits) and counts the last 48 from a random
#: start, so no request pays for random numbers or a getrandom() system call.
_request_ids: tuple[str, Iterator[int]]


def _new_request_ids() -> None:
    global _request_ids
    h = secrets.token_hex(10)
    prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:]}-"
    _request_ids = (prefix, itertools.count(secrets.randbits(48)))


_new_request_ids()
os.register_at_fork(after_in_child=_new_request_ids)


def request_id() -> str:
    """A UUID-shaped id (8-4-4-4-12 hex digits), unique across requests and processes."""
    prefix, counter = _request_ids
    return f"{prefix}{next(counter) & 0xFFFFFFFFFFFF:012x}"


def valid_track_id(value: str) -> bool:
    """≤64 printable US-ASCII characters, none of ``: ; " '`` (facts §11)."""
    return (
        len(value) <= 64
        and all(32 <= ord(c) < 127 for c in value)
        and not _TRACK_FORBIDDEN & set(value)
    )


class ZuoraHeadersMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_inflated_bytes: int,
        default_version: str,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_inflated = max_inflated_bytes
        self.default_version = default_version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id()
        extra: list[tuple[bytes, bytes]] = [(b"zuora-request-id", rid.encode())]
        scope.setdefault("state", {})["request_id"] = rid
        # One pass over the raw headers (the first of each, as Headers.get answers): no
        # Headers object unless a body or an error needs one (the poll is the hot path).
        track = version = None
        for key, value in scope["headers"]:
            if key == b"zuora-track-id" and track is None:
                track = value.decode("latin-1")
            elif key == b"zuora-version" and version is None:
                version = value.decode("latin-1")
        error: ZuoraError | None = None
        echoed_track: str | None = None
        if track is not None:
            if valid_track_id(track):
                echoed_track = track
                extra.append((b"zuora-track-id", track.encode()))
            else:
                error = InvalidValue(
                    "Zuora-Track-Id must be at most 64 US-ASCII characters without : ; \" or '."
                )
        if error is None and version:
            try:
                parse_version(version)
            except InvalidValue as invalid:
                error = invalid

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if error is None and scope["method"] in _BODY_METHODS:
            try:
                receive, scope = await self._checked_body(scope, receive, Headers(scope=scope))
            except ZuoraError as refused:
                error = refused
        if error is not None:
            await send_error(send_with_headers, error, Headers(scope=scope), self.default_version)
            return
        # Log records of this request carry its ids (contextvars reach the threadpool too).
        with log_context(
            request_id=scope["state"]["request_id"],
            track_id=echoed_track,
        ):
            await self.app(scope, receive, send_with_headers)

    async def _checked_body(
        self, scope: Scope, receive: Receive, headers: Headers
    ) -> tuple[Receive, Scope]:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            raise _too_large(self.max_body)
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                raise _too_large(self.max_body)
        path: str = scope["path"]
        if body and path.startswith("/v1/"):
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            if media != "application/json":
                raise UnsupportedMediaType(
                    f"Content-Type '{media or 'none'}' is not supported; use application/json."
                )
        raw_headers = list(scope["headers"])
        encoding = headers.get("content-encoding", "").strip().lower()
        if encoding == "gzip" and body:
            body = bytearray(self._inflate(bytes(body)))
            raw_headers = [
                (k, v) for k, v in raw_headers if k not in (b"content-encoding", b"content-length")
            ]
            raw_headers.append((b"content-length", str(len(body)).encode()))
        elif encoding not in ("", "identity"):
            raise UnsupportedMediaType(f"Content-Encoding '{encoding}' is not supported.")
        payload = bytes(body)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}

        return replay, {**scope, "headers": raw_headers}

    def _inflate(self, data: bytes) -> bytes:
        """Inflate in bounded steps, refusing as soon as the cap is passed (zip bombs)."""
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = bytearray()
        try:
            chunk = inflater.decompress(data, 64 * 1024)
            while True:
                out += chunk
                if len(out) > self.max_inflated:
                    raise _too_large(self.max_inflated, inflated=True)
                if not inflater.unconsumed_tail:
                    break
                chunk = inflater.decompress(inflater.unconsumed_tail, 64 * 1024)
            out += inflater.flush()
        except zlib.error:
            raise InvalidValue("The request body is not valid gzip.") from None
        if len(out) > self.max_inflated:
            raise _too_large(self.max_inflated, inflated=True)
        return bytes(out)


def _too_large(limit: int, *, inflated: bool = False) -> PayloadTooLarge:
    what = "decompressed request body" if inflated else "request body"
    return PayloadTooLarge(f"The {what} exceeds the limit of {limit} bytes.")
