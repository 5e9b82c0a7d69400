"""Reading the log into the projection: the rebuild (XRANGE, stream by stream in ``ORDER``),
then one XREAD over every stream for as long as the service runs, whatever goes wrong; a
rebuild again when the log went backwards (docs/architecture.md, "Reporting")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

import structlog
from redis.asyncio import Redis

from shared.domain.events import AnyEvent
from shared.log.eventlog import EventLog, MalformedEvent, Poison, decode
from shared.log.keys import position_key
from shared.ops.logging import info_each

from .projection import Projection

logger = structlog.get_logger()
ORDER = (
    *("roster", "years", "reminders", "tasks:registered", "tasks:returned", "tasks:amended"),
    *("tasks:approved", "tasks:rejected", "tasks:withdrawn", "tasks:progress"),
    *("tasks:self-assessed", "tasks:evaluated"),
)
STALLED_AFTER = 30.0
APPLIED = ("event_id", "position", "correlation_id")
Entry = tuple[bytes, list[bytes]]


class Follower:
    def __init__(self, log: EventLog, *, page_size: int = 1_000, count: int = 500) -> None:
        self.log, self.page_size, self.count = log, page_size, count
        self.projection = Projection()
        prefix, types = log.keys.prefix, log.keys.stream_types
        self.types = {f"{prefix}:{name}": types[f"{prefix}:{name}"] for name in ORDER}
        self.positions = dict.fromkeys(self.types, "0-0")
        """Stream -> the id of the last entry applied ("0-0": none)."""
        self.ready, self.heartbeat = False, time.monotonic()
        self.problem: str | None = "rebuilding the projection from the log"
        self.moved = asyncio.Condition()
        # its own client on the same connections, its replies as Redis sent them (no dicts)
        self.raw = Redis(connection_pool=log.redis.connection_pool)
        for command in ("XRANGE", "XREVRANGE", "XREAD"):
            self.raw.set_response_callback(command, cast("Any", lambda reply, **_: reply))

    async def read_all(
        self,
        projection: Projection,
        until: dict[str, str] | None = None,
        keep: Callable[[AnyEvent], bool] | None = None,
    ) -> tuple[int, dict[str, str]]:
        """Apply every entry up to ``until`` (default: the end) that ``keep`` keeps; the number
        of entries read and the last position read in each stream."""
        count, reached = 0, dict.fromkeys(self.types, "0-0")
        for stream in self.types:
            after, end = "(0-0", "+" if until is None else until[stream]
            while page := await self.raw.xrange(stream, after, end, count=self.page_size):
                entries = cast("list[Entry]", page)
                await self._apply(projection, stream, entries, keep)
                count += len(entries)
                reached[stream] = entries[-1][0].decode()
                after = "(" + reached[stream]
        await self.refold(projection)
        return count, reached

    async def rebuild(self) -> None:
        """The projection afresh from the whole log."""
        self.ready, self.problem = False, "rebuilding the projection from the log"
        started, projection = time.perf_counter(), Projection()
        count, self.positions = await self.read_all(projection)
        self.projection, self.ready, self.problem = projection, True, None
        self.heartbeat, seconds = time.monotonic(), round(time.perf_counter() - started, 3)
        logger.info("projection ready", events=count, tasks=len(projection.tasks), seconds=seconds)
        async with self.moved:
            self.moved.notify_all()

    async def refold(self, projection: Projection) -> None:
        """Fold again the tasks an event reached out of its order, their events read back."""
        for task_id in sorted(projection.refolds):
            located = await self.events_at(projection.tasks[task_id].located())
            projection.refold(task_id, [event for _, event in located])

    async def _apply(
        self,
        projection: Projection,
        stream: str,
        entries: Sequence[Entry],
        keep: Callable[[AnyEvent], bool] | None = None,
    ) -> list[tuple[str, str, str]]:
        """Decode and apply; (event id, position, correlation id) of each event applied."""
        types, applied = self.types[stream], []
        for entry_id, fields in entries:
            position = entry_id.decode()
            try:
                event = decode(fields, types)
                if keep is None or keep(event):
                    projection.apply(event, position)
                    applied.append((event.id, position, event.correlationid))
            except Exception as error:  # pure: it would fail the same way again
                if not isinstance(error, MalformedEvent):
                    logger.exception("event not applied", stream=stream, position=position)
                entry = dict(zip(fields[::2], fields[1::2], strict=False))
                poison = Poison(stream, position, entry, str(error) or repr(error))
                if await self.log.park(poison, reader=self.log.keys.group("reporting")):
                    logger.error("entry parked", stream=stream, position=position, error=str(error))
        return applied

    async def run(self) -> None:
        """Follow (rebuilding first when needed) for as long as the service runs."""
        delay = 0.1
        while True:
            try:
                if not self.ready:
                    await self.rebuild()
                await self.follow()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.problem = f"following the log failed: {type(error).__name__}: {error}"
                self.log.metrics.follower_failures.inc()
                logger.exception("following the log failed, retrying", retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            else:
                delay = 0.1

    async def follow(self, block_ms: int = 1_000) -> None:
        """XREAD over every stream from the positions, until an error or a rebuild. Each
        read goes down with an ``XRANGE`` of the last entry applied of each stream, on the
        same connection: should one be gone (a failover lost what the old primary alone
        had, a restore), the log went backwards and ``run`` rebuilds."""
        while True:
            read = dict(self.positions)
            held = [stream for stream, position in read.items() if position != "0-0"]
            async with self.raw.pipeline(transaction=False) as pipe:
                for stream in held:
                    pipe.xrange(stream, read[stream], read[stream])
                pipe.xread(cast("Any", read), count=self.count, block=block_ms)
                *kept, reply = await pipe.execute()
            if lost := {s: read[s] for s, r in zip(held, kept, strict=True) if not r}:
                logger.error("the log went backwards: entries applied are gone", positions=lost)
                self.ready = False  # run() rebuilds
                return
            self.heartbeat, self.problem = time.monotonic(), None
            # stream -> entries (RESP3), or a list of [stream, entries] (RESP2)
            batch: list[tuple[bytes, list[Entry]]] = (
                list(reply.items()) if isinstance(reply, dict) else reply or []
            )
            for name, entries in batch:
                stream = name.decode()
                applied = await self._apply(self.projection, stream, entries)
                self.positions[stream] = entries[-1][0].decode()
                self.log.metrics.consumed(stream).inc(len(entries))
                info_each("event applied", {"stream": stream}, APPLIED, applied)
            await self.refold(self.projection)
            async with self.moved:
                self.moved.notify_all()

    def why_not_ready(self) -> str | None:
        """Why the projection cannot be trusted now, or None."""
        if self.problem is None and time.monotonic() - self.heartbeat > STALLED_AFTER:
            return f"the follower has read nothing for over {STALLED_AFTER:g} s"
        return self.problem

    async def wait_for(self, position: str, within: float) -> bool:
        """Wait up to ``within`` seconds until every entry up to ``position`` is applied."""
        wanted = position_key(position)
        late = [s for s, p in self.positions.items() if position_key(p) < wanted]
        async with self.raw.pipeline(transaction=False) as pipe:
            for stream in late:  # its last entry up to there, if any
                pipe.xrevrange(stream, position, f"({self.positions[stream]}", count=1)
            replies = await pipe.execute()
        ends = zip(late, replies, strict=True)
        targets = {stream: position_key(r[0][0].decode()) for stream, r in ends if r}

        def reached() -> bool:
            done = (position_key(self.positions[s]) >= end for s, end in targets.items())
            return self.ready and all(done)

        try:
            async with asyncio.timeout(within), self.moved:
                await self.moved.wait_for(reached)
        except TimeoutError:
            return False
        return True

    async def events_at(self, located: Sequence[tuple[str, str]]) -> list[tuple[str, AnyEvent]]:
        """(position, event) at (event type, entry id) positions, read in one round trip; an
        entry no longer readable is left out."""
        async with self.raw.pipeline(transaction=False) as pipe:
            for event_type, position in located:
                pipe.xrange(self.log.keys.stream(event_type), position, position)
            replies = await pipe.execute()
        found = []
        for (event_type, position), reply in zip(located, replies, strict=True):
            try:
                found.append((position, decode(reply[0][1], (event_type,))))
            except (MalformedEvent, IndexError):
                logger.warning("entry unreadable", type=event_type, position=position)
        return found
