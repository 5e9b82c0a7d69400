"""A rebuild's pass over one stream: every entry after a position, folded into the tasks.

Entries are parsed and folded one at a time as a page is walked (``read_entries`` into
``gather_facts``): an event's models are dropped as soon as its fact is made, while they are
still in the processor's cache, and nothing waits in lists for a batch to fill.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence

from redis.asyncio import Redis

from shared.eventlog import Poison
from shared.raw_entries import RawEntry, read_entries

from .domain.facts import event_fact
from .domain.projection import gather_facts
from .domain.state import Fact, TaskFacts
from .pages import xrange_pages

Park = Callable[[Sequence[Poison]], Awaitable[None]]


def page_facts(
    stream: str, event_type: str, page: Sequence[RawEntry], poison: list[Poison]
) -> Iterator[tuple[str, Fact]]:
    """(task id, fact) for each valid entry of ``page``; the others are added to ``poison``."""
    for entry_id, event in read_entries(stream, event_type, page, poison):
        yield event.data.task_id, event_fact(event, entry_id.decode())


async def fold_stream(
    redis: Redis,
    stream: str,
    event_type: str,
    *,
    after: str,
    until: str | None,
    page_size: int,
    redis_url: str | None,
    tasks: dict[str, TaskFacts],
    changed: set[str],
    park: Park,
) -> tuple[int, str]:
    """Fold the entries of ``stream`` after ``after`` up to ``until`` (default: its end)
    into ``tasks``, adding the ids of the tasks that changed to ``changed``; the entries
    that are not valid events are parked. (Events folded, the last position read.)"""
    count, last = 0, after
    async for page in xrange_pages(redis, stream, after, until, page_size, redis_url=redis_url):
        poison: list[Poison] = []
        changed |= gather_facts(tasks, page_facts(stream, event_type, page, poison))
        await park(poison)
        count += len(page) - len(poison)
        last = page[-1][0].decode()
    return count, last
