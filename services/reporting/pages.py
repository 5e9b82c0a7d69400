"""Reading a stream in large pages for a rebuild, the next page asked for ahead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from shared.eventlog import RawFields
from shared.raw_entries import RawEntry

Page = list[RawEntry]


def _as_sent(reply: Any, **_options: Any) -> Any:
    return reply


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
    first, in pages of ``size`` entries as Redis sends them (see ``RawEntry``); the next page
    is asked for before this one is handed over.

    With ``redis_url`` the pages are read by a plain (blocking) redis-py client in a thread:
    its reply parser is twice as fast as the asyncio one's, and the event loop goes on. That
    client leaves XRANGE's reply as it is: no dict per entry, which ``read_entries`` does not
    need. (``redis``'s replies come as dicts, and are flattened again.)
    """
    reader = None if redis_url is None else SyncRedis.from_url(redis_url)
    if reader is not None:
        reader.set_response_callback("XRANGE", _as_sent)

    async def fetch(start: str) -> Page:
        low, high = f"({start}", until or "+"
        if reader is not None:
            return cast("Page", await asyncio.to_thread(reader.xrange, stream, low, high, size))
        page = cast("list[tuple[bytes, RawFields]]", await redis.xrange(stream, low, high, size))
        return [
            (entry_id, [part for pair in fields.items() for part in pair])
            for entry_id, fields in page
        ]

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
