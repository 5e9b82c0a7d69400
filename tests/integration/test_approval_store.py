"""Approval's Redis state: pending lists follow registrations; a task is decided once."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from structlog.testing import capture_logs

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


async def logged(store: ApprovalStore, registrant: str = "pham-quang-hung") -> StoredEvent:
    """A registration appended to the log, as approval's follower reads it."""
    event = registered_event(registrant)
    return StoredEvent(store.log.keys.registered, await store.log.append(event), event)


async def test_pending_list_is_oldest_first_and_redelivery_changes_nothing(
    store: ApprovalStore,
) -> None:
    events = [await logged(store, f"l{i}") for i in range(3)]
    await store.note_registrations(events)
    await store.note_registrations(events[:2])
    reinjected = await store.log.append(events[0].event)  # the same event, later in the log
    await store.note_registrations([StoredEvent(events[0].stream, reinjected, events[0].event)])

    pending = await store.pending(2024)

    assert [c.registration.id for c in pending] == [s.event.id for s in events]
    assert await store.pending(2023) == []


async def test_two_concurrent_decisions_on_one_task_give_one_event(
    store: ApprovalStore, redis: aioredis.Redis
) -> None:
    stored = await logged(store)
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
    stored = await logged(store)
    await store.note_registrations([stored])
    candidate = await store.find(stored.event.data.task_id)
    assert candidate is not None
    event = decide(
        candidate, Decide(decision="approve", decided_by="BTV"), now=utc_now(), correlation_id="c"
    )
    first = await store.record(event)
    assert await store.record(event) == first
    assert await redis.xlen(store.log.keys.approved) == 1


async def test_one_batch_notes_each_task_once_and_reads_registrations_from_the_log(
    store: ApprovalStore,
) -> None:
    """A batch is one script call: a task twice in it is noted at its first position; what
    the pending list and a lookup show is the registration at that position of the log."""
    first, other = await logged(store, "a"), await logged(store, "b")
    again = StoredEvent(first.stream, await store.log.append(first.event), first.event)
    await store.note_registrations([first, other, again])

    pending = await store.pending(2024)

    assert [c.registration for c in pending] == [first.event, other.event]
    assert [c.position for c in pending] == [first.position, other.position]
    found = await store.find(first.event.data.task_id)
    assert found is not None
    assert (found.registration, found.position) == (first.event, first.position)
    task = await store.redis.hgetall(store.task_key(first.event.data.task_id))
    assert set(task) == {b"member", b"status"}, "no copy of the document"


async def test_a_registration_gone_from_the_log_is_reported_and_left_out(
    store: ApprovalStore,
) -> None:
    kept, trimmed = await logged(store, "a"), await logged(store, "b")
    await store.note_registrations([kept, trimmed])
    await store.redis.xdel(trimmed.stream, trimmed.position)  # by hand: the log is never trimmed

    with capture_logs() as logs:
        assert [c.registration for c in await store.pending(2024)] == [kept.event]
        assert await store.find(trimmed.event.data.task_id) is None

    assert [line["position"] for line in logs] == [trimmed.position] * 2
    assert {line["event"] for line in logs} == {"registration missing from the log"}


async def test_a_task_registered_again_for_another_year_stays_where_it_was_first_noted(
    store: ApprovalStore,
) -> None:
    """A batch is noted with one script call per year: a task id registered twice (a bug
    upstream), even for another year, is pending where its first registration put it."""
    other = await logged(store, "a")
    twice = registered_event("b")
    later = twice.model_copy(update={"data": twice.data.model_copy(update={"year": 2025})})
    first_2025 = registered_event("c", year=2025)
    batch = [
        StoredEvent(store.log.keys.registered, await store.log.append(first_2025), first_2025),
        StoredEvent(store.log.keys.registered, await store.log.append(twice), twice),
        other,
        StoredEvent(store.log.keys.registered, await store.log.append(later), later),
    ]
    await store.note_registrations(batch)

    assert [c.registration.id for c in await store.pending(2025)] == [first_2025.id]
    in_2024 = [c.registration.id for c in await store.pending(2024)]
    assert in_2024 == [other.event.id, twice.id]
