"""``POST /oauth/token``: OAuth 2.0 client credentials (facts §10)."""

from __future__ import annotations

import base64
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool

from zorders.domain.errors import AuthenticationFailed
from zorders.http.context import api
from zorders.http.responses import ZuoraJSONResponse

router = APIRouter(tags=["OAuth"])


def _oauth_error(error: str, description: str, status: int) -> ZuoraJSONResponse:
    # OAuth errors use RFC 6749's shape, not Zuora's reasons envelope.
    return ZuoraJSONResponse({"error": error, "error_description": description}, status_code=status)


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    """Client credentials sent as HTTP Basic (RFC 6749 §2.3.1), as Swagger UI's "Authorize"
    and many OAuth libraries send them; Zuora documents the form fields, which come first."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None, None
    client_id, colon, client_secret = decoded.partition(":")
    if not colon:
        return None, None
    # RFC 6749 form-encodes both before Base64; browsers (btoa) do not: unquote only %XX.
    return unquote(client_id), unquote(client_secret)


@router.post("/oauth/token", summary="Create an OAuth token")
async def create_token(
    request: Request,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    grant_type: Annotated[str | None, Form()] = None,
) -> Any:
    if grant_type != "client_credentials":
        return _oauth_error("unsupported_grant_type", "grant_type must be client_credentials.", 400)
    if not client_id and not client_secret:
        client_id, client_secret = _basic_credentials(request.headers.get("authorization", ""))
    if not client_id or not client_secret:
        return _oauth_error("invalid_request", "client_id and client_secret are required.", 400)
    try:
        token = await run_in_threadpool(api(request).auth.issue_token, client_id, client_secret)
    except AuthenticationFailed:
        return _oauth_error("invalid_client", "Invalid client id or secret.", 401)
    return ZuoraJSONResponse(
        {
            "access_token": token.token,
            "token_type": "bearer",
            "expires_in": token.expires_in,
            "scope": f"user.{token.tenant.id} entity.{token.tenant.client_id} "
            f"service.orders.read service.orders.write tenant.{token.tenant.id}",
            "jti": token.jti,
        }
    )
