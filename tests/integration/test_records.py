"""``python -m shared.log.records``: the writers' records derived from the log equal what the
store wrote; a tampered record is found, and a rebuild makes every one again."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import redis

import shared.log.records as records_module
from shared.domain.lifecycle import Amend, Register, Withdraw
from shared.domain.programme import CloseYear, PublishCommittees, PublishRoster
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from shared.log.records import DIFFERENT, EQUAL, FAILED, held, main
from shared.log.store import Request, Store, execute, execute_year
from tests.unit.lifecycle.builders import (
    ADMIN,
    APPROVE,
    EVALUATE,
    HUNG,
    NOW,
    PROGRESS,
    REJECT,
    RETURN,
    SECRETARY,
    SELF,
    context,
    registration,
)
from tests.unit.lifecycle.test_transitions import COMMITTEES, ROSTERED

YEAR = 2024
DISTRICT = replace(SECRETARY, committee="kim-thanh")


@pytest.fixture
async def store(redis_url: str, prefix: str) -> AsyncIterator[Store]:
    log = EventLog(connect(redis_url), Keys(prefix), "registration")
    yield Store(log, quota=4)
    await log.redis.aclose()


def records(redis_url: str, prefix: str, verb: str) -> tuple[int, str]:
    out = io.StringIO()
    return main([verb], out), out.getvalue()


async def a_year(store: Store) -> dict[str, str]:
    """A year's worth of writes, every transition of the lifecycle among them."""
    tasks = {name: str(uuid.uuid4()) for name in ("evaluated", "withdrawn", "amended", "rejected")}
    roster = ROSTERED.roster
    assert roster is not None
    await execute_year(store, YEAR, PublishCommittees(COMMITTEES), context(ADMIN, NOW))
    await execute_year(
        store, YEAR, PublishRoster(roster.units, roster.leaders), context(ADMIN, NOW)
    )
    key = Request(store.keys.idempotency("hung/POST /tasks/key-1"), "hash-1")
    sparse = {"name": None, "position": None, "level": None, "unit_code": None}
    for name, task_id in tasks.items():
        command = Register(task_id, registration("hung", **sparse))
        request = key if name == "evaluated" else None
        await execute(store, [(task_id, command)], context(ADMIN, NOW), request=request)
    steps = [
        ("evaluated", APPROVE, SECRETARY),
        ("evaluated", PROGRESS, HUNG),
        ("evaluated", SELF, HUNG),
        ("evaluated", EVALUATE, SECRETARY),
        ("withdrawn", Withdraw("other plans"), HUNG),
        ("amended", RETURN, SECRETARY),
        ("amended", Amend(registration("hung", title="Sharper targets", **sparse)), HUNG),
        ("rejected", REJECT, SECRETARY),
    ]
    for name, command, actor in steps:
        acting = DISTRICT if actor is SECRETARY else actor  # the task's committee decides
        await execute(store, [(tasks[name], command)], context(acting, NOW))
    await execute_year(store, YEAR - 1, CloseYear("Ban Thường vụ", "KL 1"), context(ADMIN))
    return tasks


async def test_the_records_the_scripts_wrote_are_what_the_log_derives(
    store: Store, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await a_year(store)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)
    code, printed = await asyncio.to_thread(records, redis_url, prefix, "check")
    assert code == EQUAL, printed
    assert "EQUAL: 0 keys differ" in printed


async def test_a_tampered_record_is_found_and_a_rebuild_makes_every_one_again(
    store: Store, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = await a_year(store)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)
    keys, client = Keys(prefix), redis.Redis.from_url(redis_url)
    before = held(client, keys)
    idempotency = client.hgetall(keys.idempotency("hung/POST /tasks/key-1"))
    assert idempotency

    client.delete(keys.task(tasks["evaluated"]))
    client.hset(keys.task(tasks["amended"]), "version", "99")
    client.delete(keys.holdings(YEAR, "hung"))
    client.zadd(keys.pending(YEAR), {tasks["rejected"]: 1})
    client.hset(keys.task("never-registered"), "version", "1")
    client.delete(keys.year(YEAR - 1))
    client.sadd(keys.private("slots", YEAR, "x"), "left by 1.1")

    code, printed = await asyncio.to_thread(records, redis_url, prefix, "check")
    assert code == DIFFERENT, printed
    assert f"missing  {keys.task(tasks['evaluated'])}" in printed
    assert f"changed  {keys.task(tasks['amended'])}: fields version" in printed
    assert f"missing  {keys.holdings(YEAR, 'hung')}" in printed
    assert f"changed  {keys.pending(YEAR)}: members differ" in printed
    assert f"extra    {keys.task('never-registered')}" in printed
    assert f"missing  {keys.year(YEAR - 1)}" in printed
    assert f"extra    {keys.private('slots', YEAR, 'x')}" in printed
    assert "DIFFERENT: 7 keys differ" in printed

    code, printed = await asyncio.to_thread(records, redis_url, prefix, "rebuild")
    assert code == EQUAL, printed
    rebuilt = held(client, keys)
    assert {name: rebuilt.get(name) for name in before.names()} == {
        name: before.get(name) for name in before.names()
    }
    assert client.hgetall(keys.idempotency("hung/POST /tasks/key-1")) == idempotency, "left"
    code, printed = await asyncio.to_thread(records, redis_url, prefix, "check")
    assert code == EQUAL, printed

    # the rebuilt versions let the writers go on: the amended task is pending again
    [answer] = await execute(store, [(tasks["amended"], APPROVE)], context(DISTRICT, NOW))
    assert answer.status == "approved"
    client.close()


async def test_a_rebuild_that_a_writer_raced_says_so_and_fails(
    store: Store, redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
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
