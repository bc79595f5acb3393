"""Accounts: create and read (facts §8)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire import commands
from zorders.http.wire.models import AccountBody
from zorders.http.wire.objects_json import account_json
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Accounts"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]


@router.post("/v1/accounts", summary="Create an account")
def create_account(request: Request, body: AccountBody, tenant: TenantDep) -> Any:
    account = api(request).accounts.create(tenant.id, commands.account_draft(body))
    return ZuoraJSONResponse(
        {
            "success": True,
            "accountId": account.id,
            "accountNumber": account.number,
            "billToContactId": account.bill_to_contact_id,
            "soldToContactId": account.sold_to_contact_id,
        }
    )


@router.get("/v1/accounts/{account_key}", summary="Retrieve an account")
def get_account(request: Request, account_key: str, tenant: TenantDep) -> Any:
    return ZuoraJSONResponse(account_json(api(request).queries.account(tenant.id, account_key)))
