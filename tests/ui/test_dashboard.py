"""The jobs dashboard in headless Chromium against a real server: sign in, watch, inspect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.acceptance.helpers import sqlite_url, submit
from tests.processes import Server, ZordersProcess
from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FLAT, create_subscription, order

pytestmark = [pytest.mark.browser, pytest.mark.acceptance]


def sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/ui/")
    page.fill("#client-id", DEMO_CLIENT_ID)
    page.fill("#client-secret", DEMO_CLIENT_SECRET)
    page.click("button[type=submit]")
    expect(page.locator("#jobs")).to_be_visible()


def test_a_job_turns_completed_on_the_page_and_opens_in_detail(
    page: Any, tmp_path: Path, output_dir: Path
) -> None:
    database = sqlite_url(tmp_path / "zorders.db")
    # No in-process workers: the job stays Processing until a worker process starts.
    server = Server(database_url=database, log=tmp_path / "serve.log", workers=0)
    worker: ZordersProcess | None = None
    try:
        sign_in(page, server.base_url)
        expect(page.locator("#empty")).to_be_visible()
        with server.client() as client:
            client.headers["Zuora-Track-Id"] = "dashboard-test-1"
            job_id = submit(client, "/v1/async/orders", order(create_subscription(FLAT)))
        row = page.locator(f"tr[data-job-id='{job_id}']")
        expect(row).to_have_attribute("data-status", "Processing")  # live refresh found it

        worker = ZordersProcess(["worker", "--database-url", database], log=tmp_path / "worker.log")
        expect(row).to_have_attribute("data-status", "Completed", timeout=30_000)

        row.click()
        detail = page.locator("#detail")
        expect(detail).to_be_visible()
        expect(page.locator("#d-id")).to_have_text(job_id)
        expect(page.locator("#d-status")).to_have_text("Completed")
        expect(page.locator("#d-track")).to_have_text("dashboard-test-1")
        expect(page.locator("#d-response")).to_contain_text('"orderNumber": "O-00000001"')
        expect(page.locator("#d-timings")).to_contain_text("ran")

        page.click("[data-link='Order O-00000001']")
        expect(page.locator("#linked-json")).to_contain_text('"orderNumber": "O-00000001"')
        page.click("[data-link='Subscription A-S00000001']")
        expect(page.locator("#linked-json")).to_contain_text('"subscriptionNumber": "A-S00000001"')
        page.screenshot(path=str(output_dir / "dashboard-job-detail.png"), full_page=True)
    finally:
        if worker is not None:
            worker.terminate()
        server.terminate()


def test_status_filter_and_failed_job_error(page: Any, tmp_path: Path, output_dir: Path) -> None:
    server = Server(database_url=sqlite_url(tmp_path / "zorders.db"), log=tmp_path / "serve.log")
    try:
        with server.client() as client:
            good = submit(client, "/v1/async/orders", order(create_subscription(FLAT)))
            bad = submit(
                client,
                "/v1/async/orders",
                order(create_subscription("PRP-99999999")),  # no such plan: the job fails
            )
        sign_in(page, server.base_url)
        expect(page.locator(f"tr[data-job-id='{bad}']")).to_have_attribute(
            "data-status", "Failed", timeout=20_000
        )
        page.select_option("#status-filter", "Failed")
        expect(page.locator(f"tr[data-job-id='{good}']")).to_have_count(0)
        page.locator(f"tr[data-job-id='{bad}']").click()
        expect(page.locator("#d-error")).to_contain_text("[")
        page.screenshot(path=str(output_dir / "dashboard-failed-job.png"), full_page=True)
    finally:
        server.terminate()


def test_wrong_credentials_are_refused_on_the_page(page: Any, tmp_path: Path) -> None:
    server = Server(database_url=sqlite_url(tmp_path / "zorders.db"), log=tmp_path / "serve.log")
    try:
        page.goto(f"{server.base_url}/ui/")
        page.fill("#client-id", DEMO_CLIENT_ID)
        page.fill("#client-secret", "not-the-secret")
        page.click("button[type=submit]")
        expect(page.locator("#sign-in-error")).to_contain_text("Sign-in failed")
        expect(page.locator("#jobs")).to_be_hidden()
    finally:
        server.terminate()
