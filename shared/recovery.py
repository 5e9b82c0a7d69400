"""What a consumer group needs besides reading new entries: its pending entries.

FastStream reads new entries (``>``) and acks a batch when it is handled; a batch whose
handling fails stays pending, and nothing delivers it again by itself. ``PendingEntries``
closes that gap for one (stream, group, consumer):

- ``own``: at start, the entries this consumer left pending before it stopped or crashed
  (consumer names are stable per replica, so a restart finds them);
- ``claim``: entries any consumer of the group left pending longer than ``idle_ms``
  (XAUTOCLAIM), which is how a live replica takes over from a dead one;
- each such entry is handled on its own, and acked when handled; an entry delivered more
  than ``max_deliveries`` times is parked in the dead-letter stream with the last error;
- ``checkpoint``: a position below which every entry is acked, kept in Redis, so a group
  that vanished is recreated from there (never from "$"; replaying the rest is harmless
  because every handler is idempotent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import structlog
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from shared.eventlog import EventLog, Poison, RawFields, split_entries, text
from shared.events import MAX_ID_PART, StoredEvent, position_key

logger = structlog.get_logger()
Handler = Callable[[Sequence[StoredEvent]], Awaitable[None]]
Park = Callable[[Poison, int], Awaitable[None]]
CLAIM_PAGE = 100


def before(position: str) -> str:
    """The entry id just before ``position`` (XGROUP CREATE delivers what comes after it)."""
    ms, _, seq = position.partition("-")
    if int(seq or 0) > 0:
        return f"{ms}-{int(seq) - 1}"
    return f"{int(ms) - 1}-{MAX_ID_PART}" if int(ms) > 0 else "0-0"


class GroupLost(Exception):
    """The consumer group does not exist (any more)."""


class PendingEntries:
    def __init__(
        self,
        log: EventLog,
        *,
        stream: str,
        event_type: str,
        group: str,
        consumer: str,
        handler: Handler,
        park: Park,
        idle_ms: int,
        max_deliveries: int,
    ) -> None:
        self.log = log
        self.redis: Redis = log.redis
        self.stream, self.event_type = stream, event_type
        self.group, self.consumer = group, consumer
        self.handler, self.park = handler, park
        self.idle_ms, self.max_deliveries = idle_ms, max_deliveries
        self.last_errors: dict[str, str] = {}
        self.checkpoint_key = log.keys.tagged(stream, "checkpoint", group)

    async def own(self) -> int:
        """Handle the entries this consumer left pending (e.g. before a crash)."""
        mine = await self._call(
            self.redis.xpending_range(
                self.stream, self.group, "-", "+", 10_000, consumername=self.consumer
            )
        )
        ids = [row["message_id"] for row in mine]
        if not ids:
            return 0
        claimed = await self._call(
            self.redis.xclaim(self.stream, self.group, self.consumer, 0, ids)
        )
        return await self._handle([(entry_id, fields) for entry_id, fields in claimed if fields])

    async def claim(self) -> int:
        """Take over entries pending longer than ``idle_ms`` in the group, and handle them."""
        handled, start = 0, "0-0"
        while True:
            reply = await self._call(
                self.redis.xautoclaim(
                    self.stream, self.group, self.consumer, self.idle_ms, start, count=CLAIM_PAGE
                )
            )
            start, entries = text(reply[0]), reply[1]
            gone = reply[2] if len(reply) > 2 else []
            if gone:  # deleted from the stream while pending: nothing left to handle
                await self.redis.xack(self.stream, self.group, *gone)
            handled += await self._handle([(e, f) for e, f in entries if f])
            if start == "0-0":
                return handled

    async def _handle(self, entries: list[tuple[bytes, RawFields]]) -> int:
        if not entries:
            return 0
        deliveries = await self._deliveries([entry_id for entry_id, _ in entries])
        events, poison = split_entries(self.stream, self.event_type, entries)
        for entry in poison:
            await self._give_up(entry, deliveries.get(entry.position, 1))
        for stored in events:
            count = deliveries.get(stored.position, 1)
            if count > self.max_deliveries:
                error = self.last_errors.pop(stored.position, "handling failed")
                reason = f"gave up after {count - 1} deliveries: {error}"
                await self._give_up(Poison(self.stream, stored.position, {}, reason), count)
                continue
            try:
                await self.handler([stored])
            except Exception as error:  # left pending: claimed again after idle_ms
                self.last_errors[stored.position] = f"{type(error).__name__}: {error}"[:500]
                logger.warning(
                    "pending entry failed again",
                    stream=self.stream,
                    position=stored.position,
                    deliveries=count,
                    error=self.last_errors[stored.position],
                )
                continue
            self.last_errors.pop(stored.position, None)
            await self.redis.xack(self.stream, self.group, stored.position)
        return len(entries)

    async def _give_up(self, entry: Poison, deliveries: int) -> None:
        if not entry.fields:
            original = await self.redis.xrange(self.stream, entry.position, entry.position)
            fields: RawFields = cast("RawFields", original[0][1]) if original else {}
            entry = Poison(entry.stream, entry.position, fields, entry.error)
        await self.park(entry, deliveries)
        await self.redis.xack(self.stream, self.group, entry.position)

    async def _deliveries(self, ids: list[bytes]) -> dict[str, int]:
        ordered = sorted((text(i) for i in ids), key=position_key)
        rows = await self.redis.xpending_range(
            self.stream, self.group, ordered[0], ordered[-1], len(ids) * 2, self.consumer
        )
        return {text(row["message_id"]): int(row["times_delivered"]) for row in rows}

    async def save_checkpoint(self) -> str:
        """Remember a position below which every entry of the group is acked."""
        groups = await self._call(self.redis.xinfo_groups(self.stream))
        mine = next((g for g in groups if text(g["name"]) == self.group), None)
        if mine is None:
            raise GroupLost(self.group)
        summary = await self.redis.xpending(self.stream, self.group)
        oldest = summary.get("min")
        position = before(text(oldest)) if oldest else text(mine["last-delivered-id"])
        await self.redis.set(self.checkpoint_key, position)
        return position

    async def recreate_group(self) -> str:
        """Create the group again at the checkpoint (the stream's start if there is none)."""
        saved = await self.redis.get(self.checkpoint_key)
        position = text(saved) if saved else "0"
        try:
            await self.redis.xgroup_create(self.stream, self.group, id=position, mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        logger.warning(
            "consumer group recreated", stream=self.stream, group=self.group, at=position
        )
        return position

    async def _call(self, command: Awaitable[Any]) -> Any:
        try:
            return await command
        except ResponseError as error:
            if "NOGROUP" in str(error) or "no such key" in str(error).lower():
                raise GroupLost(self.group) from error
            raise
