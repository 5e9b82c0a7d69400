"""Pending entries against a real Redis and FastStream: retried, taken over, parked, and a
vanished consumer group brought back from its checkpoint."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence

import pytest
import redis.asyncio as aioredis
from faststream.redis import RedisBroker

from shared.eventlog import EventLog
from shared.events import StoredEvent
from shared.following import Follower
from shared.keys import Keys
from shared.metrics import Metrics
from shared.recovery import before
from tests.support.factories import registered_event

Handler = Callable[[Sequence[StoredEvent]], object]


async def eventually(condition: Callable[[], object], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - polling state another task changes
            await asyncio.sleep(0.02)


class Recorder:
    """A handler that fails for the first ``failures`` deliveries of each event."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.attempts: dict[str, int] = {}
        self.applied: list[str] = []

    async def __call__(self, events: Sequence[StoredEvent]) -> None:
        for stored in events:
            tries = self.attempts[stored.event.id] = self.attempts.get(stored.event.id, 0) + 1
            if tries <= self.failures:
                raise RuntimeError(f"not yet ({tries})")
        self.applied.extend(stored.event.id for stored in events)


@pytest.fixture
def log(redis: aioredis.Redis, prefix: str) -> EventLog:
    return EventLog(redis, Keys(prefix), "test")


def follower(log: EventLog, handler: Recorder, consumer: str = "c1", **options: int) -> Follower:
    return Follower(
        log,
        Metrics("t"),
        log.keys.registered,
        "TaskRegistered",
        handler,
        group="g",
        consumer=consumer,
        pending_idle_ms=options.get("idle", 100),
        max_deliveries=options.get("deliveries", 3),
    )


@pytest.fixture
async def broker(redis_url: str) -> AsyncIterator[RedisBroker]:
    running = RedisBroker(redis_url)
    yield running
    await running.stop()


async def start(broker: RedisBroker, *followers: Follower) -> None:
    for each in followers:
        each.attach(broker, batch_size=50)
        await each.prepare()
    await broker.start()


async def test_a_failed_entry_is_retried_until_it_passes(
    broker: RedisBroker, log: EventLog
) -> None:
    handler = Recorder(failures=5)  # the batch's own 4 tries fail, then one claim fails
    one = follower(log, handler, deliveries=5)
    await start(broker, one)
    event = registered_event()
    await log.append(event)
    await eventually(lambda: handler.attempts.get(event.id) == 4)
    await asyncio.sleep(0.15)
    await one.maintain()  # claimed: 2nd delivery, fails (5th try)
    await asyncio.sleep(0.15)
    await one.maintain()  # claimed: 3rd delivery, passes
    assert handler.applied == [event.id]
    assert (await log.redis.xpending(log.keys.registered, "g"))["pending"] == 0
    assert await log.redis.xlen(log.keys.dead_letter) == 0


async def test_an_entry_failing_every_delivery_is_parked_and_the_flow_goes_on(
    broker: RedisBroker, log: EventLog
) -> None:
    handler = Recorder(failures=1000)
    one = follower(log, handler, deliveries=2)
    await start(broker, one)
    doomed = registered_event()
    await log.append(doomed)
    await eventually(lambda: handler.attempts.get(doomed.id) == 4)
    for _ in range(2):
        await asyncio.sleep(0.15)
        await one.maintain()

    [(_, letter)] = await log.redis.xrange(log.keys.dead_letter)
    document = json.loads(letter[b"event"])
    assert document["data"]["delivery_count"] == 3
    assert document["data"]["error"].startswith("gave up after 2 deliveries: RuntimeError")
    assert json.loads(document["data"]["fields"]["event"])["id"] == doomed.id
    assert (await log.redis.xpending(log.keys.registered, "g"))["pending"] == 0

    handler.failures = 0
    later = registered_event()
    await log.append(later)
    await eventually(lambda: later.id in handler.applied)


async def test_a_restarted_consumer_handles_what_it_left_pending(
    redis_url: str, log: EventLog
) -> None:
    await log.ensure_group(log.keys.registered, "g")
    events = [registered_event() for _ in range(3)]
    for event in events:
        await log.append(event)
    # the consumer read them and died before acking
    await log.redis.xreadgroup("g", "c1", {log.keys.registered: ">"}, count=10)

    handler = Recorder()
    broker = RedisBroker(redis_url)
    try:
        await start(broker, follower(log, handler, consumer="c1", idle=60_000))
    finally:
        await broker.stop()
    assert sorted(handler.applied) == sorted(e.id for e in events)
    assert (await log.redis.xpending(log.keys.registered, "g"))["pending"] == 0


async def test_a_live_consumer_takes_over_from_a_dead_one(
    broker: RedisBroker, log: EventLog
) -> None:
    await log.ensure_group(log.keys.registered, "g")
    event = registered_event()
    await log.append(event)
    await log.redis.xreadgroup("g", "dead", {log.keys.registered: ">"}, count=10)
    handler = Recorder()
    live = follower(log, handler, consumer="live", idle=100)
    await start(broker, live)
    assert handler.applied == [], "not before the entry has been idle long enough"
    await asyncio.sleep(0.15)
    await live.maintain()
    assert handler.applied == [event.id]
    assert (await log.redis.xpending(log.keys.registered, "g"))["pending"] == 0


async def test_a_vanished_group_comes_back_from_its_checkpoint(
    broker: RedisBroker, log: EventLog
) -> None:
    handler = Recorder()
    one = follower(log, handler)
    await start(broker, one)
    first = registered_event()
    await log.append(first)
    await eventually(lambda: handler.applied == [first.id])
    await one.maintain()  # saves the checkpoint
    await log.redis.xgroup_destroy(log.keys.registered, "g")
    await eventually(lambda: not one.running)
    missed = registered_event()
    await log.append(missed)

    await one.maintain()

    await eventually(lambda: missed.id in handler.applied)
    assert one.running
    assert handler.applied == [first.id, missed.id], "from the checkpoint: nothing twice"


def test_before() -> None:
    assert before("5-3") == "5-2"
    assert before("5-0") == "4-18446744073709551615"
    assert before("0-0") == "0-0"
