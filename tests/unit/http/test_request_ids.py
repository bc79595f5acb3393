"""Zuora-Request-Id values: UUID-shaped, never repeated within a process or across a fork."""

from __future__ import annotations

import os
import re

from zorders.http.middleware import request_id

UUID_SHAPE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_request_ids_are_uuid_shaped_and_unique() -> None:
    ids = [request_id() for _ in range(10_000)]
    assert all(UUID_SHAPE.match(i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_a_forked_process_draws_its_own_ids() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, then exit without running the test session
        os.close(read)
        os.write(write, " ".join(request_id() for _ in range(100)).encode())
        os._exit(0)
    os.close(write)
    parent = {request_id() for _ in range(100)}
    with os.fdopen(read, "rb") as pipe:
        child = set(pipe.read().decode().split())
    os.waitpid(pid, 0)
    assert len(child) == 100
    assert not parent & child
    # Another prefix, not just another stretch of the same count.
    assert {i[:24] for i in parent}.isdisjoint({i[:24] for i in child})
