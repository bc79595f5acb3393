"""Bodies of amending order actions, and placing an order sync or async, for the API tier."""

from __future__ import annotations

from typing import Any

from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT, create_subscription, order

ACCOUNT = "A00000001"
SUBSCRIPTION = "A-S00000001"
FEE = "C-00000001"  # the flat fee of FLAT
SEATS = "C-00000002"  # the per-unit charge of PER_UNIT
MODES = ("async", "sync")


def on(day: str, **other: str) -> list[dict[str, str]]:
    """``triggerDates``: ContractEffective on ``day``, plus ServiceActivation=… etc."""
    return [{"name": "ContractEffective", "triggerDate": day}] + [
        {"name": name, "triggerDate": value} for name, value in other.items()
    ]


def amend(
    *actions: dict[str, Any], number: str = SUBSCRIPTION, order_date: str = "2027-02-01"
) -> dict[str, Any]:
    """An order of ``actions`` on subscription ``number`` of the first account."""
    return {
        "orderDate": order_date,
        "existingAccountNumber": ACCOUNT,
        "subscriptions": [{"subscriptionNumber": number, "orderActions": list(actions)}],
    }


def add_product(plan: str, day: str | None = None, **extra: Any) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "AddProduct",
        "addProduct": {"productRatePlanNumber": plan, **extra},
    }
    if day:
        action["triggerDates"] = on(day)
    return action


def update_quantity(quantity: int, day: str, charge: str = SEATS) -> dict[str, Any]:
    return {
        "type": "UpdateProduct",
        "triggerDates": on(day),
        "updateProduct": {
            "productRatePlanNumber": PER_UNIT,
            "chargeUpdates": [
                {"chargeNumber": charge, "pricing": {"recurringPerUnit": {"quantity": quantity}}}
            ],
        },
    }


def remove_product(plan: str, day: str) -> dict[str, Any]:
    return {
        "type": "RemoveProduct",
        "triggerDates": on(day),
        "removeProduct": {"productRatePlanNumber": plan},
    }


def change_plan(old: str, new: str, day: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "ChangePlan",
        "triggerDates": on(day),
        "changePlan": {
            "productRatePlanNumber": old,
            "newProductRatePlan": {"productRatePlanNumber": new},
            **extra,
        },
    }


def terms(**fields: Any) -> dict[str, Any]:
    return {"type": "TermsAndConditions", "termsAndConditions": fields}


def renew() -> dict[str, Any]:
    return {"type": "RenewSubscription"}


def cancel(policy: str, day: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"cancellationPolicy": policy}
    if day:
        body["cancellationEffectiveDate"] = day
    return {"type": "CancelSubscription", "cancelSubscription": body}


def suspend(day: str) -> dict[str, Any]:
    return {
        "type": "Suspend",
        "suspend": {"suspendPolicy": "SpecificDate", "suspendSpecificDate": day},
    }


def resume(day: str, extends_term: bool = False) -> dict[str, Any]:
    return {
        "type": "Resume",
        "resume": {
            "resumePolicy": "SpecificDate",
            "resumeSpecificDate": day,
            "extendsTerm": extends_term,
        },
    }


def owner_transfer(**fields: str) -> dict[str, Any]:
    return {"type": "OwnerTransfer", "ownerTransfer": fields}


def place(client: ApiClient, mode: str, body: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Place ``body`` through ``POST /v1/async/orders`` or ``POST /v1/orders``.

    Returns (succeeded, result) where result is the create-order result (async: the job's,
    without ``jobType``) or, on failure, ``{"code": <8 digits>, "message": …}``.
    """
    if mode == "async":
        job = client.submit_and_run("/v1/async/orders", body)
        if job["status"] == "Failed":
            code, _, message = job["errors"].partition("]: ")
            return False, {"code": int(code.lstrip("[")), "message": message}
        result = dict(job["result"])
        assert result.pop("jobType") == "AsyncCreateOrder"
        return True, result
    response = client.post("/v1/orders", json=body)
    payload: dict[str, Any] = response.json()
    if not payload.get("success"):
        reason = payload["reasons"][0]
        return False, {"code": int(reason["code"]), "message": reason["message"]}
    assert response.status_code == 200, payload
    return True, payload


def placed(client: ApiClient, mode: str, body: dict[str, Any]) -> dict[str, Any]:
    ok, result = place(client, mode, body)
    assert ok, result
    return result


def subscribe(client: ApiClient, *plans: str, **create: Any) -> str:
    """A first subscription (FLAT + PER_UNIT by default) from 2027-01-01, for 12 months."""
    body = order(
        create_subscription(*(plans or (FLAT, PER_UNIT)), **create),
        order_date="2027-01-01",
        **({"existingAccountNumber": ACCOUNT} if _has_account(client) else {}),
    )
    result = placed(client, "sync", body)
    number: str = result["subscriptions"][0]["subscriptionNumber"]
    return number


def _has_account(client: ApiClient) -> bool:
    return client.get(f"/v1/accounts/{ACCOUNT}").status_code == 200


def subscription(client: ApiClient, number: str = SUBSCRIPTION, **query: str) -> dict[str, Any]:
    response = client.get(f"/v1/subscriptions/{number}", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def charges(sub: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Charge number → the charge as shown (its last segment by default)."""
    return {c["number"]: c for plan in sub["ratePlans"] for c in plan["ratePlanCharges"]}


def dates(charge: dict[str, Any]) -> tuple[str | None, str | None]:
    return (charge["effectiveStartDate"], charge["effectiveEndDate"])
