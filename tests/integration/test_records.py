"""``python -m shared.log.records``: the writers' records derived from the log equal what the
scripts wrote, a tampered record is found, and a rebuild makes them again."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

import shared.log.records as records_module
from shared.domain.lifecycle import Amend, Register, Withdraw
from shared.domain.programme import close_year, publish_roster
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from shared.log.records import DIFFERENT, EQUAL, FAILED, held, main
from shared.log.store import Request, TaskStore, execute
from tests.unit.lifecycle.builders import (
    ADMIN,
    APPROVE,
    EVALUATE,
    HUNG,
    PROGRESS,
    REJECT,
    RETURN,
    SECRETARY,
    SELF,
    context,
    registration,
)
from tests.unit.lifecycle.test_transitions import ROSTER

YEAR = 2024
NOW = datetime.now(UTC).replace(year=YEAR)


@pytest.fixture
async def store(redis_url: str, prefix: str) -> AsyncIterator[TaskStore]:
    log = EventLog(connect(redis_url), Keys(prefix), "registration")
    yield TaskStore(log)
    await log.redis.aclose()


def records(redis_url: str, prefix: str, verb: str) -> tuple[int, str]:
    out = io.StringIO()
    return main([verb], out), out.getvalue()


async def a_year(store: TaskStore) -> dict[str, str]:
    """A year's worth of writes, every transition of the lifecycle among them."""
    tasks = {name: str(uuid.uuid4()) for name in ("evaluated", "withdrawn", "amended", "rejected")}
    await store.publish_roster(publish_roster(YEAR, ROSTER.units, ROSTER.leaders, context(ADMIN)))
    key = Request(store.keys.idempotency("hung/POST /tasks/key-1"), "hash-1")
    for name, task_id in tasks.items():
        registrant = "lan" if name == "rejected" else "hung"
        command = Register(task_id, registration(registrant))
        request = key if name == "evaluated" else None
        await execute(store, [(task_id, command)], context(ADMIN, NOW), request=request, quota=3)
    steps = [
        ("evaluated", APPROVE, SECRETARY),
        ("evaluated", PROGRESS, HUNG),
        ("evaluated", SELF, HUNG),
        ("evaluated", EVALUATE, SECRETARY),
        ("withdrawn", Withdraw("other plans"), HUNG),
        ("amended", RETURN, SECRETARY),
        ("amended", Amend(registration("hung", title="Sharper targets")), HUNG),
        ("rejected", REJECT, SECRETARY),
    ]
    for name, command, actor in steps:
        await execute(store, [(tasks[name], command)], context(actor, NOW))
    await store.close_year(close_year(YEAR - 1, False, "Ban Thường vụ", "KL 1", context(ADMIN)))
    return tasks


async def test_the_records_the_scripts_wrote_are_what_the_log_derives(
    store: TaskStore, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_year(store)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)
    code, printed = await asyncio.to_thread(records, redis_url, prefix, "check")
    assert code == EQUAL, printed
    assert "EQUAL: 0 keys differ" in printed


async def test_a_tampered_record_is_found_and_a_rebuild_makes_every_one_again(
    store: TaskStore, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = await a_year(store)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)
    keys, client = Keys(prefix), redis.Redis.from_url(redis_url)
    before = held(client, keys)
    idempotency = client.get(keys.idempotency("hung/POST /tasks/key-1"))
    assert idempotency is not None

    client.delete(keys.task(tasks["evaluated"]))
    client.hset(keys.task(tasks["amended"]), "version", "99")
    client.delete(keys.slots(YEAR, "hung"))
    client.zadd(keys.pending(YEAR), {tasks["rejected"]: 1})
    client.hset(keys.task("never-registered"), "status", "approved")
    client.delete(keys.closed_years)

    code, printed = await asyncio.to_thread(records, redis_url, prefix, "check")
    assert code == DIFFERENT, printed
    assert f"missing  {keys.task(tasks['evaluated'])}" in printed
    assert f"changed  {keys.task(tasks['amended'])}: fields version" in printed
    assert f"missing  {keys.slots(YEAR, 'hung')}" in printed
    assert f"changed  {keys.pending(YEAR)}: members differ" in printed
    assert f"extra    {keys.task('never-registered')}" in printed
    assert f"missing  {keys.closed_years}" in printed
    assert "DIFFERENT: 6 keys differ" in printed

    code, printed = await asyncio.to_thread(records, redis_url, prefix, "rebuild")
    assert code == EQUAL, printed
    assert held(client, keys) == before
    assert client.get(keys.idempotency("hung/POST /tasks/key-1")) == idempotency, "left alone"
    code, printed = await asyncio.to_thread(records, redis_url, prefix, "check")
    assert code == EQUAL, printed

    # the rebuilt versions let the writers go on: the amended task is pending again
    [answer] = await execute(store, [(tasks["amended"], APPROVE)], context(SECRETARY, NOW))
    assert answer.status == "approved"
    client.close()


async def test_a_rebuild_that_a_writer_raced_says_so_and_fails(
    store: TaskStore, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_year(store)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)
    writes = records_module.write

    def write_while_a_writer_appends(client: redis.Redis, *args: Any) -> None:
        writes(client, *args)
        client.xadd(Keys(prefix).stream("TaskRegistered"), {"type": "x", "event": "{}"})

    monkeypatch.setattr(records_module, "write", write_while_a_writer_appends)
    code, printed = await asyncio.to_thread(records, redis_url, prefix, "rebuild")
    assert code == FAILED, printed
    assert "the log moved while rebuilding" in printed
