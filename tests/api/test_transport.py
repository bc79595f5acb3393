"""Headers, compression, limits and error envelopes on every route (the Zuora contract table)."""

from __future__ import annotations

import gzip
import json

import orjson
import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order


def test_every_response_has_a_request_id(client: ApiClient) -> None:
    for response in (
        client.get("/v1/catalog/products"),
        client.get("/v1/nope"),
        client.post("/oauth/token", data={}),
    ):
        assert len(response.headers["Zuora-Request-Id"]) == 36


def test_track_id_is_echoed_only_when_sent(client: ApiClient) -> None:
    sent = client.get("/v1/catalog/products", headers={"Zuora-Track-Id": "abc-123 x"})
    assert sent.headers["Zuora-Track-Id"] == "abc-123 x"
    assert "Zuora-Track-Id" not in client.get("/v1/catalog/products").headers


@pytest.mark.parametrize("track", ["a:b", "a;b", 'a"b', "a'b", "x" * 65, "é"])
def test_invalid_track_id_is_refused(client: ApiClient, track: str) -> None:
    response = client.get("/v1/catalog/products", headers={"Zuora-Track-Id": track.encode()})
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_invalid_zuora_version_is_refused(client: ApiClient) -> None:
    response = client.get("/v1/catalog/products", headers={"Zuora-Version": "banana"})
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_errors_are_http_200_before_2024_05_20(client: ApiClient) -> None:
    old = client.get("/v1/orders/O-404", headers={"Zuora-Version": "186.0"})
    new = client.get("/v1/orders/O-404", headers={"Zuora-Version": "2024-05-20"})
    assert (old.status_code, new.status_code) == (200, 404)
    assert old.json()["success"] is False
    assert old.json()["reasons"] == new.json()["reasons"]


def test_malformed_json_is_category_90(client: ApiClient) -> None:
    response = client.post(
        "/v1/async/orders", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 90


def test_missing_required_field_is_category_22(client: ApiClient) -> None:
    body = order(create_subscription(FLAT))
    del body["orderDate"]
    response = client.post("/v1/async/orders", json=body)
    assert response.status_code == 400
    reason = response.json()["reasons"][0]
    assert reason["code"] % 100 == 22
    assert "orderDate" in reason["message"]


def test_unknown_field_is_category_21(client: ApiClient) -> None:
    response = client.post("/v1/async/orders", json=order(create_subscription(FLAT), colour="red"))
    assert response.status_code == 400
    reason = response.json()["reasons"][0]
    assert reason["code"] % 100 == 21
    assert "colour" in reason["message"]


def test_invalid_value_is_category_20_with_the_field_path(client: ApiClient) -> None:
    body = order(create_subscription(FLAT, term={"termType": "FOREVER"}))
    response = client.post("/v1/async/orders", json=body)
    reason = response.json()["reasons"][0]
    assert reason["code"] % 100 == 20
    assert (
        "subscriptions[0].orderActions[0].createSubscription.terms.initialTerm.termType"
        in (reason["message"])
    )


def test_rejected_request_creates_no_job(client: ApiClient) -> None:
    client.post("/v1/async/orders", json={"orderDate": "nope"})
    assert client.drain() == 0


def test_both_account_sources_are_refused_at_once(client: ApiClient) -> None:
    body = order(create_subscription(FLAT), existingAccountNumber="A00000001")
    body["newAccount"] = {
        "name": "x",
        "currency": "USD",
        "billToContact": {"firstName": "a", "lastName": "b"},
    }
    response = client.post("/v1/async/orders", json=body)
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_unknown_route_is_zuora_shaped(client: ApiClient) -> None:
    response = client.get("/v1/no-such-thing")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["reasons"][0]["code"] % 100 == 40
    assert "detail" not in body


def test_wrong_method_is_405_category_45(client: ApiClient) -> None:
    response = client.delete("/v1/async-jobs/abc")
    assert response.status_code == 405
    assert response.json()["reasons"][0]["code"] % 100 == 45
    assert "GET" in response.headers["Allow"]


def test_wrong_media_type_is_415_category_45(client: ApiClient) -> None:
    response = client.post(
        "/v1/async/orders", content=b"orderDate=2027-01-01", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["reasons"][0]["code"] % 100 == 45


def test_gzip_request_body_is_accepted(client: ApiClient) -> None:
    payload = gzip.compress(json.dumps(order(create_subscription(FLAT))).encode())
    response = client.post(
        "/v1/async/orders",
        content=payload,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200, response.text
    client.drain()
    assert client.get(f"/v1/async-jobs/{response.json()['jobId']}").json()["status"] == "Completed"


def test_corrupt_gzip_is_refused(client: ApiClient) -> None:
    response = client.post(
        "/v1/async/orders",
        content=b"\x1f\x8bnot really",
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_gzip_bomb_is_refused_without_inflating_it_all(client: ApiClient) -> None:
    limit = client.runtime.settings.max_inflated_bytes
    bomb = gzip.compress(b"{" + b" " * (limit + 1) + b"}")
    assert len(bomb) < client.runtime.settings.max_body_bytes
    response = client.post(
        "/v1/async/orders",
        content=bomb,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 413
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_body_over_the_cap_is_413(client: ApiClient) -> None:
    big = b'{"orderDate": "2027-01-01", "description": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    response = client.post(
        "/v1/async/orders", content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["reasons"][0]["code"] % 100 == 20


def test_responses_are_gzipped_only_above_1000_bytes_when_asked(client: ApiClient) -> None:
    big = client.get(
        "/v1/catalog/products",
        headers={"Accept-Encoding": "gzip", "Zuora-Version": "211.0"},
    )
    assert big.headers["Content-Encoding"] == "gzip"
    assert len(orjson.dumps(big.json())) > 1000
    small = client.get("/v1/async-jobs/nope", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers
    plain = client.get(
        "/v1/catalog/products", headers={"Accept-Encoding": "identity", "Zuora-Version": "211.0"}
    )
    assert "Content-Encoding" not in plain.headers


def test_sync_limit_is_50_subscriptions(client: ApiClient) -> None:
    body = order(*[create_subscription(FLAT) for _ in range(51)])
    response = client.post("/v1/orders", json=body)
    assert response.status_code == 400
    assert "at most 50" in response.json()["reasons"][0]["message"]


def test_async_limit_is_300_subscriptions(client: ApiClient) -> None:
    body = order(*[create_subscription(FLAT) for _ in range(301)])
    response = client.post("/v1/async/orders", json=body)
    assert response.status_code == 400
    assert "at most 300" in response.json()["reasons"][0]["message"]
