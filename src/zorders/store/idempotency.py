"""Stored responses of requests sent with an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from zorders.service.idempotency import IdempotencyRecord, RequestFingerprint, StoredResponse
from zorders.store import schema as t
from zorders.store.repositories import from_db_time, to_db_time
from zorders.types import TenantId

_c = t.idempotency_keys.c


class SqlIdempotency:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> IdempotencyRecord | None:
        row = self._conn.execute(select(t.idempotency_keys).where(_c.key == key)).first()
        return None if row is None else _record(row._mapping)

    def add(self, record: IdempotencyRecord) -> bool:
        f = record.fingerprint
        # ON CONFLICT DO NOTHING: a concurrent first use of the same key must not fail the
        # transaction (PostgreSQL would abort it); the caller reads the winner instead.
        dialect = self._conn.dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            t.idempotency_keys
        )
        inserted = self._conn.execute(
            statement.on_conflict_do_nothing(index_elements=["key"])
            .returning(_c.key)
            .values(
                key=f.key,
                tenant_id=f.tenant_id,
                method=f.method,
                path=f.path,
                body_hash=f.body_hash,
                locked_until=None
                if record.locked_until is None
                else to_db_time(record.locked_until),
                created_at=to_db_time(record.created_at),
                expires_at=to_db_time(record.expires_at),
            )
        )
        return inserted.first() is not None

    def relock(self, key: str, locked_until: datetime) -> None:
        self._conn.execute(
            update(t.idempotency_keys)
            .where(_c.key == key)
            .values(locked_until=to_db_time(locked_until))
        )

    def store_response(self, key: str, response: StoredResponse) -> None:
        self._conn.execute(
            update(t.idempotency_keys)
            .where(_c.key == key)
            .values(
                status_code=response.status,
                headers=orjson.dumps([list(h) for h in response.headers]).decode(),
                body=response.body,
                locked_until=None,
            )
        )

    def delete(self, key: str) -> None:
        self._conn.execute(delete(t.idempotency_keys).where(_c.key == key))

    def delete_expired(self, now: datetime) -> int:
        result = self._conn.execute(
            delete(t.idempotency_keys).where(_c.expires_at <= to_db_time(now))
        )
        return result.rowcount

    def delete_tenant(self, tenant_id: TenantId) -> int:
        result = self._conn.execute(delete(t.idempotency_keys).where(_c.tenant_id == tenant_id))
        return result.rowcount


def _record(row: Any) -> IdempotencyRecord:
    response = None
    if row["status_code"] is not None:
        response = StoredResponse(
            status=row["status_code"],
            headers=tuple((str(k), str(v)) for k, v in orjson.loads(row["headers"])),
            body=bytes(row["body"]),
        )
    return IdempotencyRecord(
        fingerprint=RequestFingerprint(
            key=row["key"],
            tenant_id=TenantId(row["tenant_id"]),
            method=row["method"],
            path=row["path"],
            body_hash=row["body_hash"],
        ),
        response=response,
        locked_until=None if row["locked_until"] is None else from_db_time(row["locked_until"]),
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
    )
