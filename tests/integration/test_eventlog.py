"""The event-log adapter against a real Redis."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis.asyncio as aioredis

from shared.eventlog import EventLog, Poison, append_once, decode_entry
from shared.events import MalformedEvent
from shared.idempotency import IdempotencyConflict
from shared.keys import Keys
from tests.support.factories import registered_event


def event_log(redis: aioredis.Redis, prefix: str) -> EventLog:
    return EventLog(redis, Keys(prefix), "test")


async def test_append_writes_exactly_two_plain_fields_any_client_can_read(
    redis: aioredis.Redis, prefix: str
) -> None:
    log = event_log(redis, prefix)
    event = registered_event()
    position = await log.append(event)

    [(entry_id, fields)] = await redis.xrange(f"{prefix}:tasks:registered")
    assert entry_id.decode() == position
    assert set(fields) == {b"type", b"event"}
    assert fields[b"type"] == b"TaskRegistered"
    document = json.loads(fields[b"event"].decode("utf-8"))
    assert document["specversion"] == "1.0"
    assert document["id"] == event.id
    assert document["subject"] == event.data.task_id
    assert document["data"]["registrant"]["name"] == "Phạm Quang Hưng"
    assert "Phạm" in fields[b"event"].decode("utf-8"), "UTF-8, not \\u escapes"


async def test_read_pages_returns_every_entry_in_order_across_pages(
    redis: aioredis.Redis, prefix: str
) -> None:
    log = event_log(redis, prefix)
    written = [await log.append(registered_event(f"leader-{i}")) for i in range(10)]

    pages = [page async for page in log.read_pages(log.keys.registered, page_size=3)]

    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert [entry_id.decode() for page in pages for entry_id, _ in page] == written
    after_fourth = [p async for p in log.read_pages(log.keys.registered, after=written[3])]
    assert [e.decode() for page in after_fourth for e, _ in page] == written[4:]


async def test_read_events_separates_entries_that_do_not_parse(
    redis: aioredis.Redis, prefix: str
) -> None:
    log = event_log(redis, prefix)
    stream = log.keys.registered
    good = await log.append(registered_event())
    await redis.xadd(stream, {"__data__": b"\x00binary"})
    await redis.xadd(stream, {"type": "TaskRegistered", "event": "{not json"})
    await redis.xadd(stream, {"type": "TaskApproved", "event": "{}"})

    pages = [page async for page in log.read_events(stream, "TaskRegistered")]

    [(events, poison)] = pages
    assert [stored.position for stored in events] == [good]
    assert len(poison) == 3
    assert "expected exactly" in poison[0].error
    assert "invalid TaskRegistered document" in poison[1].error
    assert "in the TaskRegistered stream" in poison[2].error


def test_decode_entry_refuses_extra_fields() -> None:
    event = registered_event()
    fields = {b"type": b"TaskRegistered", b"event": event.model_dump_json().encode(), b"x": b"1"}
    with pytest.raises(MalformedEvent, match="expected exactly"):
        decode_entry("s", b"1-0", fields, "TaskRegistered")


async def test_group_is_created_at_the_start_so_earlier_entries_are_delivered(
    redis: aioredis.Redis, prefix: str
) -> None:
    log = event_log(redis, prefix)
    before = await log.append(registered_event())
    await log.ensure_group(log.keys.registered, "g")
    await log.ensure_group(log.keys.registered, "g")  # twice is fine

    delivered = await redis.xreadgroup("g", "c", {log.keys.registered: ">"}, count=10)

    [(_, entries)] = delivered
    assert [entry_id.decode() for entry_id, _ in entries] == [before]


async def test_parking_is_once_per_entry_and_group(redis: aioredis.Redis, prefix: str) -> None:
    log = event_log(redis, prefix)
    poison = Poison(log.keys.progress, "5-0", {b"type": b"ProgressLogged", b"event": b"{"}, "bad")

    first, again = await asyncio.gather(
        log.park(poison, group="g", consumer="c1"), log.park(poison, group="g", consumer="c2")
    )
    other_group = await log.park(poison, group="h", consumer="c1")

    assert sum(p is not None for p in (first, again)) == 1
    assert other_group is not None
    letters = await redis.xrange(log.keys.dead_letter)
    assert len(letters) == 2
    fields = letters[0][1]
    assert set(fields) == {b"type", b"event"}
    document = json.loads(fields[b"event"])
    assert document["type"] == "DeadLetter"
    assert document["data"]["stream"] == log.keys.progress
    assert document["data"]["entry_id"] == "5-0"
    assert document["data"]["error"] == "bad"
    assert document["data"]["fields"] == {"type": "ProgressLogged", "event": "{"}


async def test_append_once_replays_the_first_answer_and_refuses_another_body(
    redis: aioredis.Redis, prefix: str
) -> None:
    log = event_log(redis, prefix)
    first = await append_once(log, registered_event(), idempotency_key="k-1", request_hash="h1")
    again = await append_once(log, registered_event(), idempotency_key="k-1", request_hash="h1")

    assert again.replayed
    assert (again.event_id, again.position) == (first.event_id, first.position)
    assert await redis.xlen(log.keys.registered) == 1
    with pytest.raises(IdempotencyConflict):
        await append_once(log, registered_event(), idempotency_key="k-1", request_hash="h2")
    await append_once(log, registered_event(), idempotency_key=None, request_hash="h1")
    await append_once(log, registered_event(), idempotency_key=None, request_hash="h1")
    assert await redis.xlen(log.keys.registered) == 3


async def test_last_position(redis: aioredis.Redis, prefix: str) -> None:
    log = event_log(redis, prefix)
    assert await log.last_position(log.keys.registered) == "0-0"
    await log.append(registered_event())
    newest = await log.append(registered_event())
    assert await log.last_position(log.keys.registered) == newest
