"""The projection this replica holds in memory: rebuilt from the whole log on start, then
kept current by following the four streams from where the rebuild stopped.

Every replica holds a full projection of its own, so reporting follows the streams without a
consumer group (a group would split the entries between replicas). Its position in each
stream lives with the projection, in memory, and is rebuilt with it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

import structlog

from shared.eventlog import EventLog, split_entries
from shared.events import StoredEvent, position_key

from .domain import EMPTY, ProjectionState, apply_batch

logger = structlog.get_logger()
REBUILD_PAGE = 10_000


class LiveProjection:
    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.state: ProjectionState = EMPTY
        self.streams = log.keys.event_streams
        self.applied: dict[str, str] = dict.fromkeys(self.streams.values(), "0-0")
        self.group = log.keys.group("reporting")
        self._changed = asyncio.Event()

    async def rebuild(self, page_size: int = REBUILD_PAGE) -> int:
        """Fold every stream from where this projection stands to its end; events applied."""
        started, count = time.perf_counter(), 0
        for event_type, stream in self.streams.items():
            async for page in self.log.read_pages(stream, self.applied[stream], page_size):
                events, poison = split_entries(stream, event_type, page)
                for entry in poison:
                    await self.log.park(entry, group=self.group, consumer="rebuild")
                self.state = apply_batch(self.state, events)
                self.applied[stream] = page[-1][0].decode()
                count += len(events)
        logger.info(
            "projection rebuilt",
            events=count,
            tasks=len(self.state.tasks),
            seconds=round(time.perf_counter() - started, 3),
        )
        return count

    async def apply(self, events: Sequence[StoredEvent]) -> None:
        self.state = apply_batch(self.state, events)

    def reached(self, stream: str) -> Callable[[str], None]:
        """What the follower of ``stream`` calls after each batch: the projection moved on."""

        def note(position: str) -> None:
            self.applied[stream] = position
            self._changed.set()
            self._changed = asyncio.Event()

        return note

    async def includes(self, position: str) -> bool:
        """Whether every entry at or before ``position``, in any stream, is applied."""
        wanted = position_key(position)
        for stream, applied in self.applied.items():
            if position_key(applied) >= wanted:
                continue
            if await self.log.redis.xrange(stream, min=f"({applied}", max=position, count=1):
                return False
        return True

    async def wait_for(self, position: str, within: float) -> bool:
        """Wait up to ``within`` seconds until ``position`` is applied; whether it was."""
        try:
            async with asyncio.timeout(within):
                while not await self.includes(position):
                    changed = self._changed
                    try:
                        async with asyncio.timeout(0.05):
                            await changed.wait()
                    except TimeoutError:
                        continue
        except TimeoutError:
            return False
        return True
