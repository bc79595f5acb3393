"""Account use cases: ``POST /v1/accounts``."""

from __future__ import annotations

from zorders.domain.accounts import Account, AccountDraft, new_account
from zorders.domain.errors import InvalidValue, Resource
from zorders.service.numbering import SequenceNumbering
from zorders.service.ports import Clock, IdFactory, Store, UnitOfWork
from zorders.types import TenantId


def create_account(
    uow: UnitOfWork, tenant_id: TenantId, draft: AccountDraft, clock: Clock, ids: IdFactory
) -> Account:
    # Without a subscription in the same call the bill cycle day cannot be auto-set
    # (facts §8: billCycleDay is required then), so 0 is refused here.
    if draft.bill_cycle_day == 0:
        raise InvalidValue(
            "'billCycleDay' must be between 1 and 31 when no subscription is created.",
            resource=Resource.ACCOUNT,
        )
    scope = uow.tenant(tenant_id)
    taken = scope.numbers.taken([draft.account_number]) if draft.account_number else frozenset()
    account = new_account(
        draft,
        taken,
        SequenceNumbering(scope.counters, ids),
        clock.now().strftime("%Y-%m-%d %H:%M:%S"),
    )
    scope.accounts.add(account)
    return account


class AccountService:
    def __init__(self, store: Store, clock: Clock, ids: IdFactory) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    def create(self, tenant_id: TenantId, draft: AccountDraft) -> Account:
        with self._store.begin() as uow:
            return create_account(uow, tenant_id, draft, self._clock, self._ids)
