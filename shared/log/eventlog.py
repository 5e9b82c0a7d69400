"""The event log in Redis: decoding its entries (one place, one decoder per event type),
reading it back, and parking what cannot be read.

An entry is written as exactly two fields, ``type`` and ``event`` (a CloudEvents JSON
document), so any Redis client in any language reads it with XRANGE/XREADGROUP. Writes that
must check an invariant go through a Lua script (``shared.log.store``). The log is never
trimmed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import msgspec
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

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
from shared.log.keys import Keys, digest
from shared.ops.metrics import Metrics

RawFields = Mapping[bytes, bytes]
_NAMES = {name: name.encode() for name in DATA_TYPES}
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
    """A stream entry that is not a valid event document of the expected type."""


def decode_entry(expected: str, fields: RawFields) -> AnyEvent:
    """The event in a stream entry of the ``expected`` type, or ``MalformedEvent`` saying why.

    The document is decoded once, from the bytes Redis returned, into the typed structs of
    ``shared.domain.events`` (which refuse bytes that are not UTF-8, lone surrogates and numbers a
    float cannot hold)."""
    document = fields.get(b"event")
    decoder = DECODERS.get(expected)
    if decoder is None:
        raise MalformedEvent(f"unknown event type {expected[:80]!r}")
    if len(fields) != 2 or fields.get(b"type") != expected.encode() or document is None:
        shown = {name.decode(errors="replace")[:40]: value[:40] for name, value in fields.items()}
        raise MalformedEvent(f"entry fields {shown}, expected type={expected!r} and event")
    return _decode(expected, document)


def decode_fields(expected: str, fields: Sequence[bytes]) -> AnyEvent:
    """``decode_entry`` of an entry's fields as Redis sends them, a flat list of names and
    values (XRANGE and XREAD with their reply left as it is), without a dict per entry: the
    path of a follower reading hundreds of thousands of entries. Same verdicts (a
    differential test holds them equal): an entry laid out otherwise goes to
    ``decode_entry``."""
    if (
        len(fields) == 4
        and fields[0] == b"type"
        and fields[2] == b"event"
        and fields[1] == _NAMES.get(expected)
    ):
        return _decode(expected, fields[3])
    return decode_entry(expected, dict(zip(fields[::2], fields[1::2], strict=False)))


def _decode(expected: str, document: bytes) -> AnyEvent:
    """The document of an entry of a known type (``decode_entry`` checked it)."""
    try:
        event = DECODERS[expected].decode(document)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise MalformedEvent(f"invalid {expected} document: {error}") from error
    if event.type != expected:
        raise MalformedEvent(f"a {event.type!r} document in a {expected} entry")
    if event.schemaversion != SCHEMA_VERSION:
        raise MalformedEvent(f"unsupported schemaversion {event.schemaversion}")
    return event


def connect(url: str) -> Redis:
    """A client for the log; replies stay bytes, decoded where they are parsed."""
    return Redis.from_url(
        url,
        decode_responses=False,
        health_check_interval=10,
        socket_connect_timeout=2,
        socket_timeout=5,
        # A pooled connection that died with a Redis restart fails once; retry on a fresh
        # one. Every write here is safe to repeat: scripts recognise their own event id.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )


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
        self, redis: Redis, keys: Keys, service: str, metrics: Metrics | None = None
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.service = service
        self.metrics = metrics or Metrics(service)
        self._scripts: dict[str, AsyncScript] = {}

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
