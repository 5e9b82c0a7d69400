"""Following an event stream with FastStream: a thin subscriber that hands batches to the core.

Two ways to follow, both in batches (one handler call and one XACK per batch):

- with a consumer group (``group``/``consumer``): the replicas of one service compete for
  entries; state lives in Redis; the group is created at the stream's start ("0") before the
  broker starts, never at "$", so no entry written before the first start is skipped;
- without a group from a position (``after``): every replica sees every entry; for
  projections held in memory that were just rebuilt up to that position.

An entry that does not parse is parked in the dead-letter stream with the reason and acked,
and the batch goes on. A batch whose handling fails is retried with backoff; if it still
fails, the exception propagates, nothing is acked and the entries stay pending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage

from shared.eventlog import EventLog, split_entries
from shared.events import StoredEvent
from shared.metrics import Metrics

BatchHandler = Callable[[Sequence[StoredEvent]], Awaitable[None]]
RETRY_DELAYS = (0.05, 0.2, 1.0)

logger = structlog.get_logger()


@dataclass
class Follower:
    """One stream followed by one service: which events, and what to do with them."""

    log: EventLog
    metrics: Metrics
    stream: str
    event_type: str
    handler: BatchHandler
    group: str | None = None
    consumer: str | None = None
    after: str = "$"
    reached: Callable[[str], None] | None = None
    """Told the id of the last entry of every batch handled (parked entries included)."""
    _subscriber: Any = field(default=None, init=False, repr=False)

    def attach(self, broker: RedisBroker, batch_size: int) -> None:
        sub = StreamSub(
            self.stream,
            group=self.group,
            consumer=self.consumer,
            batch=True,
            max_records=batch_size,
            last_id=None if self.group else self.after,
            polling_interval=1000,
        )
        self._subscriber = broker.subscriber(stream=sub)
        self._subscriber(self._on_batch)

    async def prepare(self) -> None:
        if self.group:
            await self.log.ensure_group(self.stream, self.group)

    @property
    def running(self) -> bool:
        sub = self._subscriber
        return bool(sub and sub.running and any(not task.done() for task in sub.tasks))

    async def _on_batch(self, message: RedisBatchStreamMessage) -> None:
        raw = message.raw_message
        events, poison = split_entries(
            self.stream, self.event_type, list(zip(raw["message_ids"], raw["data"], strict=True))
        )
        for entry in poison:
            await self.log.park(
                entry, group=self.group or self.log.service, consumer=self.consumer or "-"
            )
            self.metrics.dead_letters(self.stream).inc()
            logger.error(
                "entry parked in dead-letter stream",
                stream=entry.stream,
                position=entry.position,
                error=entry.error,
            )
        if events:
            await self._apply(events)
        if self.reached and raw["message_ids"]:
            self.reached(raw["message_ids"][-1].decode())

    async def _apply(self, events: Sequence[StoredEvent]) -> None:
        started = time.perf_counter()
        for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
            try:
                await self.handler(events)
                break
            except Exception:
                if delay is None:
                    logger.exception(
                        "batch failed, left pending", stream=self.stream, attempt=attempt
                    )
                    raise
                logger.warning("batch failed, retrying", stream=self.stream, attempt=attempt)
                await asyncio.sleep(delay)
        self.metrics.handling_seconds(self.stream).observe(time.perf_counter() - started)
        self.metrics.consumed(self.stream).inc(len(events))
        for stored in events:
            logger.info(
                "event applied",
                event_type=stored.event.type,
                event_id=stored.event.id,
                correlation_id=stored.event.correlationid,
                stream=stored.stream,
                position=stored.position,
            )
