"""Test doubles and builders shared by the tiers: a stub clock, counting ids, order bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


class StubClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class CountingIds:
    """Predictable 32-hex ids: 00000000000000000000000000000001, …"""

    def __init__(self) -> None:
        self.count = 0

    def new_id(self) -> str:
        self.count += 1
        return f"{self.count:032x}"


DEMO_CLIENT_ID = "00000000-0000-4000-8000-000000000001"
DEMO_CLIENT_SECRET = "zorders-demo-secret"


def contact() -> dict[str, Any]:
    return {"firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com"}


def new_account(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Acme",
        "currency": "USD",
        "billCycleDay": 1,
        "billToContact": contact(),
        **extra,
    }


def create_subscription(
    *plans: str,
    term: dict[str, Any] | None = None,
    overrides: dict[str, list[dict[str, Any]]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A CreateSubscription action subscribing to catalog plans by number."""
    return {
        "type": "CreateSubscription",
        "createSubscription": {
            "terms": {
                "initialTerm": term or {"termType": "TERMED", "period": 12, "periodType": "Month"}
            },
            "subscribeToRatePlans": [
                {
                    "productRatePlanNumber": plan,
                    **(
                        {"chargeOverrides": overrides[plan]}
                        if overrides and plan in overrides
                        else {}
                    ),
                }
                for plan in plans
            ],
            **extra,
        },
    }


def order(*actions: dict[str, Any], order_date: str = "2027-01-15", **extra: Any) -> dict[str, Any]:
    """A create-order body with one subscription per action, for a new account by default."""
    body: dict[str, Any] = {
        "orderDate": order_date,
        "subscriptions": [{"orderActions": [action]} for action in actions],
    }
    if "existingAccountNumber" not in extra:
        body["newAccount"] = new_account()
    body.update(extra)
    return body


def preview(
    *actions: dict[str, Any],
    thru: str = "TermEnd",
    types: tuple[str, ...] = ("ChargeMetrics", "BillingDocs"),
    order_date: str = "2027-01-15",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "orderDate": order_date,
        "previewOptions": {"previewThruType": thru, "previewTypes": list(types)},
        "subscriptions": [{"orderActions": [action]} for action in actions],
    }
    if "existingAccountNumber" not in extra:
        body["previewAccountInfo"] = {"currency": "USD", "billCycleDay": 1}
    body.update(extra)
    return body


# Demo catalog plan numbers (service/demo.py): flat fee, per unit, tiered.
FLAT = "PRP-00000001"
PER_UNIT = "PRP-00000002"
TIERED = "PRP-00000003"


def untagged(document: Any) -> Any:
    """A stored JSON document without the codec's union tags (``"_t"``)."""
    if isinstance(document, dict):
        return {k: untagged(v) for k, v in document.items() if k != "_t"}
    if isinstance(document, list):
        return [untagged(v) for v in document]
    return document
