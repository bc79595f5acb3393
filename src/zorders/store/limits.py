"""Limit counters: each API process's published counts, summed for the others."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, case, delete, func, insert, select

from zorders.service.limits import PeerCounts
from zorders.store import schema as t
from zorders.store.repositories import to_db_time
from zorders.types import TenantId

_c = t.limit_counters.c


class SqlLimitCounters:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def publish(
        self,
        tenant_id: TenantId,
        *,
        process_id: str,
        window: datetime,
        requests: int,
        in_flight: int,
        in_flight_high_volume: int,
        now: datetime,
    ) -> None:
        self._conn.execute(
            delete(t.limit_counters).where(_c.tenant_id == tenant_id, _c.process_id == process_id)
        )
        self._conn.execute(
            insert(t.limit_counters).values(
                tenant_id=tenant_id,
                process_id=process_id,
                window_start=to_db_time(window),
                requests=requests,
                in_flight=in_flight,
                in_flight_high_volume=in_flight_high_volume,
                updated_at=to_db_time(now),
            )
        )

    def peers(
        self, *, process_id: str, window: datetime, fresh_since: datetime
    ) -> Mapping[TenantId, PeerCounts]:
        in_window = case((_c.window_start == to_db_time(window), _c.requests), else_=0)
        rows = self._conn.execute(
            select(
                _c.tenant_id,
                func.sum(in_window),
                func.sum(_c.in_flight),
                func.sum(_c.in_flight_high_volume),
            )
            .where(_c.process_id != process_id, _c.updated_at >= to_db_time(fresh_since))
            .group_by(_c.tenant_id)
        ).all()
        return {
            TenantId(row[0]): PeerCounts(
                requests=int(row[1] or 0),
                in_flight=int(row[2] or 0),
                in_flight_high_volume=int(row[3] or 0),
            )
            for row in rows
        }
