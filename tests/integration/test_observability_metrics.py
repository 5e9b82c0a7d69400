"""Scrape-time gauges against a real Redis: a follower's lag per stream, stream lengths, dead
letters, and Redis down."""

from __future__ import annotations

import redis.asyncio as aioredis
from prometheus_client.parser import text_string_to_metric_families

from shared.log.eventlog import EventLog, Poison, connect
from shared.log.gauges import StreamGauges
from shared.log.keys import Keys
from shared.ops.metrics import Metrics
from tests.support.redis_server import free_port


def samples(metrics: Metrics) -> dict[tuple[str, str], float]:
    """(sample name, stream label or "") -> value, from the text exposition."""
    text = metrics.exposition().decode()
    return {
        (sample.name, sample.labels.get("stream", "")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_a_followers_lag_stream_lengths_and_dead_letters(
    redis: aioredis.Redis, prefix: str
) -> None:
    metrics = Metrics("test")
    log = EventLog(redis, Keys(prefix), "test", metrics)
    registered, approved = log.keys.stream("TaskRegistered"), log.keys.stream("TaskApproved")
    written = [
        (await redis.xadd(registered, {"type": "TaskRegistered", "event": "{}"})).decode()
        for _ in range(3)
    ]
    await log.park(Poison(registered, written[0], {b"x": b"y"}, "test"), reader="r")
    positions = {registered: written[0], approved: "0-0"}  # as far as a follower applied
    metrics.refreshers.append(StreamGauges(log, metrics, lambda: positions).refresh)

    await metrics.refresh()

    got = samples(metrics)
    assert got["consumer_lag", registered] == 2
    assert got["consumer_lag", approved] == 0, "nothing in that stream"
    assert ("consumer_lag", log.keys.stream("TaskRejected")) not in got, "not followed"
    assert got["stream_entries", registered] == 3
    assert got["stream_entries", approved] == 0
    assert got["dead_letter_entries", ""] == 1
    assert got["redis_up", ""] == 1


async def test_a_refresh_without_redis_reports_it_down_and_still_exposes(prefix: str) -> None:
    metrics = Metrics("test")
    log = EventLog(connect(f"redis://127.0.0.1:{free_port()}/0"), Keys(prefix), "test", metrics)
    metrics.refreshers.append(StreamGauges(log, metrics, timeout=2).refresh)
    metrics.appended("TaskRegistered").inc()

    await metrics.refresh()

    got = samples(metrics)
    assert got["redis_up", ""] == 0
    assert ("events_appended_total", "") in got
    await log.redis.aclose()
