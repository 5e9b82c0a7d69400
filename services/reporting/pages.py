"""Reading a stream in large pages for a rebuild, the next page asked for ahead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import cast

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from shared.eventlog import RawFields

Page = list[tuple[bytes, RawFields]]


async def xrange_pages(
    redis: Redis,
    stream: str,
    after: str,
    until: str | None,
    size: int,
    *,
    redis_url: str | None = None,
) -> AsyncIterator[Page]:
    """Every entry of ``stream`` after ``after`` up to ``until`` (default: its end), oldest
    first, in pages of ``size``; the next page is asked for before this one is handed over.

    With ``redis_url`` the pages are read by a plain (blocking) redis-py client in a thread:
    its reply parser is twice as fast as the asyncio one's, and the event loop goes on.
    """
    reader = None if redis_url is None else SyncRedis.from_url(redis_url)

    async def fetch(start: str) -> Page:
        low, high = f"({start}", until or "+"
        if reader is not None:
            return cast("Page", await asyncio.to_thread(reader.xrange, stream, low, high, size))
        return cast("Page", await redis.xrange(stream, low, high, size))

    pending = asyncio.ensure_future(fetch(after))
    try:
        while page := await pending:
            full = len(page) == size
            if full:
                pending = asyncio.ensure_future(fetch(page[-1][0].decode()))
                await asyncio.sleep(0)  # let it send the command: Redis works meanwhile
            yield page
            if not full:
                return
    finally:
        pending.cancel()
        if reader is not None:
            reader.close()
