"""Zuora's published API hosts by name (facts §11 "Base URLs"; the SDK's ZuoraEnvironment)."""

from __future__ import annotations

LOCAL = "http://127.0.0.1:8080"

ENVIRONMENTS: dict[str, str] = {
    "local": LOCAL,
    # Production
    "us": "https://rest.zuora.com",
    "na": "https://rest.na.zuora.com",
    "eu": "https://rest.eu.zuora.com",
    "ap": "https://rest.ap.zuora.com",
    # API sandboxes
    "us-sandbox": "https://rest.apisandbox.zuora.com",
    "na-sandbox": "https://rest.sandbox.na.zuora.com",
    "eu-sandbox": "https://rest.sandbox.eu.zuora.com",
    # Central sandboxes (Zuora's "test" hosts)
    "us-test": "https://rest.test.zuora.com",
    "eu-test": "https://rest.test.eu.zuora.com",
    "ap-test": "https://rest.test.ap.zuora.com",
}


def base_url(explicit: str | None, env: str | None) -> str:
    """``--base-url`` or ``--env`` (not both); zorders on this machine when neither."""
    if explicit and env:
        raise ValueError("give --base-url or --env, not both")
    if env:
        try:
            return ENVIRONMENTS[env.lower()]
        except KeyError:
            raise ValueError(
                f"unknown environment {env!r}; one of: {', '.join(ENVIRONMENTS)}"
            ) from None
    return (explicit or LOCAL).rstrip("/")
