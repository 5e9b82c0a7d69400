"""Reporting's follower never stops: whatever fails, it says why (``/readyz``), retries, and
catches up by itself; a log that went backwards (entries it applied are gone: a failover to a
replica that lacked them, a restore) is rebuilt from what Redis now holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from services.reporting.follower import Follower
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from tests.support.redis_server import PrivateRedis
from tests.support.writing import Writer


async def until(condition: Callable[[], bool], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.05)


@pytest.fixture
async def own_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    """A Redis of this test's own, which it may stop, restart and lock out."""
    server = PrivateRedis(tmp_path, aof=True).start()
    yield server
    server.stop()


@pytest.fixture
async def following(
    own_redis: PrivateRedis, prefix: str
) -> AsyncIterator[tuple[EventLog, Follower]]:
    log = EventLog(connect(own_redis.url), Keys(prefix), "reporting")
    follower = Follower(log, page_size=100)
    runner = asyncio.create_task(follower.run())
    await until(lambda: follower.ready)
    yield log, follower
    runner.cancel()
    await asyncio.gather(runner, return_exceptions=True)
    await log.redis.aclose()


async def test_a_redis_restart_while_following_is_retried_and_caught_up(
    own_redis: PrivateRedis, following: tuple[EventLog, Follower]
) -> None:
    log, follower = following
    writer = Writer(log)
    task, _ = await writer.register("hung")
    own_redis.stop()
    await until(lambda: follower.why_not_ready() is not None)
    assert "failed" in (follower.why_not_ready() or "")
    own_redis.start()
    position = await writer.approve(task)
    assert await follower.wait_for(position, 20)
    await until(lambda: follower.why_not_ready() is None)
    state = follower.projection.tasks[task].state
    assert state is not None
    assert state.status.value == "approved"


async def test_a_follower_refused_by_redis_says_so_and_resumes_when_allowed(
    own_redis: PrivateRedis, following: tuple[EventLog, Follower]
) -> None:
    log, follower = following
    admin = aioredis.Redis.from_url(own_redis.url)
    try:
        await admin.execute_command("ACL", "SETUSER", "default", "-xread", "-xrange")
        await until(lambda: "NOPERM" in (follower.why_not_ready() or "").upper())
        await admin.execute_command("ACL", "SETUSER", "default", "+xread", "+xrange")
        task, position = await Writer(log).register("hung")
        assert await follower.wait_for(position, 20)
        assert task in follower.projection.tasks
        await until(lambda: follower.why_not_ready() is None)
    finally:
        await admin.execute_command("ACL", "SETUSER", "default", "+@all")
        await admin.aclose()


async def test_a_log_that_went_backwards_is_rebuilt_from_what_redis_holds(
    following: tuple[EventLog, Follower],
) -> None:
    """As after a failover to a replica that lacked the last writes: entries the projection
    applied are gone. The follower notices (each read checks that the last entries it applied
    are still there) and rebuilds."""
    log, follower = following
    writer = Writer(log)
    kept, _ = await writer.register("hung")
    lost, position = await writer.register("lan")
    assert await follower.wait_for(position, 10)
    assert lost in follower.projection.tasks
    await log.redis.xdel(log.keys.stream("TaskRegistered"), position)
    await until(lambda: lost not in follower.projection.tasks)
    assert kept in follower.projection.tasks
    await until(lambda: follower.why_not_ready() is None)
