"""Gauges read from Redis when Prometheus scrapes ``/metrics`` (no background loop).

- ``consumer_lag`` per stream a service follows: the entries after the position it has
  applied (counted in Redis, up to ``LAG_CAP``); only reporting follows the log;
- ``stream_entries`` per event stream, ``dead_letter_entries``, ``redis_up``, and whether the
  primary would take a write (``redis_writable``: memory, disk, replicas) and how many
  replicas follow it (``redis_replicas``): ``shared.log.faults.health``.

A refresh that fails (Redis away, slower than ``timeout``) sets ``redis_up`` to 0, keeps the
last values and logs a warning; the rest of the exposition is still served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import structlog
from redis.exceptions import RedisError

from shared.log.eventlog import EventLog
from shared.log.faults import health
from shared.ops.metrics import Metrics

logger = structlog.get_logger()
LAG_CAP = 10_000
# KEYS: 1 stream. ARGV: 1 exclusive start, 2 cap. Counts in Redis: nothing is transferred.
COUNT_AFTER = """
return #redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
"""


class StreamGauges:
    """``positions()`` gives stream -> the id of the last entry applied, for each stream the
    service follows (none for a service that only writes)."""

    def __init__(
        self,
        log: EventLog,
        metrics: Metrics,
        positions: Callable[[], Mapping[str, str]] = dict,
        timeout: float = 3.0,
    ) -> None:
        self.log = log
        self.metrics = metrics
        self.positions = positions
        self.timeout = timeout

    async def refresh(self) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await self._read()
        except (RedisError, OSError, TimeoutError) as error:
            self.metrics.redis_up.set(0)
            self.metrics.redis_writable.set(0)
            logger.warning("metrics refresh failed", error=str(error) or type(error).__name__)
        else:
            self.metrics.redis_up.set(1)

    async def _read(self) -> None:
        keys = self.log.keys
        streams = keys.stream_keys
        async with self.log.redis.pipeline(transaction=False) as pipe:
            for stream in [*streams, keys.dead_letter]:
                pipe.xlen(stream)
            *lengths, dead = await pipe.execute()
        for stream, length in zip(streams, lengths, strict=True):
            self.metrics.stream_entries(stream).set(length)
        self.metrics.dead_letter_entries.set(dead)
        state = await health(self.log.redis, self.log.replication)
        self.metrics.redis_writable.set(0 if state.refuses else 1)
        self.metrics.redis_replicas.set(state.replicas)
        count_after = self.log.script(COUNT_AFTER)
        for stream, position in dict(self.positions()).items():
            count = await count_after(keys=[stream], args=[f"({position}", LAG_CAP])
            self.metrics.lag(stream).set(int(count))
