"""Read your writes: where the projection stands in each stream, and waiting for a position.

A write answers with the position (entry id) of its event; ``GET /reports/{year}?after=``
waits until the projection includes every entry at or before that position, in any stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from redis.asyncio import Redis

from shared.events import position_key

POLL_SECONDS = 0.05


class Applied:
    """Per stream, the id of the last entry the projection applied (``0-0``: none)."""

    def __init__(self, redis: Redis, streams: list[str]) -> None:
        self.redis = redis
        self.positions: dict[str, str] = dict.fromkeys(streams, "0-0")
        self._changed = asyncio.Event()

    def reached(self, stream: str) -> Callable[[str], None]:
        """What the follower of ``stream`` calls after each batch: the projection moved on."""

        def note(position: str) -> None:
            if position_key(position) > position_key(self.positions[stream]):
                self.positions[stream] = position
            self._changed.set()
            self._changed = asyncio.Event()

        return note

    async def includes(self, position: str) -> bool:
        """Whether every entry at or before ``position``, in any stream, is applied: each
        stream is either applied beyond it, or has no entry between its applied one and it."""
        wanted = position_key(position)
        for stream, applied in self.positions.items():
            if position_key(applied) >= wanted:
                continue
            if await self.redis.xrange(stream, min=f"({applied}", max=position, count=1):
                return False
        return True

    async def wait_for(self, position: str, within: float) -> bool:
        """Wait up to ``within`` seconds until ``position`` is applied; whether it was.

        Checked again after every batch a follower applies (and every ``POLL_SECONDS``)."""
        try:
            async with asyncio.timeout(within):
                while not await self.includes(position):
                    changed = self._changed
                    try:
                        async with asyncio.timeout(POLL_SECONDS):
                            await changed.wait()
                    except TimeoutError:
                        continue
        except TimeoutError:
            return False
        return True
