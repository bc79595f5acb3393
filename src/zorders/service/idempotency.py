"""Idempotency-Key: the first response is stored for 24 h and replayed to repeats (facts §11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from zorders.types import TenantId

if TYPE_CHECKING:  # ports import this module's records
    from zorders.service.ports import Clock, Store

#: Zuora keeps keys 24 hours after their creation.
RETENTION = timedelta(hours=24)
#: A first request still "in flight" after this long is taken to have died with its
#: process (Zuora's gateway times requests out at 120 s): a repeat may run it again.
IN_FLIGHT_TIMEOUT = timedelta(seconds=120)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestFingerprint:
    key: str
    tenant_id: TenantId
    method: str
    path: str
    body_hash: str


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True, kw_only=True, slots=True)
class IdempotencyRecord:
    fingerprint: RequestFingerprint
    response: StoredResponse | None
    locked_until: datetime | None
    created_at: datetime
    expires_at: datetime


class Outcome(Enum):
    #: First use (or an abandoned one): run the request, then ``finish``.
    PROCEED = "proceed"
    #: Done before: answer with the stored response.
    REPLAY = "replay"
    #: The first request is still running: 409.
    IN_FLIGHT = "in_flight"
    #: Used before with another tenant, method, path or body: 422.
    MISMATCH = "mismatch"


@dataclass(frozen=True, kw_only=True, slots=True)
class Decision:
    outcome: Outcome
    response: StoredResponse | None = None


class IdempotencyService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def begin(self, request: RequestFingerprint) -> Decision:
        decision = self._begin(request)
        # A concurrent first use inserted the key between our read and our insert:
        # decide again against what it stored.
        return decision if decision is not None else self._begin(request) or _in_flight()

    def _begin(self, request: RequestFingerprint) -> Decision | None:
        now = self._clock.now()
        with self._store.begin() as uow:
            existing = uow.idempotency.get(request.key)
            if existing is not None and existing.expires_at <= now:
                uow.idempotency.delete(request.key)
                existing = None
            if existing is None:
                added = uow.idempotency.add(
                    IdempotencyRecord(
                        fingerprint=request,
                        response=None,
                        locked_until=now + IN_FLIGHT_TIMEOUT,
                        created_at=now,
                        expires_at=now + RETENTION,
                    )
                )
                return Decision(outcome=Outcome.PROCEED) if added else None
            if existing.fingerprint != request:
                # Zuora: another tenant, URL or method → 422. zorders also refuses another
                # body (stricter than documented: a reused key with a new body is a bug).
                return Decision(outcome=Outcome.MISMATCH)
            if existing.response is not None:
                return Decision(outcome=Outcome.REPLAY, response=existing.response)
            if existing.locked_until is not None and existing.locked_until > now:
                return Decision(outcome=Outcome.IN_FLIGHT)
            uow.idempotency.relock(request.key, now + IN_FLIGHT_TIMEOUT)
            return Decision(outcome=Outcome.PROCEED)

    def finish(self, key: str, response: StoredResponse) -> None:
        with self._store.begin() as uow:
            uow.idempotency.store_response(key, response)

    def abandon(self, key: str) -> None:
        """The first request ended without a response worth replaying: free the key."""
        with self._store.begin() as uow:
            uow.idempotency.delete(key)


def _in_flight() -> Decision:
    return Decision(outcome=Outcome.IN_FLIGHT)
