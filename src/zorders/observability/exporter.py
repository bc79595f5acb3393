"""``/metrics``, ``/healthz`` and ``/readyz`` for a process without the API: ``zorders worker``.

A worker process runs no HTTP server, yet its jobs are the ones Prometheus wants to see
(completed, failed, durations). The standard library's threaded server is enough for a
scraper and a probe; it serves the same ``zorders_*`` series as ``zorders serve``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("zorders.metrics")

#: Prometheus text exposition format (the same as the API's /metrics).
METRICS_MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class MetricsExporter:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        render: Callable[[], str],
        check_ready: Callable[[], None],
    ) -> None:
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                exporter._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # a scrape every few seconds is not worth a log line

        self._render = render
        self._check_ready = check_ready
        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="metrics-exporter", daemon=True
        )

    @property
    def port(self) -> int:
        """The bound port (the one asked for, or the one the system chose for 0)."""
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        if path == "/metrics":
            status, media_type, body = 200, METRICS_MEDIA_TYPE, self._render()
        elif path == "/healthz":
            status, media_type, body = 200, "application/json", '{"status":"ok"}'
        elif path == "/readyz":
            try:
                self._check_ready()
                status, body = 200, '{"status":"ok"}'
            except Exception as error:
                log.warning("not ready: %s", error)
                status = 503
                body = f'{{"status":"unavailable","error":"{type(error).__name__}"}}'
            media_type = "application/json"
        else:
            status, media_type, body = 404, "application/json", '{"status":"not found"}'
        payload = body.encode()
        request.send_response(status)
        request.send_header("Content-Type", media_type)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
