"""The API console: Swagger UI and ReDoc served from packaged assets, and the OpenAPI
document with the bearer and OAuth schemes and Zuora's request headers on every operation."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.openapi.utils import get_openapi
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

DOCS = "/docs"
ASSETS = "/docs/assets"
OAUTH_REDIRECT = "/docs/oauth2-redirect"
#: Routes anyone may call: no security requirement in the document.
PUBLIC = {"/oauth/token", "/healthz", "/readyz", "/metrics"}
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"clientCredentials": []}]

_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token from `POST /oauth/token` (valid one hour).",
    },
    "clientCredentials": {
        "type": "oauth2",
        "description": "Client id and secret; the console fetches the token itself.",
        "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
    },
}


def _header(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


#: Zuora's request headers (facts §11), on every /v1 operation.
ZUORA_HEADERS = [
    _header(
        "Zuora-Version",
        "The minor version: decides result shapes and error statuses (e.g. 223.0, 2025-08-12).",
    ),
    _header(
        "Zuora-Track-Id",
        "Your id for the call, echoed back and kept on async jobs (at most 64 US-ASCII "
        "characters, none of : ; \" ').",
        maxLength=64,
    ),
    _header(
        "Accept-Encoding",
        "gzip: responses over 1000 bytes come compressed.",
    ),
]
IDEMPOTENCY_KEY = _header(
    "Idempotency-Key",
    "Retrying with the same key (24 h) replays the first response instead of acting twice.",
    maxLength=255,
)


def openapi_document(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    document.setdefault("components", {})["securitySchemes"] = _SCHEMES
    for path, operations in document.get("paths", {}).items():
        if path in PUBLIC:
            continue
        for method, operation in operations.items():
            operation["security"] = SECURITY
            if not path.startswith("/v1/"):
                continue
            parameters = operation.setdefault("parameters", [])
            known = {(p.get("in"), p.get("name", "").lower()) for p in parameters}
            extra = [*ZUORA_HEADERS, *([IDEMPOTENCY_KEY] if method in ("post", "patch") else [])]
            parameters += [h for h in extra if ("header", h["name"].lower()) not in known]
    return document


def install_console(app: FastAPI) -> None:
    """``/docs`` (try every endpoint), ``/redoc`` and ``/openapi.json``; no CDN needed."""
    assets = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="console-assets")

    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API console",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            oauth2_redirect_url=OAUTH_REDIRECT,
            swagger_ui_parameters={
                "persistAuthorization": True,
                "displayRequestDuration": True,
                "tryItOutEnabled": True,
            },
        )

    def redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API reference",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    app.add_api_route(DOCS, swagger, methods=["GET"], include_in_schema=False)
    app.add_api_route(OAUTH_REDIRECT, redirect, methods=["GET"], include_in_schema=False)
    app.add_api_route("/redoc", redoc, methods=["GET"], include_in_schema=False)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
