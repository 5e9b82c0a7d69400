"""Reporting's projection against a real Redis, on a log written through the real commit
script: rebuilt, followed live, equal either way; malformed entries parked once with their
reason; a task's history read back with its actors; a report as of a past day."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import redis.asyncio as aioredis

from services.reporting.answers import Report, Scope
from services.reporting.follower import Follower
from services.reporting.reading import Reading
from shared.domain.events import ProgressStatus, Rating
from shared.domain.people import Actor, Role
from shared.edge.settings import Clock
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from tests.support.writing import Writer

WHOLE = Scope(unit=None, category=None, as_of=None)
VIEWER = Actor("nhan-vien", frozenset({Role.viewer}), person="nhan-vien")


async def report_of(follower: Follower, scope: Scope = WHOLE) -> Report:
    return await Reading(follower, Clock(), 15).report(2024, scope)


@pytest.fixture
async def log(redis_url: str, prefix: str) -> AsyncIterator[EventLog]:
    events = EventLog(connect(redis_url), Keys(prefix), "reporting")
    yield events
    await events.redis.aclose()


async def write_a_year(writer: Writer) -> dict[str, str]:
    """Every kind of event, through the task store; the task ids by what happened to them."""
    await writer.publish_roster({"hung": "kim-thanh", "lan": "kim-thanh", "minh": "cam-giang"})
    done, _ = await writer.register("Hung")
    await writer.approve(done)
    await writer.progress(done, "hung", 20, ProgressStatus.in_progress, date(2024, 3, 1))
    await writer.progress(done, "Hung", 26, ProgressStatus.completed, date(2024, 6, 1))
    await writer.self_assess(done, "hung", Rating.good)
    await writer.evaluate(done, Rating.excellent)
    amended, _ = await writer.register("lan")
    await writer.return_(amended)
    await writer.amend(amended, "lan", unit=None)
    withdrawn, _ = await writer.register("minh", unit="cam-giang")
    await writer.withdraw(withdrawn, "minh")
    rejected, _ = await writer.register("minh", unit="cam-giang")
    await writer.reject(rejected)
    return {"done": done, "amended": amended, "withdrawn": withdrawn, "rejected": rejected}


async def rebuilt(log: EventLog) -> Follower:
    follower = Follower(log)
    await follower.rebuild()
    return follower


async def test_a_rebuild_of_a_log_written_by_the_store(log: EventLog) -> None:
    tasks = await write_a_year(Writer(log))
    follower = await rebuilt(log)
    projection = follower.projection
    report = await report_of(follower)
    assert report.tasks.model_dump() == {
        "registered": 4,
        "pending": 1,
        "approved": 1,
        "rejected": 1,
        "withdrawn": 1,
        "returned": 0,
    }
    assert (report.registrants.expected, report.registrants.not_registered) == (3, 1)
    assert report.progress.completed_on_time == 1
    assert report.evaluation.excellent == 1
    assert projection.tasks[tasks["amended"]].state.amendments == 1  # type: ignore[union-attr]


async def test_following_live_gives_the_report_a_rebuild_gives(log: EventLog) -> None:
    writer = Writer(log)
    await writer.register("hung")  # before the follower starts
    follower = Follower(log, page_size=100)
    following = asyncio.create_task(follower.run())
    try:
        await write_a_year(writer)
        last, _ = await writer.register("lan")
        position = await writer.approve(last)
        assert await follower.wait_for(position, 5)
        live = await report_of(follower)
        assert live == await report_of(await rebuilt(log))
        assert live.tasks.registered == 6
        assert follower.why_not_ready() is None
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)


async def test_a_position_not_yet_written_is_waited_for_then_given_up(log: EventLog) -> None:
    follower = await rebuilt(log)
    future = f"{int(datetime.now(UTC).timestamp() * 1000) + 60_000}-0"
    assert await follower.wait_for(future, 0.2) is True  # nothing written up to it
    _, position = await Writer(log).register("hung")
    assert await follower.wait_for(position, 0.3) is False  # written, not followed


async def test_malformed_entries_are_parked_once_with_their_reason(
    log: EventLog, redis: aioredis.Redis
) -> None:
    writer = Writer(log)
    task, _ = await writer.register("hung")
    stream = log.keys.stream("TaskApproved")
    bad = [
        await redis.xadd(stream, {"type": "TaskApproved", "event": b"\xff not json"}),
        await redis.xadd(stream, {"type": "TaskRejected", "event": "{}"}),
        await redis.xadd(stream, {"only": "one field"}),
    ]
    await writer.approve(task)
    for _ in range(2):  # a second reader of the same log parks nothing again
        projection = (await rebuilt(log)).projection
        assert projection.tasks[task].state.status == "approved"  # type: ignore[union-attr]
    parked = await redis.xrange(log.keys.dead_letter)
    assert len(parked) == 3
    documents = [json.loads(fields[b"event"]) for _, fields in parked]
    assert [d["data"]["entry_id"] for d in documents] == [b.decode() for b in bad]
    assert {d["data"]["group"] for d in documents} == {log.keys.group("reporting")}
    assert all(d["data"]["error"] for d in documents)


async def test_history_is_read_back_with_every_actor_and_as_of_counts_the_past(
    log: EventLog,
) -> None:
    tasks = await write_a_year(Writer(log))
    follower = await rebuilt(log)
    reading = Reading(follower, Clock(), 15)
    history = await reading.history(reading.task(tasks["done"], VIEWER), VIEWER)
    assert history.history is not None
    assert [entry.type for entry in history.history] == [
        "TaskRegistered",
        "TaskApproved",
        "ProgressLogged",
        "ProgressLogged",
        "TaskSelfAssessed",
        "TaskEvaluated",
    ]
    assert [entry.taskversion for entry in history.history] == [1, 2, 3, 4, 5, 6]
    assert [entry.actor for entry in history.history] == [
        "hung",
        "approver-1",
        "hung",
        "hung",
        "hung",
        "approver-1",
    ]
    assert history.description == "Mô tả"
    assert history.registrant.name == "Phạm Quang Hưng"  # as the roster names him
    before = await reading.report(2024, WHOLE.model_copy(update={"as_of": date(2024, 1, 1)}))
    assert before.tasks.registered == 0
    after = await reading.report(2024, WHOLE.model_copy(update={"as_of": date(2024, 1, 2)}))
    assert after.tasks == (await reading.report(2024, WHOLE)).tasks
