"""Approval's Redis state: pending lists follow registrations; a task is decided once."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from services.approval.adapters import ApprovalStore
from services.approval.domain import AlreadyDecided, Decide, decide
from shared.eventlog import EventLog
from shared.events import StoredEvent, utc_now
from shared.keys import Keys
from shared.tasks import TaskStatus
from tests.support.factories import registered_event


@pytest.fixture
def store(redis: aioredis.Redis, prefix: str) -> ApprovalStore:
    return ApprovalStore(EventLog(redis, Keys(prefix), "approval"))


async def test_pending_list_is_oldest_first_and_redelivery_changes_nothing(
    store: ApprovalStore,
) -> None:
    events = [StoredEvent("s", f"{i}-0", registered_event(f"l{i}")) for i in range(3)]
    await store.note_registrations(events)
    await store.note_registrations(events[:2])
    reinjected = StoredEvent("s", "9-0", events[0].event)
    await store.note_registrations([reinjected])

    pending = await store.pending(2024)

    assert [c.registration.id for c in pending] == [s.event.id for s in events]
    assert await store.pending(2023) == []


async def test_two_concurrent_decisions_on_one_task_give_one_event(
    store: ApprovalStore, redis: aioredis.Redis
) -> None:
    stored = StoredEvent("s", "1-0", registered_event())
    await store.note_registrations([stored])
    candidate = await store.find(stored.event.data.task_id)
    assert candidate is not None
    approve = Decide(decision="approve", decided_by="Ban Thường vụ")
    reject = Decide(decision="reject", decided_by="Ban Thường vụ", reason="trùng lặp")

    async def attempt(command: Decide) -> str | None:
        event = decide(candidate, command, now=utc_now(), correlation_id="c")
        try:
            return await store.record(event)
        except AlreadyDecided:
            return None

    outcomes = await asyncio.gather(*(attempt(c) for c in [approve, reject] * 5))

    assert sum(o is not None for o in outcomes) == 1
    total = await redis.xlen(store.log.keys.approved) + await redis.xlen(store.log.keys.rejected)
    assert total == 1
    decided = await store.find(stored.event.data.task_id)
    assert decided is not None
    assert decided.status is not TaskStatus.pending
    assert await store.pending(2024) == []
    await store.note_registrations([stored])
    assert await store.pending(2024) == [], "a redelivered registration does not reopen it"


async def test_recording_one_decision_twice_answers_the_first_position(
    store: ApprovalStore, redis: aioredis.Redis
) -> None:
    stored = StoredEvent("s", "1-0", registered_event())
    await store.note_registrations([stored])
    candidate = await store.find(stored.event.data.task_id)
    assert candidate is not None
    event = decide(
        candidate, Decide(decision="approve", decided_by="BTV"), now=utc_now(), correlation_id="c"
    )
    first = await store.record(event)
    assert await store.record(event) == first
    assert await redis.xlen(store.log.keys.approved) == 1


async def test_one_batch_notes_each_task_once_and_keeps_the_document_as_read(
    store: ApprovalStore,
) -> None:
    """A batch is one script call: a task twice in it is noted at its first position, and
    the stored document is the one read from the stream (it still parses to the event)."""
    event = registered_event("a")
    document = event.model_dump_json().encode()
    first = StoredEvent("s", "1-0", event, document.replace(b'"id":', b'"id" :', 1))
    again = StoredEvent("s", "5-0", first.event)
    other = StoredEvent("s", "2-0", registered_event("b"))
    await store.note_registrations([first, other, again])

    pending = await store.pending(2024)

    assert [c.registration.id for c in pending] == [first.event.id, other.event.id]
    assert [c.position for c in pending] == ["1-0", "2-0"]
    assert pending[0].registration == first.event
    stored = await store.redis.hget(store.task_key(event.data.task_id), "event")
    assert stored == first.document, "the document as read, byte for byte"
