"""The jobs dashboard: plain HTML, JS and CSS under ``/ui`` (it calls the API with a token)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.responses import RedirectResponse
from starlette.staticfiles import StaticFiles

UI_DIRECTORY = Path(__file__).parent / "ui"


def install_dashboard(app: FastAPI) -> None:
    app.mount("/ui", StaticFiles(directory=UI_DIRECTORY, html=True), name="dashboard")

    def home() -> RedirectResponse:
        return RedirectResponse("/ui/")

    app.add_api_route("/", home, methods=["GET"], include_in_schema=False)
