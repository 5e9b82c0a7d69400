"""Reporting's projection against a real Redis, on a log written through the real commit
script: rebuilt, followed live, equal either way; malformed entries parked once with their
reason; a task's history read back with its actors; a report as of a past day."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
import redis.asyncio as aioredis

from services.reporting.domain.answers import Scope
from services.reporting.domain.report import Reports
from services.reporting.domain.tasks import Projection
from services.reporting.follower import Follower
from services.reporting.service import Reporting
from shared.domain.events import ProgressStatus, Rating
from shared.edge.settings import Clock
from shared.log.eventlog import EventLog, connect
from shared.log.keys import Keys
from tests.support.writing import Writer

WHOLE = Scope(unit=None, category=None, as_of=None)
TODAY = date(2024, 12, 31)


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


async def rebuilt(log: EventLog) -> Projection:
    projection = Projection()
    await Follower(log, projection).rebuild()
    return projection


async def test_a_rebuild_of_a_log_written_by_the_task_store(log: EventLog) -> None:
    tasks = await write_a_year(Writer(log))
    projection = await rebuilt(log)
    report = Reports(projection).report(2024, WHOLE, TODAY)
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
    projection = Projection()
    follower = Follower(log, projection, page_size=100)
    await follower.rebuild()
    following = asyncio.create_task(follower.follow(block_ms=100))
    try:
        await write_a_year(writer)
        last, _ = await writer.register("lan")
        position = await writer.approve(last)
        assert await follower.wait_for(position, 5)
        live = Reports(projection).report(2024, WHOLE, TODAY)
        assert live == Reports(await rebuilt(log)).report(2024, WHOLE, TODAY)
        assert live.tasks.registered == 6
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)
    assert not follower.running


async def test_a_position_not_yet_written_is_waited_for_then_given_up(log: EventLog) -> None:
    follower = Follower(log, Projection())
    await follower.rebuild()
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
        projection = await rebuilt(log)
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
    projection = Projection()
    follower = Follower(log, projection)
    await follower.rebuild()
    reporting = Reporting(projection, follower, Clock())
    history = await reporting.history(projection.tasks[tasks["done"]])
    assert [entry.type for entry in history.history] == [
        "TaskRegistered",
        "TaskApproved",
        "ProgressLogged",
        "ProgressLogged",
        "TaskSelfAssessed",
        "TaskEvaluated",
    ]
    assert [entry.actor for entry in history.history] == [
        "hung",
        "approver-1",
        "hung",
        "hung",
        "hung",
        "approver-1",
    ]
    assert history.description == "Mô tả"
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    past = Reports(await reporting.as_of(2024, yesterday))
    assert past.report(2024, WHOLE, yesterday).tasks.registered == 0
    today = Reports(await reporting.as_of(2024, datetime.now(UTC).date() + timedelta(days=1)))
    assert today.report(2024, WHOLE, TODAY) == Reports(projection).report(2024, WHOLE, TODAY)
