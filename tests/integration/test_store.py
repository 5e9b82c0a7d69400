"""The store against a real Redis, raced by replicas (separate connections): decide reads a
small read model, and the commit appends only if nothing it read has moved."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis
from msgspec.structs import replace

from shared.domain.lifecycle import Register, Withdraw
from shared.domain.programme import CloseYear, PublishRoster
from shared.domain.refusals import Conflict, Refusal
from shared.log.eventlog import EventLog, connect, decode
from shared.log.keys import Keys
from shared.log.replication import NotReplicated, Replication
from shared.log.store import Plan, Request, Store, execute, execute_year
from tests.unit.lifecycle.builders import (
    ADMIN,
    APPROVE,
    HUNG,
    REJECT,
    SECRETARY,
    context,
    registration,
    run,
)
from tests.unit.lifecycle.test_transitions import ROSTERED

YEAR = 2024


@pytest.fixture
async def replicas(redis_url: str, prefix: str) -> AsyncIterator[list[Store]]:
    """Two stores on two connections: two replicas of a writing service."""
    logs = [EventLog(connect(redis_url), Keys(prefix), f"replica-{n}") for n in (1, 2)]
    yield [Store(log) for log in logs]
    for log in logs:
        await log.redis.aclose()


def now_context(actor):  # type: ignore[no-untyped-def]
    return context(actor, datetime.now(UTC).replace(year=YEAR, month=6))


async def register(store: Store, registrant: str = "hung", actor=HUNG) -> str:  # type: ignore[no-untyped-def]
    task_id = str(uuid.uuid4())
    await execute(
        store, [(task_id, Register(task_id, registration(registrant)))], now_context(actor)
    )
    return task_id


async def entries(redis: aioredis.Redis, stream: str) -> list[tuple[str, str]]:
    """(position, event type) of every entry of ``stream``."""
    return [
        (position.decode(), fields[b"type"].decode())
        for position, fields in await redis.xrange(stream)
    ]


async def test_replicas_racing_registrations_never_overshoot_the_quota(
    replicas: list[Store],
) -> None:
    attempts = [register(replicas[n % 2], "Hung" if n % 3 else "HUNG") for n in range(24)]
    outcomes = await asyncio.gather(*attempts, return_exceptions=True)
    accepted = [o for o in outcomes if isinstance(o, str)]
    assert len(accepted) == 2
    refused = [o for o in outcomes if not isinstance(o, str)]
    assert all(isinstance(o, Conflict) and o.code == "quota" for o in refused), refused
    log = replicas[0].log
    assert len(await entries(log.redis, log.keys.stream("TaskRegistered"))) == 2


async def test_a_withdrawal_frees_the_slot(replicas: list[Store]) -> None:
    first, _second = await register(replicas[0]), await register(replicas[0])
    with pytest.raises(Conflict):
        await register(replicas[1])
    await execute(replicas[1], [(first, Withdraw("other plans"))], now_context(HUNG))
    assert await register(replicas[1])


async def test_replicas_racing_batch_decisions_decide_each_task_once(
    replicas: list[Store],
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
    assert lost[0].ctx["tasks"] == tasks[2:4], "the refusal names the tasks in the way"
    log = replicas[0].log
    approved = await entries(log.redis, log.keys.stream("TaskApproved"))
    rejected = await entries(log.redis, log.keys.stream("TaskRejected"))
    # all or nothing: the losing batch wrote none of its decisions, not even on free tasks
    assert sorted([len(approved), len(rejected)]) == [0, 4]
    found = await replicas[1].tasks(tasks)
    decided = {stored.state.status.value for stored in found.values()}
    assert decided in ({"pending", "approved"}, {"pending", "rejected"})


async def test_a_closing_raced_by_registrations_lands_after_every_one_of_its_year(
    replicas: list[Store],
) -> None:
    store = replicas[0]

    async def close() -> None:
        await asyncio.sleep(0.01)
        await execute_year(store, YEAR, CloseYear("Ban Thường vụ", "KL 1"), now_context(ADMIN))

    registrations = [register(replicas[n % 2], f"leader-{n}", ADMIN) for n in range(40)]
    outcomes = await asyncio.gather(close(), *registrations, return_exceptions=True)
    assert outcomes[0] is None
    accepted = [o for o in outcomes[1:] if isinstance(o, str)]
    refused = [o for o in outcomes[1:] if isinstance(o, Conflict)]
    assert len(accepted) + len(refused) == 40
    assert {o.code for o in refused} <= {"year_closed"}
    keys = store.keys
    [(closed_at, _)] = await entries(store.redis, keys.stream("YearClosed"))
    registered = await entries(store.redis, keys.stream("TaskRegistered"))
    assert len(registered) == len(accepted)

    def milliseconds(position: str) -> int:
        return int(position.split("-")[0])

    # Redis runs the scripts one at a time: a registration after the closure would bear a
    # later millisecond (only milliseconds compare across streams).
    assert all(milliseconds(position) <= milliseconds(closed_at) for position, _ in registered)
    with pytest.raises(Conflict):
        await register(replicas[1], "late", ADMIN)


async def test_a_commit_run_twice_writes_once(replicas: list[Store]) -> None:
    """A client library retrying the script after a lost reply: the second run answers the
    first run's positions and writes nothing."""
    store = replicas[0]
    stream = store.keys.stream("TaskRegistered")

    def plan() -> Plan:
        made = Plan()
        made.check(store.keys.task("t-once"), "version", None)
        made.append(stream, run_event)
        return made

    run_event, _ = run(None, Register("t-once", registration()), HUNG)
    first = await store.commit(plan(), written=run_event.id)
    again = await store.commit(plan(), written=run_event.id)
    assert first == again
    [(_, fields)] = await store.redis.xrange(stream)
    assert decode(fields, {"TaskRegistered"}).id == run_event.id


async def test_one_idempotency_key_on_two_tasks_is_two_requests(replicas: list[Store]) -> None:
    store = replicas[0]
    tasks = [await register(store, f"leader-{n}", ADMIN) for n in range(2)]
    answers = []
    for task in tasks:
        request = Request(store.keys.idempotency(f"thu-ky\nPOST decision\n{task}\nkey-1"), "h")
        answers += await execute(store, [(task, APPROVE)], now_context(SECRETARY), request=request)
    assert {a.task_id for a in answers} == set(tasks)
    assert len(await entries(store.redis, store.keys.stream("TaskApproved"))) == 2


async def test_a_batch_sent_again_answers_its_first_answer_before_any_rule(
    replicas: list[Store],
) -> None:
    """Its tasks are no longer pending: the replay comes first, not a 409."""
    store = replicas[0]
    tasks = [await register(store, f"leader-{n}", ADMIN) for n in range(3)]
    request = Request(store.keys.idempotency("thu-ky\nPOST /decisions\n\nbatch-1"), "h")
    commands = [(task, APPROVE) for task in tasks]
    first = await execute(store, commands, now_context(SECRETARY), request=request)
    again = await execute(replicas[1], commands, now_context(SECRETARY), request=request)
    assert again == first
    assert len(await entries(store.redis, store.keys.stream("TaskApproved"))) == 3
    other = Request(request.record, "another body")
    with pytest.raises(Conflict) as refused:
        await execute(store, commands, now_context(SECRETARY), request=other)
    assert refused.value.code == "idempotency_key_reused"


async def test_a_withdrawal_racing_a_decision_lets_one_of_them_land(
    replicas: list[Store],
) -> None:
    task = await register(replicas[0])
    outcomes = await asyncio.gather(
        execute(replicas[0], [(task, Withdraw("never mind"))], now_context(HUNG)),
        execute(replicas[1], [(task, APPROVE)], now_context(SECRETARY)),
        return_exceptions=True,
    )
    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1


async def test_a_roster_published_meanwhile_binds_a_registration_decided_before_it(
    replicas: list[Store],
) -> None:
    """The registration read the year without a roster; the commit sees the year moved and
    decides again, on the roster in force."""
    first, other = replicas
    roster = ROSTERED.roster
    assert roster is not None
    leaders = tuple(replace(leader, managed_by=None) for leader in roster.leaders)
    await execute_year(other, YEAR, PublishRoster(roster.units, leaders), now_context(ADMIN))
    task_id = str(uuid.uuid4())
    with pytest.raises(Refusal) as refused:
        await execute(
            first, [(task_id, Register(task_id, registration("lan")))], now_context(ADMIN)
        )
    assert refused.value.code == "not_on_roster"
    sparse = registration(name=None, position=None, level=None, unit_code=None, unit_name=None)
    [answer] = await execute(first, [(task_id, Register(task_id, sparse))], now_context(ADMIN))
    stored = (await first.tasks([answer.task_id]))[answer.task_id]
    assert stored.state.unit.code == "kim-thanh", "taken from the roster"


async def test_a_write_no_replica_acknowledges_is_not_answered_as_written(
    redis_url: str, prefix: str
) -> None:
    """WRITE_REPLICAS=1 on a Redis without replicas: what a write would decide on is not
    confirmed by any replica, so nothing is decided or written, and the caller is told it
    may not be kept (503); sent again with its Idempotency-Key, the same."""
    replication = Replication(replicas=1, timeout_ms=50)
    log = EventLog(connect(redis_url), Keys(prefix), "waiting", replication=replication)
    store = Store(log)
    task_id = str(uuid.uuid4())
    request = Request(store.keys.idempotency("hung\nPOST /tasks\n\nk"), "h")
    command = [(task_id, Register(task_id, registration()))]
    try:
        for _ in range(2):
            with pytest.raises(NotReplicated):
                await execute(store, command, now_context(HUNG), request=request)
        registered = await entries(log.redis, log.keys.stream("TaskRegistered"))
        assert registered == [], "a primary no replica follows decides nothing"
    finally:
        await log.redis.aclose()
