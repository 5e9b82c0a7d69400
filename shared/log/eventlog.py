"""The event log in Redis: decoding its entries (one place, one decoder per event type),
reading it back, and parking what cannot be read.

An entry is written as exactly two fields, ``type`` and ``event`` (a CloudEvents JSON
document), so any Redis client in any language reads it with XRANGE/XREADGROUP. Writes that
must check an invariant go through a Lua script (``shared.log.store``). The log is never
trimmed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import msgspec
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript

from shared.domain.events import (
    DATA_TYPES,
    SCHEMA_VERSION,
    AnyEvent,
    DeadLetter,
    Event,
    encode,
    new_event,
    utc_now,
)
from shared.log.connection import connect as connect  # the one way to the log
from shared.log.keys import Keys, digest
from shared.log.replication import (
    Replication,
    replicated_call,
    replicated_read,
    replicated_reads,
)
from shared.ops.metrics import Metrics

RawFields = Mapping[bytes, bytes]
_NAMES = {name.encode(): name for name in DATA_TYPES}
DECODERS: dict[str, msgspec.json.Decoder[AnyEvent]] = {
    name: msgspec.json.Decoder(Event[data])  # type: ignore[valid-type]
    for name, data in DATA_TYPES.items()
}

# KEYS: 1 dead-letter stream, 2 marker of this (stream, entry, reader). ARGV: 1 document
PARK_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX') then
  return redis.call('XADD', KEYS[1], '*', 'type', 'DeadLetter', 'event', ARGV[1])
end
return false
"""


class MalformedEvent(ValueError):
    """A stream entry that is not a valid event document of a type its stream holds."""


def decode(fields: RawFields | list[bytes], types: Collection[str]) -> AnyEvent:
    """The event in a stream entry whose stream holds ``types``, or ``MalformedEvent`` saying
    why: the one place an entry is decoded.

    ``fields`` as Redis sends them (a flat list of names and values, as XRANGE and XREAD
    replies are left) or as a mapping. The document is decoded once, from the bytes, into the
    typed structs of ``shared.domain.events`` (which refuse bytes that are not UTF-8, lone
    surrogates and numbers a float cannot hold)."""
    flat = fields if isinstance(fields, list) else [p for pair in fields.items() for p in pair]
    if len(flat) == 4 and flat[0] == b"type" and flat[2] == b"event":
        name, document = flat[1], flat[3]
    else:
        found = dict(zip(flat[::2], flat[1::2], strict=False))
        given = found.get(b"event")
        if found.keys() != {b"type", b"event"} or given is None:
            shown = {
                bytes(k).decode(errors="replace")[:40]: bytes(v)[:40] for k, v in found.items()
            }
            raise MalformedEvent(f"entry fields {shown}, expected type and event")
        name, document = found[b"type"], given
    expected = _NAMES.get(bytes(name))
    if expected is None or expected not in types:
        raise MalformedEvent(
            f"a {bytes(name)[:80]!r} entry in a stream of {', '.join(sorted(types))}"
        )
    try:
        event = DECODERS[expected].decode(document)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise MalformedEvent(f"invalid {expected} document: {error}") from error
    if event.type != expected:
        raise MalformedEvent(f"a {event.type!r} document in a {expected} entry")
    if event.schemaversion != SCHEMA_VERSION:
        raise MalformedEvent(f"unsupported schemaversion {event.schemaversion}")
    return event


def text(value: object) -> str:
    """A Redis reply (bytes) as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True, slots=True)
class Poison:
    """An entry a reader gave up on, with why."""

    stream: str
    position: str
    fields: RawFields
    error: str


class EventLog:
    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        service: str,
        metrics: Metrics | None = None,
        replication: Replication | None = None,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.service = service
        self.metrics = metrics or Metrics(service)
        self.replication = replication or Replication()
        """How many replicas must hold a write before it is answered (WRITE_REPLICAS)."""
        self._scripts: dict[str, AsyncScript] = {}

    async def replicated(
        self, script: AsyncScript, keys: Sequence[str], args: Sequence[Any]
    ) -> Any:
        """Run a writing script; its reply once ``replication`` replicas hold what it wrote
        and read (``NotReplicated`` otherwise): ``shared.log.replication``."""
        return await replicated_call(
            self.redis, script, keys, args, self.replication, self.keys.fence
        )

    async def replicated_reads(self, read: Callable[[Pipeline], object]) -> list[Any]:
        """The replies of the commands ``read`` adds to a pipeline, once ``replication``
        replicas hold what they saw: reads an answer rests on (a task's state before it
        is decided), never taken from a primary no replica follows any more."""
        return await replicated_reads(self.redis, self.replication, self.keys.fence, read)

    async def replicated_get(self, key: str) -> bytes | None:
        """``GET key``, answered once ``replication`` replicas hold what it read."""
        if not self.replication.replicas:
            return cast("bytes | None", await self.redis.get(key))

        def get(pipe: Pipeline) -> None:
            pipe.get(key)

        return cast(
            "bytes | None",
            await replicated_read(self.redis, self.replication, self.keys.fence, get),
        )

    def script(self, source: str) -> AsyncScript:
        """A Lua script on this connection (EVALSHA, loaded on first use)."""
        if source not in self._scripts:
            self._scripts[source] = self.redis.register_script(source)
        return self._scripts[source]

    async def read_pages(
        self, stream: str, after: str = "0-0", until: str = "+", page_size: int = 10_000
    ) -> AsyncIterator[list[tuple[bytes, RawFields]]]:
        """Every entry after ``after`` up to ``until``, oldest first, in pages of XRANGE."""
        start = after
        while True:
            page = cast(
                "list[tuple[bytes, RawFields]]",
                await self.redis.xrange(stream, min=f"({start}", max=until, count=page_size),
            )
            if not page:
                return
            yield page
            start = page[-1][0].decode()
            if len(page) < page_size:
                return

    async def last_position(self, stream: str) -> str:
        """The id of the newest entry of ``stream``, or "0-0" when it is empty or absent."""
        newest = await self.redis.xrevrange(stream, count=1)
        return text(newest[0][0]) if newest else "0-0"

    async def park(self, poison: Poison, *, reader: str, deliveries: int = 1) -> str | None:
        """Copy an entry to the dead-letter stream with the reason, as a DeadLetter event;
        once per (stream, entry, reader). The dead letter's position, or None if parked before."""
        document = dead_letter_document(poison, self.service, reader, deliveries)
        stream = self.keys.dead_letter
        marker = self.keys.private("parked", digest(f"{poison.stream}/{poison.position}/{reader}"))
        position = await self.script(PARK_ONCE)(keys=[stream, marker], args=[document])
        if position:
            self.metrics.dead_letters(poison.stream).inc()
        return text(position) if position else None


def dead_letter_document(poison: Poison, service: str, reader: str, deliveries: int) -> bytes:
    original = {
        name.decode(errors="replace"): value.decode(errors="replace")
        for name, value in poison.fields.items()
    }
    data = DeadLetter(
        stream=poison.stream,
        entry_id=poison.position,
        group=reader,
        consumer=service,
        error=poison.error,
        delivery_count=deliveries,
        fields=original,
    )
    event = new_event(
        data,
        source=f"/breakthrough/{service}",
        correlation_id=str(uuid.uuid4()),
        time=utc_now(),
        actor=service,
    )
    return encode(event)
