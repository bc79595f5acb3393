"""``ZuoraClient``: OAuth client credentials with a token cache, async orders and jobs over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

import zorders
from zorders.client.tokens import TokenCache

TERMINAL = ("Completed", "Failed")


@dataclass(frozen=True, kw_only=True, slots=True)
class Credentials:
    client_id: str
    client_secret: str


class ClientError(Exception):
    """A request the server refused, or could not be sent; ``body`` is the JSON if any."""

    def __init__(self, message: str, *, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body


def _reasons(body: Any) -> str | None:
    if isinstance(body, dict):
        reasons = body.get("reasons")
        if isinstance(reasons, list) and reasons:
            return "; ".join(
                f"[{r.get('code')}]: {r.get('message')}" for r in reasons if isinstance(r, dict)
            )
        for key in ("error_description", "message", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return None


class ZuoraClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        cache: TokenCache | None = None,
        zuora_version: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = credentials
        self._cache = cache or TokenCache()
        headers = {"Accept": "application/json", "User-Agent": f"zorders-cli/{zorders.__version__}"}
        if zuora_version:
            headers["Zuora-Version"] = zuora_version
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )

    def __enter__(self) -> ZuoraClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    # -- tokens -------------------------------------------------------------------------

    def token(self, *, renew: bool = False) -> str:
        """A cached token while it is fresh, else a new one from ``POST /oauth/token``."""
        client_id = self._credentials.client_id
        secret = self._credentials.client_secret
        if not renew:
            cached = self._cache.get(self.base_url, client_id, secret)
            if cached is not None:
                return cached.access_token
        response = self._send(
            "POST",
            "/oauth/token",
            data={
                "client_id": client_id,
                "client_secret": secret,
                "grant_type": "client_credentials",
            },
        )
        body = _json(response)
        if response.status_code != 200 or not isinstance(body, dict):
            raise ClientError(
                f"could not get a token: {_reasons(body) or f'HTTP {response.status_code}'}",
                status=response.status_code,
                body=body,
            )
        token = str(body["access_token"])
        expires_in = float(body.get("expires_in", 3600))
        self._cache.put(self.base_url, client_id, secret, token, expires_in)
        return token

    # -- API calls ----------------------------------------------------------------------

    def submit(
        self,
        order: dict[str, Any],
        *,
        preview: bool = False,
        track_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> str:
        """Submit an async order (or preview); returns its job id."""
        headers = {}
        if track_id:
            headers["Zuora-Track-Id"] = track_id
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        path = "/v1/async/orders/preview" if preview else "/v1/async/orders"
        body = self._call("POST", path, json=order, headers=headers)
        if not isinstance(body, dict) or not body.get("jobId"):
            raise ClientError(
                f"the server did not start a job: {_reasons(body) or body}", body=body
            )
        return str(body["jobId"])

    def job(self, job_id: str) -> dict[str, Any]:
        """``GET /v1/async-jobs/{jobId}``: Zuora's poll."""
        body = self._call("GET", f"/v1/async-jobs/{job_id}")
        if not isinstance(body, dict) or body.get("success") is False:
            raise ClientError(f"job {job_id}: {_reasons(body) or 'not found'}", body=body)
        return body

    def jobs(
        self, *, status: str | None = None, limit: int = 20, offset: int = 0
    ) -> dict[str, Any]:
        """``GET /zorders/jobs``: a zorders extension (Zuora lists no async jobs)."""
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        if status:
            params["status"] = status
        try:
            body = self._call("GET", "/zorders/jobs", params=params)
        except ClientError as error:
            if error.status in (404, 405):
                raise ClientError(
                    f"{self.base_url} has no job listing: it is a zorders extension "
                    "(Zuora has none); use `zorders jobs get ID` there",
                    status=error.status,
                ) from None
            raise
        if not isinstance(body, dict):
            raise ClientError("unexpected answer from /zorders/jobs", body=body)
        return body

    def zorders(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call to one of zorders' own routes (``/zorders/…``, e.g. emulator controls)."""
        try:
            answer = self._call(method, path, json=body)
        except ClientError as error:
            if error.status in (404, 405) and not isinstance(error.body, dict):
                raise ClientError(
                    f"{self.base_url} has no {path}: it is a zorders extension",
                    status=error.status,
                ) from None
            raise
        if not isinstance(answer, dict) or answer.get("success") is False:
            raise ClientError(f"{method} {path}: {_reasons(answer) or answer}", body=answer)
        return answer

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {self.token(renew=attempt == 2)}"
            response = self._send(method, path, headers=headers, **kwargs)
            if response.status_code == 401 and attempt == 1:
                # Expired or revoked before its time (a restarted server forgets nothing,
                # but Zuora may): get a new token once and retry.
                self._cache.forget(self.base_url, self._credentials.client_id)
                continue
            break
        body = _json(response)
        if response.status_code >= 400:
            raise ClientError(
                f"{method} {path}: {_reasons(body) or f'HTTP {response.status_code}'}",
                status=response.status_code,
                body=body,
            )
        return body

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise ClientError(f"cannot reach {self.base_url}: {error}") from None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
