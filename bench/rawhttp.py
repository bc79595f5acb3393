"""A minimal keep-alive HTTP/1.1 client for latency measurements.

httpx adds about a millisecond to a GET and three to a POST on this kind of machine —
more than the queue overhead being measured. This client sends prebuilt requests on one
socket (TCP_NODELAY) and reads ``Content-Length`` bodies: enough for zorders' JSON API.
"""

from __future__ import annotations

import socket
from typing import Any

import orjson


class RawClient:
    def __init__(self, host: str, port: int, *, headers: dict[str, str]) -> None:
        self._sock = socket.create_connection((host, port), timeout=30)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._file = self._sock.makefile("rb")
        self._host = f"{host}:{port}"
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())

    def close(self) -> None:
        self._file.close()
        self._sock.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
        """Send one request and return (status, parsed JSON body)."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self._host}\r\n{self._headers}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self._sock.sendall(head.encode("latin-1") + b"\r\n" + (body or b""))
        status = int(self._file.readline().split()[1])
        length = 0
        while (line := self._file.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, orjson.loads(self._file.read(length)) if length else None

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def post(self, path: str, payload: Any) -> tuple[int, Any]:
        return self.request("POST", path, orjson.dumps(payload))
