"""Reading the log into the projection: the rebuild on start, then following every stream.

Each entry is decoded once (``shared.log.eventlog.decode_fields``, from the reply as Redis sent
it: no dict per entry) and applied. The rebuild reads stream by stream in pages of XRANGE,
the next page asked for before this one is decoded, in the order a task's events usually
come (fewer re-folds); then one ``XREAD`` over all streams follows them live from where the
rebuild stopped. FastStream is not used: it follows one stream per subscriber, and its parser
cannot hand over our two-field entries without working around it (docs/notes); one XREAD
call serves every stream. An entry that does not decode, or whose event cannot be applied,
is parked in the dead-letter stream with the reason (once per entry) and skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, cast

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.domain.events import AnyEvent
from shared.log.eventlog import EventLog, MalformedEvent, Poison, decode_fields
from shared.ops.logging import info_each

from .domain.tasks import Projection

logger = structlog.get_logger()
ORDER = (
    "RosterPublished",
    "YearClosed",
    "TaskRegistered",
    "TaskReturned",
    "TaskAmended",
    "TaskApproved",
    "TaskRejected",
    "TaskWithdrawn",
    "ProgressLogged",
    "TaskSelfAssessed",
    "TaskEvaluated",
)
APPLIED = ("event_id", "position", "correlation_id")
Entry = tuple[bytes, list[bytes]]
Keep = Callable[[AnyEvent], bool]


def as_sent(reply: Any, **_options: Any) -> Any:
    return reply


def position_key(position: str) -> tuple[int, int]:
    ms, _, seq = position.partition("-")
    return int(ms), int(seq or 0)


class Follower:
    def __init__(self, log: EventLog, projection: Projection, *, page_size: int = 1_000) -> None:
        self.log = log
        self.projection = projection
        self.page_size = page_size
        self.types = {log.keys.stream(event_type): event_type for event_type in ORDER}
        self.positions = dict.fromkeys(self.types, "0-0")
        """Stream -> the id of the last entry applied ("0-0": none)."""
        self.reader = log.keys.group("reporting")
        self._waiting: list[tuple[dict[str, tuple[int, int]], asyncio.Future[None]]] = []
        self.running = False
        # Its own client on the same connections, its replies left as Redis sent them
        self.raw = Redis(connection_pool=log.redis.connection_pool)
        for command in ("XRANGE", "XREAD"):
            self.raw.set_response_callback(command, cast("Any", as_sent))

    async def rebuild(self, until: dict[str, str] | None = None, keep: Keep | None = None) -> int:
        """Apply every entry after the positions up to ``until`` (default: the streams' ends);
        with ``keep``, only the events it keeps. The number of entries read."""
        count, projection = 0, self.projection
        projection.indexing = False  # tasks are placed in their years once, at the end
        for stream, event_type in self.types.items():
            last = self.positions[stream]
            async for page in self._pages(stream, last, "+" if until is None else until[stream]):
                await self._apply(stream, event_type, page, keep)
                count += len(page)
                last = page[-1][0].decode()
            self.positions[stream] = last
        await self.refold()
        projection.index()
        return count

    async def refold(self) -> None:
        """Re-fold the tasks an event reached out of order: their lifecycle events read back
        from the log, all in one round trip."""
        projection = self.projection
        if not projection.refolds:
            return
        tasks = sorted(projection.refolds)
        located = [projection.tasks[task_id].located(lifecycle=True) for task_id in tasks]
        read = await self.events_at([pair for pairs in located for pair in pairs])
        events = {(event.type, position): event for position, event in read}
        for task_id, pairs in zip(tasks, located, strict=True):
            mine = [events[pair] for pair in pairs if pair in events]
            projection.refold(task_id, mine)

    async def _pages(self, stream: str, after: str, until: str) -> AsyncIterator[list[Entry]]:
        def fetch(start: str) -> asyncio.Future[list[Entry]]:
            page = self.raw.xrange(stream, min=f"({start}", max=until, count=self.page_size)
            return asyncio.ensure_future(cast("Awaitable[list[Entry]]", page))

        pending = fetch(after)
        try:
            while page := await pending:
                full = len(page) == self.page_size
                if full:
                    pending = fetch(page[-1][0].decode())
                    await asyncio.sleep(0)  # the command goes out: Redis works meanwhile
                yield page
                if not full:
                    return
        finally:
            pending.cancel()

    async def _apply(
        self, stream: str, event_type: str, entries: Sequence[Entry], keep: Keep | None = None
    ) -> list[tuple[str, str, str]]:
        """Decode and apply; (event id, position, correlation id) of each event applied."""
        apply, applied = self.projection.apply, []
        for entry_id, fields in entries:
            position = entry_id.decode()
            try:
                event = decode_fields(event_type, fields)
            except MalformedEvent as error:
                await self._park(stream, position, fields, str(error))
                continue
            if keep is not None and not keep(event):
                continue
            try:
                apply(event, position)
            except Exception as error:  # apply is pure: a retry would fail the same way
                logger.exception("event not applied", stream=stream, position=position)
                await self._park(stream, position, fields, f"not applied: {error!r}")
            else:
                applied.append((event.id, position, event.correlationid))
        return applied

    async def _park(self, stream: str, position: str, fields: list[bytes], error: str) -> None:
        entry = dict(zip(fields[::2], fields[1::2], strict=False))
        parked = await self.log.park(Poison(stream, position, entry, error), reader=self.reader)
        if parked:
            logger.error("entry parked", stream=stream, position=position, error=error[:500])

    async def follow(self, block_ms: int = 1_000, count: int = 500) -> None:
        """Follow every stream from the positions, for as long as the service runs."""
        self.running = True
        try:
            await self._follow(block_ms, count)
        finally:
            self.running = False

    async def _follow(self, block_ms: int, count: int) -> None:
        """One XREAD over every stream; the next one is in flight while a batch is applied."""
        read_to, delay = dict(self.positions), 0.1

        def fetch() -> asyncio.Future[Any]:
            reply = self.raw.xread(cast("Any", dict(read_to)), count=count, block=block_ms)
            return asyncio.ensure_future(reply)

        pending = fetch()
        try:
            while True:
                try:
                    reply = await pending
                except (RedisError, OSError) as error:
                    logger.warning("reading the log failed, retrying", error=str(error))
                    await asyncio.sleep(delay)
                    delay, pending = min(delay * 2, 5.0), fetch()
                    continue
                delay = 0.1
                # a map of stream -> entries (RESP3), or a list of [stream, entries] (RESP2)
                batch = cast(
                    "list[tuple[bytes, list[Entry]]]",
                    list(reply.items()) if isinstance(reply, dict) else reply or [],
                )
                for name, entries in batch:
                    read_to[name.decode()] = entries[-1][0].decode()
                pending = fetch()
                await asyncio.sleep(0)  # the command goes out while the batch is applied
                await self._batch(batch)
        finally:
            pending.cancel()

    async def _batch(self, batch: list[tuple[bytes, list[Entry]]]) -> None:
        applied = {}
        for name, entries in batch:
            stream = name.decode()
            applied[stream] = await self._apply(stream, self.types[stream], entries)
        await self.refold()
        for name, entries in batch:
            stream = name.decode()
            self.positions[stream] = entries[-1][0].decode()
            self.log.metrics.consumed(stream).inc(len(entries))
            info_each("event applied", {"stream": stream}, APPLIED, applied[stream])
        if batch:
            self._wake()

    async def behind(self, position: str) -> dict[str, tuple[int, int]]:
        """Per stream not applied up to ``position``: its last entry at or before it (one
        round trip for all of them); empty when the projection includes ``position``."""
        wanted = position_key(position)
        late = [s for s, applied in self.positions.items() if position_key(applied) < wanted]
        if not late:
            return {}
        async with self.raw.pipeline(transaction=False) as pipe:
            for stream in late:
                pipe.xrevrange(stream, max=position, min=f"({self.positions[stream]}", count=1)
            replies = cast("list[list[Entry]]", await pipe.execute())
        return {
            stream: position_key(reply[0][0].decode())
            for stream, reply in zip(late, replies, strict=True)
            if reply
        }

    async def wait_for(self, position: str, within: float) -> bool:
        """Wait up to ``within`` seconds until ``position`` is applied; whether it was. What
        to wait for is asked of Redis once; each batch applied then wakes only the waiters it
        satisfies (not every waiter after every batch: at 500 writes/s that was most of the
        follower's time)."""
        targets = await self.behind(position)
        if self._reached(targets):
            return True
        waiter = (targets, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(within):
                await waiter[1]
        except TimeoutError:
            return False
        finally:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
        return True

    def _reached(self, targets: dict[str, tuple[int, int]]) -> bool:
        return all(position_key(self.positions[s]) >= last for s, last in targets.items())

    def _wake(self) -> None:
        waiting, self._waiting = self._waiting, []
        for targets, future in waiting:
            if not future.done() and self._reached(targets):
                future.set_result(None)
            elif not future.done():
                self._waiting.append((targets, future))

    async def horizon(self) -> dict[str, str]:
        """The id of each stream's newest entry now."""
        return {stream: await self.log.last_position(stream) for stream in self.types}

    async def events_at(self, located: Sequence[tuple[str, str]]) -> list[tuple[str, AnyEvent]]:
        """The events at (event type, entry id) positions, read in one round trip; an entry
        no longer readable is left out."""
        async with self.raw.pipeline(transaction=False) as pipe:
            for event_type, position in located:
                pipe.xrange(self.log.keys.stream(event_type), min=position, max=position)
            replies = cast("list[list[Entry]]", await pipe.execute())
        found = []
        for (event_type, position), reply in zip(located, replies, strict=True):
            try:
                found.append((position, decode_fields(event_type, reply[0][1])))
            except (MalformedEvent, IndexError):
                logger.warning("history entry unreadable", type=event_type, position=position)
        return found
