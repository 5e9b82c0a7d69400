"""The task store's scripts against a real Redis, raced by replicas (separate connections)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from shared.domain.events import encode
from shared.domain.lifecycle import Register, Withdraw, decide, evolve
from shared.domain.programme import close_year, publish_roster
from shared.domain.refusals import Conflict, Refusal
from shared.log.eventlog import EventLog, connect, decode_entry
from shared.log.keys import Keys
from shared.log.store import Closed, QuotaExceeded, Request, TaskStore, execute
from tests.unit.lifecycle.builders import (
    ADMIN,
    APPROVE,
    HUNG,
    REJECT,
    SECRETARY,
    context,
    registration,
)
from tests.unit.lifecycle.test_transitions import ROSTER

YEAR = 2024


@pytest.fixture
async def replicas(redis_url: str, prefix: str) -> AsyncIterator[list[TaskStore]]:
    """Two stores on two connections: two replicas of a writing service."""
    logs = [EventLog(connect(redis_url), Keys(prefix), f"replica-{n}") for n in (1, 2)]
    yield [TaskStore(log) for log in logs]
    for log in logs:
        await log.redis.aclose()


def now_context(actor):  # type: ignore[no-untyped-def]
    return context(actor, datetime.now(UTC).replace(year=YEAR))


async def register(store: TaskStore, registrant: str = "hung", actor=HUNG) -> str:  # type: ignore[no-untyped-def]
    task_id = str(uuid.uuid4())
    await execute(
        store,
        [(task_id, Register(task_id, registration(registrant)))],
        now_context(actor),
        quota=2,
    )
    return task_id


async def entries(redis: aioredis.Redis, stream: str) -> list[tuple[str, str]]:
    """(position, event type) of every entry of ``stream``."""
    return [
        (position.decode(), fields[b"type"].decode())
        for position, fields in await redis.xrange(stream)
    ]


async def test_replicas_racing_registrations_never_overshoot_the_quota(
    replicas: list[TaskStore],
) -> None:
    attempts = [register(replicas[n % 2], "Hung" if n % 3 else "HUNG") for n in range(24)]
    outcomes = await asyncio.gather(*attempts, return_exceptions=True)
    accepted = [o for o in outcomes if isinstance(o, str)]
    assert len(accepted) == 2
    assert all(isinstance(o, QuotaExceeded) for o in outcomes if not isinstance(o, str))
    log = replicas[0].log
    assert len(await entries(log.redis, log.keys.stream("TaskRegistered"))) == 2


async def test_a_withdrawal_frees_the_slot(replicas: list[TaskStore]) -> None:
    first, _second = await register(replicas[0]), await register(replicas[0])
    with pytest.raises(QuotaExceeded):
        await register(replicas[1])
    await execute(replicas[1], [(first, Withdraw("other plans"))], now_context(HUNG))
    assert await register(replicas[1])


async def test_replicas_racing_batch_decisions_decide_each_task_once(
    replicas: list[TaskStore],
) -> None:
    tasks = [await register(replicas[0], f"leader-{n}", ADMIN) for n in range(6)]
    approve = [(task, APPROVE) for task in tasks[:4]]
    reject = [(task, REJECT) for task in tasks[2:]]  # overlaps on tasks 2 and 3
    outcomes = await asyncio.gather(
        execute(replicas[0], approve, now_context(SECRETARY)),
        execute(replicas[1], reject, now_context(SECRETARY)),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, list)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    log = replicas[0].log
    approved = await entries(log.redis, log.keys.stream("TaskApproved"))
    rejected = await entries(log.redis, log.keys.stream("TaskRejected"))
    # all or nothing: the losing batch wrote none of its decisions, not even on free tasks
    assert sorted([len(approved), len(rejected)]) == [0, 4]
    states = await replicas[1].load(tasks)
    decided = {s.state.status.value for s in states if s.state}
    assert decided == {"pending", "approved"} or decided == {"pending", "rejected"}


async def test_a_closing_raced_by_registrations_lands_after_every_one_of_its_year(
    replicas: list[TaskStore], redis_url: str
) -> None:
    store = replicas[0]

    async def close() -> None:
        await asyncio.sleep(0.01)
        event = close_year(YEAR, False, "Ban Thường vụ", "KL 1", now_context(ADMIN))
        await store.close_year(event)

    registrations = [register(replicas[n % 2], f"leader-{n}", ADMIN) for n in range(40)]
    outcomes = await asyncio.gather(close(), *registrations, return_exceptions=True)
    accepted = [o for o in outcomes[1:] if isinstance(o, str)]
    refused = [o for o in outcomes[1:] if isinstance(o, Closed)]
    assert len(accepted) + len(refused) == 40
    keys = store.keys
    [(closed_at, _)] = await entries(store.redis, keys.stream("YearClosed"))
    registered = await entries(store.redis, keys.stream("TaskRegistered"))
    assert len(registered) == len(accepted)

    def milliseconds(position: str) -> int:
        return int(position.split("-")[0])

    # Entry ids order entries within a stream; across two streams, only their milliseconds
    # compare (each stream counts its own sequence within a millisecond). Redis runs the
    # scripts one at a time, so a registration after the closure would bear a later one.
    closing_ms = milliseconds(closed_at)
    assert all(milliseconds(position) <= closing_ms for position, _ in registered)
    with pytest.raises(Closed):
        await register(replicas[1], "late", ADMIN)


async def test_a_commit_run_twice_writes_once(replicas: list[TaskStore]) -> None:
    """A client library retrying the script after a lost reply: the second run answers the
    first run's position and writes nothing."""
    store = replicas[0]
    task_id = str(uuid.uuid4())
    [loaded] = await store.load([task_id])
    event = decide(None, Register(task_id, registration()), now_context(HUNG))
    new = evolve(None, event)
    assert new is not None
    first = await store.commit([(loaded, event, new)], None, 2)
    again = await store.commit([(loaded, event, new)], None, 2)
    assert first == again
    registered = await entries(store.redis, store.keys.stream("TaskRegistered"))
    assert len(registered) == 1
    [(_, fields)] = await store.redis.xrange(store.keys.stream("TaskRegistered"))
    assert decode_entry("TaskRegistered", fields).id == event.id
    assert json.loads(encode(event))["id"] == event.id


async def test_one_idempotency_key_on_two_tasks_is_two_requests(
    replicas: list[TaskStore],
) -> None:
    store = replicas[0]
    tasks = [await register(store, f"leader-{n}", ADMIN) for n in range(2)]
    answers = []
    for task in tasks:
        request = Request(store.keys.idempotency(f"thu-ky\nPOST decision\n{task}\nkey-1"), "h")
        answers += await execute(store, [(task, APPROVE)], now_context(SECRETARY), request=request)
    assert {a.task_id for a in answers} == set(tasks)
    approved = await entries(store.redis, store.keys.stream("TaskApproved"))
    assert len(approved) == 2


async def test_a_withdrawal_racing_a_decision_lets_one_of_them_land(
    replicas: list[TaskStore],
) -> None:
    task = await register(replicas[0])
    outcomes = await asyncio.gather(
        execute(replicas[0], [(task, Withdraw("never mind"))], now_context(HUNG)),
        execute(replicas[1], [(task, APPROVE)], now_context(SECRETARY)),
        return_exceptions=True,
    )
    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1


async def test_a_roster_published_by_another_replica_binds_a_replica_that_knew_none(
    replicas: list[TaskStore],
) -> None:
    """A replica keeps the roster it read; the commit checks it is still the one in force,
    so a registration decided on a stale roster is decided again on the new one."""
    first, other = replicas
    assert await first.roster(YEAR) == ("", None)  # read and kept: no roster yet
    event = publish_roster(YEAR, ROSTER.units, ROSTER.leaders, now_context(ADMIN))
    await other.publish_roster(event)
    task_id = str(uuid.uuid4())
    command = Register(task_id, registration("lan"))
    with pytest.raises(Refusal) as refused:
        await execute(first, [(task_id, command)], now_context(ADMIN), roster_year=YEAR, quota=2)
    assert refused.value.code == "not_on_roster"
    on_roster = str(uuid.uuid4())
    sparse = registration("hung", name=None, position=None, level=None, unit=None)
    [answer] = await execute(
        first, [(on_roster, Register(on_roster, sparse))], now_context(ADMIN), roster_year=YEAR
    )
    [loaded] = await first.load([answer.task_id])
    assert loaded.state is not None
    assert loaded.state.unit.code == "kim-thanh", "filled in from the roster"
