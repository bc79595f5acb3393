"""Settings from ZORDERS_* variables and flags."""

from __future__ import annotations

import pytest

from zorders.config import Settings, settings_from_env


def test_defaults() -> None:
    settings = settings_from_env({})
    assert settings == Settings()
    assert (settings.port, settings.workers) == (8080, 2)
    assert settings.database_url == "sqlite:///./var/zorders.db"


def test_environment_values_are_typed() -> None:
    settings = settings_from_env(
        {"ZORDERS_PORT": "9000", "ZORDERS_POLL_INTERVAL": "0.5", "ZORDERS_HOST": "0.0.0.0"}
    )
    assert (settings.port, settings.poll_interval, settings.host) == (9000, 0.5, "0.0.0.0")


def test_flags_override_the_environment_and_none_keeps_it() -> None:
    settings = settings_from_env({"ZORDERS_PORT": "9000"}).with_overrides(port=7000, workers=None)
    assert (settings.port, settings.workers) == (7000, 2)


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="ZORDERS_PORT='eighty'"):
        settings_from_env({"ZORDERS_PORT": "eighty"})
