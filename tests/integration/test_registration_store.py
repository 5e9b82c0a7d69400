"""Registration's Redis state: the quota and idempotency hold under concurrent requests."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from services.registration.adapters import Decision, RegistrationStore
from services.registration.domain import QuotaExceeded
from shared.eventlog import EventLog
from shared.events import TaskApproved, TaskRejected, new_event, utc_now
from shared.keys import Keys
from shared.tasks import TaskStatus
from tests.support.factories import registered_event


@pytest.fixture
def store(redis: aioredis.Redis, prefix: str) -> RegistrationStore:
    return RegistrationStore(EventLog(redis, Keys(prefix), "registration"))


async def test_concurrent_registrations_never_exceed_the_quota(
    store: RegistrationStore, redis: aioredis.Redis
) -> None:
    async def attempt() -> bool:
        try:
            await store.register(
                registered_event("one-leader"), max_tasks=2, idempotency_key=None, request_hash="h"
            )
        except QuotaExceeded:
            return False
        return True

    outcomes = await asyncio.gather(*(attempt() for _ in range(24)))

    assert outcomes.count(True) == 2
    assert await redis.xlen(store.stream) == 2
    assert await store.live_tasks(2024, "one-leader") == 2


async def test_concurrent_requests_with_one_idempotency_key_write_one_event(
    store: RegistrationStore, redis: aioredis.Redis
) -> None:
    answers = await asyncio.gather(
        *(
            store.register(
                registered_event("leader-k"), max_tasks=2, idempotency_key="key-7", request_hash="h"
            )
            for _ in range(10)
        )
    )
    assert len({(a.event_id, a.position, a.subject) for a in answers}) == 1
    assert sum(not a.replayed for a in answers) == 1
    assert await redis.xlen(store.stream) == 1


async def test_a_rejection_frees_the_slot_and_is_idempotent(store: RegistrationStore) -> None:
    first = registered_event("leader-r")
    await store.register(first, max_tasks=1, idempotency_key=None, request_hash="h")
    with pytest.raises(QuotaExceeded):
        await store.register(
            registered_event("leader-r"), max_tasks=1, idempotency_key=None, request_hash="h"
        )

    rejection = new_event(
        TaskRejected(
            task_id=first.data.task_id,
            year=2024,
            decided_by="BTV",
            reason="r",
            rejected_at=utc_now(),
        ),
        source="/breakthrough/approval",
        correlation_id="c",
    )
    await store.record_decisions([rejection, rejection])

    record = await store.find(first.data.task_id)
    assert record is not None
    assert record.status is TaskStatus.rejected
    assert await store.live_tasks(2024, "leader-r") == 0
    await store.register(
        registered_event("leader-r"), max_tasks=1, idempotency_key=None, request_hash="h"
    )


async def test_a_batch_of_decisions_sets_each_status_and_frees_only_the_rejected_slots(
    store: RegistrationStore,
) -> None:
    tasks = [registered_event(f"leader-{n}") for n in range(4)]
    for task in tasks:
        await store.register(task, max_tasks=2, idempotency_key=None, request_hash="h")

    def decision(task_id: str, *, approve: bool) -> Decision:
        data: TaskApproved | TaskRejected = (
            TaskApproved(task_id=task_id, year=2024, decided_by="BTV", approved_at=utc_now())
            if approve
            else TaskRejected(
                task_id=task_id, year=2024, decided_by="BTV", reason="r", rejected_at=utc_now()
            )
        )
        return new_event(data, source="/breakthrough/approval", correlation_id="c")  # type: ignore[return-value]

    ids = [task.data.task_id for task in tasks]
    unknown = str(uuid.uuid4())  # decided, but its registration never reached this service
    batch = [
        decision(ids[0], approve=True),
        decision(ids[1], approve=False),
        decision(unknown, approve=False),
        decision(ids[2], approve=True),
        decision(ids[3], approve=False),
    ]
    await store.record_decisions(batch)
    await store.record_decisions(batch)  # delivered again: nothing changes

    statuses = [(await store.find(task_id)) for task_id in ids]
    assert [s.status if s else None for s in statuses] == [
        TaskStatus.approved,
        TaskStatus.rejected,
        TaskStatus.approved,
        TaskStatus.rejected,
    ]
    for n, live in enumerate([1, 0, 1, 0]):
        assert await store.live_tasks(2024, f"leader-{n}") == live
    assert await store.redis.hget(store.task_key(unknown), "status") == b"rejected"


async def test_unknown_task_is_none(store: RegistrationStore) -> None:
    assert await store.find(str(uuid.uuid4())) is None


async def test_running_the_register_script_twice_for_one_event_answers_the_first_run(
    store: RegistrationStore, redis: aioredis.Redis
) -> None:
    event = registered_event("leader-retry")
    first = await store.register(event, max_tasks=1, idempotency_key=None, request_hash="h")
    again = await store.register(event, max_tasks=1, idempotency_key=None, request_hash="h")
    assert again.position == first.position, "a retried call is not a quota refusal"
    assert await redis.xlen(store.stream) == 1
