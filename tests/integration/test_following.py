"""Following a stream with FastStream against a real Redis: batches, groups, poison."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterable

import redis.asyncio as aioredis
from faststream.redis import RedisBroker

from shared.eventlog import EventLog
from shared.events import StoredEvent
from shared.following import BatchHandler, Follower
from shared.keys import Keys
from shared.metrics import Metrics
from tests.support.factories import registered_event


@contextlib.asynccontextmanager
async def following(
    redis_url: str, log: EventLog, handler: BatchHandler
) -> AsyncIterator[Follower]:
    """A follower of the registrations in group "g", running until the block ends."""
    broker = RedisBroker(redis_url)
    follower = Follower(
        log, Metrics("t"), log.keys.registered, "TaskRegistered", handler, group="g", consumer="c1"
    )
    follower.attach(broker, batch_size=100)
    await follower.prepare()
    await broker.start()
    try:
        yield follower
    finally:
        await broker.stop()


async def wait_until(condition: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - polling state another task changes
            await asyncio.sleep(0.02)


async def test_group_follower_gets_earlier_and_later_entries_parks_poison_and_acks(
    redis: aioredis.Redis, redis_url: str, prefix: str
) -> None:
    log = EventLog(redis, Keys(prefix), "test")
    stream = log.keys.registered
    earlier = await log.append(registered_event("before-start"))
    seen: list[StoredEvent] = []

    async def handle(events: Iterable[StoredEvent]) -> None:
        seen.extend(events)

    async with following(redis_url, log, handle) as follower:
        await wait_until(lambda: len(seen) == 1)
        await redis.xadd(stream, {"type": "TaskRegistered", "event": "{broken"})
        later = await log.append(registered_event("after-start"))
        await wait_until(lambda: len(seen) == 2)
        assert follower.running

    assert [s.position for s in seen] == [earlier, later]
    pending = await redis.xpending(stream, "g")
    assert pending["pending"] == 0, "every entry, the poison one too, was acked"
    [(_, letter)] = await redis.xrange(log.keys.dead_letter)
    assert json.loads(letter[b"event"])["data"]["group"] == "g"
    assert not follower.running


async def test_failing_handler_is_retried_then_left_pending(
    redis: aioredis.Redis, redis_url: str, prefix: str
) -> None:
    log = EventLog(redis, Keys(prefix), "test")
    stream = log.keys.registered
    calls = 0

    async def always_fails(events: Iterable[StoredEvent]) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("projection store down")

    async with following(redis_url, log, always_fails):
        await log.append(registered_event())
        await wait_until(lambda: calls == 4)
        await asyncio.sleep(0.2)
    pending = await redis.xpending(stream, "g")
    assert pending["pending"] == 1, "a batch that failed is never acked"
    assert await redis.xlen(log.keys.dead_letter) == 0


async def test_a_handler_that_stops_reading_its_batch_leaves_it_pending(
    redis: aioredis.Redis, redis_url: str, prefix: str
) -> None:
    """Entries are validated as a handler reads them: one that returns before the end of
    its batch would skip the rest, so the batch fails and nothing of it is acked."""
    log = EventLog(redis, Keys(prefix), "test")
    stream = log.keys.registered
    for n in range(3):
        await log.append(registered_event(f"leader-{n}"))
    calls = 0

    async def reads_one(events: Iterable[StoredEvent]) -> None:
        nonlocal calls
        calls += 1
        next(iter(events))

    async with following(redis_url, log, reads_one):
        await wait_until(lambda: calls == 4)  # tried, then retried three times
        await asyncio.sleep(0.2)
    assert (await redis.xpending(stream, "g"))["pending"] == 3
