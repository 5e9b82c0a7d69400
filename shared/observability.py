"""Gauges read from Redis when Prometheus scrapes ``/metrics`` (no background loop).

For every stream this process follows (its FastStream stream subscribers):

- in a consumer group: ``consumer_lag`` is the group's ``lag`` and ``consumer_pending`` its
  ``pending`` count (XINFO GROUPS; the same for every replica of the service);
- without a group (reporting's replicas): ``consumer_lag`` counts the entries after the
  position this replica has read to (counted in Redis, up to ``LAG_CAP``).

Besides: ``stream_entries`` per event stream, ``dead_letter_entries``, and ``redis_up``. A
refresh that fails (Redis away, slower than ``timeout``) sets ``redis_up`` to 0, keeps the
last values and logs a warning; the rest of the exposition is still served.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from faststream.redis import RedisBroker
from redis.exceptions import RedisError, ResponseError

from shared.eventlog import EventLog, text
from shared.metrics import Metrics

logger = structlog.get_logger()
LAG_CAP = 10_000
# KEYS: 1 stream. ARGV: 1 exclusive start, 2 cap. Counts in Redis: nothing is transferred.
COUNT_AFTER = """
return #redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
"""


class StreamGauges:
    def __init__(
        self, broker: RedisBroker, log: EventLog, metrics: Metrics, timeout: float = 3.0
    ) -> None:
        self.broker = broker
        self.log = log
        self.metrics = metrics
        self.timeout = timeout

    async def refresh(self) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await self._read()
        except (RedisError, OSError, TimeoutError) as error:
            self.metrics.redis_up.set(0)
            logger.warning("metrics refresh failed", error=str(error) or type(error).__name__)
        else:
            self.metrics.redis_up.set(1)

    async def _read(self) -> None:
        keys = self.log.keys
        streams = list(keys.event_streams.values())
        async with self.log.redis.pipeline(transaction=False) as pipe:
            for stream in [*streams, keys.dead_letter]:
                pipe.xlen(stream)
            *lengths, dead = await pipe.execute()
        for stream, length in zip(streams, lengths, strict=True):
            self.metrics.stream_entries(stream).set(length)
        self.metrics.dead_letter_entries.set(dead)
        for stream, group, position in self.followed():
            if group:
                await self._group(stream, group)
            else:
                self.metrics.lag(stream).set(await self._count_after(stream, position))

    def followed(self) -> list[tuple[str, str | None, str]]:
        """(stream, group or None, read position) of every stream subscriber."""
        found = []
        for subscriber in self.broker.subscribers:
            sub: Any = getattr(subscriber, "stream_sub", None)
            if sub is not None:
                found.append((sub.name, sub.group, str(getattr(subscriber, "last_id", "$"))))
        return found

    async def _group(self, stream: str, group: str) -> None:
        try:
            groups = await self.log.redis.xinfo_groups(stream)
        except ResponseError:  # the stream (and so the group) does not exist (yet)
            return
        for info in groups:
            if text(info["name"]) != group:
                continue
            self.metrics.pending(stream).set(int(info["pending"]))
            lag = info.get("lag")
            if lag is None:  # Redis cannot tell (group created at an arbitrary id)
                lag = await self._count_after(stream, text(info["last-delivered-id"]))
            self.metrics.lag(stream).set(int(lag))

    async def _count_after(self, stream: str, position: str) -> int:
        if position in {"$", ">"}:
            return 0
        count = await self.log.script(COUNT_AFTER)(keys=[stream], args=[f"({position}", LAG_CAP])
        return int(count)
