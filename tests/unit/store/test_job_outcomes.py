"""What a poll reads of a job row (store/jobs.py): finished outcomes decoded once per row."""

from __future__ import annotations

import orjson

from zorders.service.jobs import JobKind, JobStatus
from zorders.service.results import CreateOrderResult, SubscriptionOutcome
from zorders.store.codec import dumps
from zorders.store.jobs import outcome_from_row
from zorders.types import JobId

KIND = JobKind.CREATE_ORDER.value


def _result(subscriptions: int = 1) -> str:
    return dumps(
        CreateOrderResult(
            order_number="O-00000001",
            order_id="1",
            account_number="A00000001",
            account_id="2",
            status="Completed",
            subscriptions=tuple(
                SubscriptionOutcome(
                    number=f"A-S{n:08d}",
                    id=f"{n:032x}",
                    status="Active",
                    owner_account_number="A00000001",
                    owner_account_id="2",
                )
                for n in range(subscriptions)
            ),
        )
    )


def test_a_finished_row_is_decoded_once_and_a_changed_row_anew() -> None:
    job = JobId("a" * 32)
    first = outcome_from_row(job, KIND, "completed", None, _result())
    assert first.status is JobStatus.COMPLETED and first.result is not None
    assert outcome_from_row(job, KIND, "completed", None, _result()) is first
    changed = outcome_from_row(job, KIND, "completed", None, _result(2))
    assert changed is not first and changed.result is not None
    assert len(changed.result.subscriptions) == 2
    other = outcome_from_row(JobId("b" * 32), KIND, "completed", None, _result())
    assert other is not first and other.id == "b" * 32
    failed = outcome_from_row(job, KIND, "failed", "[40000020]: no", None)
    assert failed.status is JobStatus.FAILED and failed.error == "[40000020]: no"


def test_unfinished_and_very_large_rows_are_decoded_every_time() -> None:
    job = JobId("c" * 32)
    pending = outcome_from_row(job, KIND, "pending", None, None)
    assert outcome_from_row(job, KIND, "pending", None, None) is not pending
    large = _result(200)
    assert len(large) > 4096 and orjson.loads(large)
    big = outcome_from_row(job, KIND, "completed", None, large)
    assert outcome_from_row(job, KIND, "completed", None, large) is not big
    assert big == outcome_from_row(job, KIND, "completed", None, large)
