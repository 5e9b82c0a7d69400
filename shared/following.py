"""Following an event stream with FastStream: a thin subscriber that hands batches to the core.

Two ways to follow, both in batches (one handler call and one XACK per batch):

- with a consumer group (``group``/``consumer``): the replicas of one service compete for
  entries; state lives in Redis; the group is created at the stream's start ("0") before the
  broker starts, never at "$", so no entry written before the first start is skipped;
- without a group from a position (``after``): every replica sees every entry; for
  projections held in memory that were just rebuilt up to that position.

A handler gets a ``Batch``: its entries are validated one by one as the handler reads them.
An entry that does not parse is set aside, then parked in the dead-letter stream with the
reason and acked with the batch. A batch whose handling fails is retried with backoff; if
it still fails, the exception propagates, nothing is acked and the entries stay pending,
to be claimed and retried one by one (``shared.recovery``) until they pass or are parked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from faststream.redis import RedisBroker, StreamSub

from shared.batch import APPLIED_FIELDS, Batch, first_ids, read
from shared.eventlog import EventLog, Poison
from shared.events import StoredEvent
from shared.logging import info_each
from shared.metrics import Metrics
from shared.recovery import GroupLost, PendingEntries

BatchHandler = Callable[[Iterable[StoredEvent]], Awaitable[None]]
RETRY_DELAYS = (0.05, 0.2, 1.0)


logger = structlog.get_logger()


async def keep_raw_entries(
    message: Mapping[str, Any], original: Callable[..., Awaitable[Any]]
) -> Any:
    """FastStream's batch parser JSON-encodes every entry's fields as the body (and tries to
    decode each one as its own framing), and fails on bytes that are not UTF-8 before any
    handler runs. The handler reads the raw entries itself, so parse an empty placeholder
    batch (no per-entry work) and hand over the untouched raw message."""
    placeholder = {**message, "data": []}
    parsed = await original(placeholder)
    parsed.raw_message = message
    return parsed


async def raw_batch(message: Any, _original: Callable[..., Awaitable[Any]]) -> Any:
    """The handler's argument is the raw batch (entry ids and field maps as Redis sent them):
    asking for the message object instead goes through FastStream's context, which resolves
    it in a worker thread, a thread hop per batch."""
    return message.raw_message


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
    pending_idle_ms: int = 30_000
    max_deliveries: int = 5
    _subscriber: Any = field(default=None, init=False, repr=False)
    _pending: PendingEntries | None = field(default=None, init=False, repr=False)

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
        self._subscriber = broker.subscriber(stream=sub, parser=keep_raw_entries, decoder=raw_batch)
        self._subscriber(self._on_batch)

    async def prepare(self) -> None:
        """Before the broker starts: the group exists; this consumer's leftovers are handled."""
        if not (self.group and self.consumer):
            return
        await self.log.ensure_group(self.stream, self.group)
        self._pending = PendingEntries(
            self.log,
            stream=self.stream,
            event_type=self.event_type,
            group=self.group,
            consumer=self.consumer,
            handler=self._apply,
            park=self._park,
            idle_ms=self.pending_idle_ms,
            max_deliveries=self.max_deliveries,
        )
        if recovered := await self._pending.own():
            logger.info("own pending entries handled", stream=self.stream, entries=recovered)

    async def maintain(self) -> None:
        """One round of upkeep: take over stale pending entries, keep the checkpoint, and
        bring the subscriber back if its consumer group vanished."""
        pending = self._pending
        if pending is None:
            return
        try:
            if self._stopped_by_error:
                raise GroupLost(pending.group)
            await pending.claim()
            await pending.save_checkpoint()
        except GroupLost:
            await pending.recreate_group()
            if self._stopped_by_error:
                await self._subscriber.start()
                logger.warning("subscriber restarted", stream=self.stream, group=self.group)

    @property
    def _stopped_by_error(self) -> bool:
        """FastStream stops a subscriber whose group vanished (NOGROUP) and never restarts it."""
        sub = self._subscriber
        return bool(sub is not None and not sub.running and not sub.tasks)

    @property
    def running(self) -> bool:
        sub = self._subscriber
        return bool(sub and sub.running and any(not task.done() for task in sub.tasks))

    async def _on_batch(self, raw: Any) -> None:
        ids = raw["message_ids"]
        batch = Batch(self.stream, self.event_type, list(zip(ids, raw["data"], strict=True)))
        await self._apply(batch)
        for entry in batch.poison:
            await self._park(entry, 1)
        if self.reached and ids:
            self.reached(ids[-1].decode())

    async def _park(self, entry: Poison, deliveries: int) -> None:
        parked = await self.log.park(
            entry,
            group=self.group or self.log.keys.group(self.log.service),
            consumer=self.consumer or "-",
            delivery_count=deliveries,
        )
        if parked:
            self.metrics.dead_letters(self.stream).inc()
        logger.error(
            "entry parked in dead-letter stream",
            stream=entry.stream,
            position=entry.position,
            error=entry.error,
            deliveries=deliveries,
        )

    async def _apply(self, events: Batch | Sequence[StoredEvent]) -> None:
        started = time.perf_counter()
        for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
            try:
                await self.handler(events)
                if isinstance(events, Batch) and not events.complete:
                    raise RuntimeError("the handler did not read its whole batch")
                break
            except Exception:
                ids = {"event_ids": first_ids(events)}
                if delay is None:
                    logger.exception(
                        "batch failed, left pending", stream=self.stream, attempt=attempt, **ids
                    )
                    raise
                logger.warning("batch failed, retrying", stream=self.stream, attempt=attempt, **ids)
                await asyncio.sleep(delay)
        applied = events.applied if isinstance(events, Batch) else [read(e) for e in events]
        self.metrics.handling_seconds(self.stream).observe(time.perf_counter() - started)
        self.metrics.consumed(self.stream).inc(len(applied))
        if applied:  # a batch of refused entries only: nothing was applied
            info_each("event applied", {"stream": self.stream}, APPLIED_FIELDS, applied)
