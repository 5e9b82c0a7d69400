"""Scrape-time gauges against a real Redis: lag, pending, stream lengths, dead letters."""

from __future__ import annotations

import redis.asyncio as aioredis
from faststream.redis import RedisBroker, StreamSub
from prometheus_client.parser import text_string_to_metric_families

from shared.eventlog import EventLog, Poison, connect
from shared.keys import Keys
from shared.metrics import Metrics
from shared.observability import StreamGauges
from tests.support.factories import registered_event
from tests.support.redis_server import free_port


def samples(metrics: Metrics) -> dict[tuple[str, str], float]:
    """(sample name, stream label or "") -> value, from the text exposition."""
    text = metrics.exposition().decode()
    return {
        (sample.name, sample.labels.get("stream", "")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_group_lag_pending_reader_lag_lengths_and_dead_letters(
    redis: aioredis.Redis, redis_url: str, prefix: str
) -> None:
    metrics = Metrics("test")
    log = EventLog(redis, Keys(prefix), "test", metrics)
    stream = log.keys.registered
    await log.ensure_group(stream, "g")
    positions = [await log.append(registered_event(f"leader-{n}")) for n in range(3)]
    await redis.xreadgroup("g", "c1", {stream: ">"}, count=2)  # delivered, not acked
    await log.park(Poison(stream, positions[0], {b"x": b"y"}, "test"), group="g", consumer="c1")

    broker = RedisBroker(redis_url)  # never started: only its subscribers are looked at
    broker.subscriber(stream=StreamSub(stream, group="g", consumer="c1"))
    broker.subscriber(stream=StreamSub(log.keys.approved, last_id="$"))
    broker.subscriber(stream=StreamSub(log.keys.progress, last_id="0-0"))
    reader = broker.subscriber(stream=StreamSub(log.keys.rejected, last_id="0-0"))
    await redis.xadd(log.keys.progress, {"type": "ProgressLogged", "event": "{}"})
    reader.last_id = positions[0]  # type: ignore[attr-defined]  # as if it had read that far
    metrics.refreshers.append(StreamGauges(broker, log, metrics).refresh)

    await metrics.refresh()

    got = samples(metrics)
    assert got["consumer_lag", stream] == 1
    assert got["consumer_pending", stream] == 2
    assert got["consumer_lag", log.keys.approved] == 0, "'$' reads only what comes next"
    assert got["consumer_lag", log.keys.progress] == 1
    assert got["consumer_lag", log.keys.rejected] == 0, "nothing after it in that stream"
    assert got["stream_entries", stream] == 3
    assert got["stream_entries", log.keys.approved] == 0
    assert got["dead_letter_entries", ""] == 1
    assert got["redis_up", ""] == 1


async def test_a_refresh_without_redis_reports_it_down_and_still_exposes(prefix: str) -> None:
    metrics = Metrics("test")
    log = EventLog(connect(f"redis://127.0.0.1:{free_port()}/0"), Keys(prefix), "test", metrics)
    metrics.refreshers.append(StreamGauges(RedisBroker(), log, metrics, timeout=2).refresh)
    metrics.appended("TaskRegistered").inc()

    await metrics.refresh()

    got = samples(metrics)
    assert got["redis_up", ""] == 0
    assert ("events_appended_total", "") in got
    await log.redis.aclose()
