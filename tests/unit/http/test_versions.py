"""Zuora-Version parsing and the switches that depend on it."""

from __future__ import annotations

import pytest

from zorders.domain.errors import InvalidValue
from zorders.http.versions import parse_version


@pytest.mark.parametrize(
    ("version", "statuses", "subscriptions", "plans_url"),
    [
        ("186.0", False, False, False),
        ("211.0", False, False, False),
        ("223.0", False, True, False),
        ("230.0", False, True, True),
        ("341", False, True, True),
        ("2024-05-20", True, True, True),
        ("2025-08-12", True, True, True),
    ],
)
def test_switches(version: str, statuses: bool, subscriptions: bool, plans_url: bool) -> None:
    parsed = parse_version(version)
    assert parsed.http_error_statuses is statuses
    assert parsed.subscriptions_list is subscriptions
    assert parsed.catalog_plans_as_url is plans_url


@pytest.mark.parametrize("bad", ["", "latest", "2024-13-01", "22.0", "1.2.3"])
def test_bad_versions_are_invalid_values(bad: str) -> None:
    with pytest.raises(InvalidValue):
        parse_version(bad)


def test_versions_order_and_compare_by_their_text_not_their_switches() -> None:
    assert parse_version("186.0") < parse_version("223.0") < parse_version("2024-05-20")
    assert parse_version(" 223.0 ") == parse_version("223.0")
    assert sorted({parse_version("230.0"), parse_version("230.0 ")}) == [parse_version("230.0")]
