"""The one translator from errors to Zuora's envelope and HTTP status."""

from __future__ import annotations

import secrets
from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Send

from zorders.domain.catalog_rules import DuplicateValue
from zorders.domain.errors import (
    AuthenticationFailed,
    Category,
    InvalidValue,
    MalformedRequest,
    MissingField,
    NotFound,
    UnknownField,
    UnsupportedOperation,
    ZuoraError,
)
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.versions import ZuoraVersion, parse_version

#: Category → HTTP status from Zuora-Version 2024-05-20 (facts §11).
_STATUS_BY_CATEGORY = {
    Category.PERMISSION_DENIED: 403,
    Category.AUTHENTICATION_FAILED: 401,
    Category.NOT_FOUND: 404,
    Category.LOCK_CONTENTION: 409,
    Category.INTERNAL: 500,
    Category.TEMPORARY: 500,
    Category.LIMIT_EXCEEDED: 429,
}


def http_status(error: ZuoraError, version: ZuoraVersion) -> int:
    if isinstance(error, TransportError):
        # Refused before any API logic (size, method, media type): real statuses always.
        return error.http_status
    if not version.http_error_statuses:
        return 200
    return _STATUS_BY_CATEGORY.get(error.category, 400)


def header_version(headers: Any, default: str) -> ZuoraVersion:
    header = headers.get("zuora-version")
    if header:
        try:
            return parse_version(header)
        except InvalidValue:
            pass
    return parse_version(default)


def request_version(request: Request) -> ZuoraVersion:
    """The version in force: the header, else the tenant's, else the server default."""
    header = request.headers.get("zuora-version")
    if header:
        try:
            return parse_version(header)
        except InvalidValue:
            pass
    tenant = getattr(request.state, "tenant", None)
    if tenant is not None:
        return parse_version(tenant.settings.zuora_version)
    return parse_version(request.app.state.api.default_zuora_version)


async def send_error(
    send: Send,
    error: ZuoraError,
    request_headers: Headers,
    default_version: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer from pure ASGI middleware, before any route ran, in Zuora's envelope."""
    body = orjson.dumps(error_body([error]))
    await send(
        {
            "type": "http.response.start",
            "status": http_status(error, header_version(request_headers, default_version)),
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(extra_headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error_body(errors: list[ZuoraError]) -> dict[str, Any]:
    return {
        "success": False,
        "processId": secrets.token_hex(8).upper(),
        "reasons": [{"code": e.code, "message": e.message} for e in errors],
    }


def error_response(request: Request, errors: list[ZuoraError]) -> ZuoraJSONResponse:
    first = errors[0]
    if isinstance(first, AuthenticationFailed):
        # Zuora's gateway answers bad tokens itself, always 401 with this body (facts §11).
        return ZuoraJSONResponse({"message": "Authentication error"}, status_code=401)
    if request.url.path.startswith(CRUD_PREFIX):
        return crud_error_response(request, errors)
    status = http_status(first, request_version(request))
    headers = {"Allow": first.allow} if isinstance(first, MethodNotAllowed) else None
    return ZuoraJSONResponse(error_body(errors), status_code=status, headers=headers)


# --- CRUD routes (/v1/object/*): their own envelope (facts §9, §11 "Error body") -------

CRUD_PREFIX = "/v1/object/"

#: Category → the CRUD error ``Code`` (Zuora's CRUD/SOAP error code names).
_CRUD_CODES = {
    Category.INVALID_VALUE: "INVALID_VALUE",
    Category.UNKNOWN_FIELD: "INVALID_FIELD",
    Category.MISSING_FIELD: "MISSING_REQUIRED_VALUE",
    Category.BUSINESS_RULE: "INVALID_VALUE",
    Category.NOT_FOUND: "INVALID_ID",
    Category.UNSUPPORTED_OPERATION: "INVALID_VALUE",
    Category.MALFORMED: "INVALID_VALUE",
    Category.LOCK_CONTENTION: "LOCK_COMPETITION",
    Category.TEMPORARY: "TEMPORARY_ERROR",
    Category.LIMIT_EXCEEDED: "REQUEST_EXCEEDED_LIMIT",
}


def crud_code(error: ZuoraError) -> str:
    if isinstance(error, DuplicateValue):
        return "DUPLICATE_VALUE"
    return _CRUD_CODES.get(error.category, "UNKNOWN_ERROR")


def crud_error_response(request: Request, errors: list[ZuoraError]) -> ZuoraJSONResponse:
    """CRUD errors are ``{"Success": false, "Errors": [{"Code", "Message"}]}`` with HTTP 400
    whatever the Zuora-Version (SDK ``ProxyBadRequestResponse``), with two exceptions."""
    first = errors[0]
    if isinstance(first, UnknownField):
        # rejectUnknownFields=true (facts §9): a bare message, not the Errors envelope.
        return ZuoraJSONResponse({"message": "Error - unrecognised fields"}, status_code=400)
    if isinstance(first, NotFound) and request.method == "GET":
        # A CRUD retrieve of an unknown id: 404 ProxyNoDataResponse (Zuora's CRUD API
        # documents it for every "CRUD: Retrieve" operation).
        return ZuoraJSONResponse({"done": True, "records": [], "size": 0}, status_code=404)
    if isinstance(first, TransportError):
        status = first.http_status
    elif first.category in (Category.INTERNAL, Category.TEMPORARY):
        status = 500
    elif isinstance(first, NotFound):
        status = 404
    else:
        status = 400
    headers = {"Allow": first.allow} if isinstance(first, MethodNotAllowed) else None
    body = {
        "Success": False,
        "Errors": [{"Code": crud_code(e), "Message": e.message} for e in errors],
    }
    return ZuoraJSONResponse(body, status_code=status, headers=headers)


class TransportError(ZuoraError):
    http_status = 400


class MethodNotAllowed(TransportError, UnsupportedOperation):
    http_status = 405

    def __init__(self, message: str, allow: str) -> None:
        super().__init__(message)
        self.allow = allow


class UnsupportedMediaType(TransportError, UnsupportedOperation):
    http_status = 415


class PayloadTooLarge(TransportError, InvalidValue):
    http_status = 413


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "body"


def validation_errors(exc: RequestValidationError) -> list[ZuoraError]:
    """Pydantic's findings as Zuora categories: 22 missing, 21 unknown, 90 not JSON, else 20."""
    out: list[ZuoraError] = []
    for item in exc.errors():
        path = _field_path(tuple(item.get("loc", ())))
        kind = item.get("type", "")
        if kind == "json_invalid":
            out.append(MalformedRequest("The request body is not valid JSON."))
        elif kind == "missing":
            out.append(MissingField(f"'{path}' is required."))
        elif kind == "extra_forbidden":
            out.append(UnknownField(f"'{path}' is not a field zorders recognises here."))
        else:
            out.append(InvalidValue(f"'{path}': {item.get('msg', 'invalid value')}."))
    return out or [InvalidValue("The request is invalid.")]


async def on_zuora_error(request: Request, exc: Exception) -> ZuoraJSONResponse:
    assert isinstance(exc, ZuoraError)
    return error_response(request, [exc])


async def on_validation_error(request: Request, exc: Exception) -> ZuoraJSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, validation_errors(exc))


async def on_http_exception(request: Request, exc: Exception) -> ZuoraJSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        allow = (exc.headers or {}).get("Allow", "")
        return error_response(
            request,
            [MethodNotAllowed(f"Method {request.method} is not allowed on this path.", allow)],
        )
    if exc.status_code == 404:
        return error_response(
            request, [NotFound(f"No such resource: {request.method} {request.url.path}.")]
        )
    return error_response(request, [InvalidValue(str(exc.detail))])
