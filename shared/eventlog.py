"""The event-log adapter: append to, read back, and park entries of the Redis streams.

Entries are written with redis-py as exactly two fields, ``type`` and ``event`` (a CloudEvents
JSON document), so any Redis client in any language reads them with XRANGE/XREADGROUP. An
append that must check an invariant atomically goes through a Lua script (see the services'
adapters); a plain append is one XADD. The log is never trimmed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared.events import AnyEvent, MalformedEvent, StoredEvent, parse_event, utc_now
from shared.idempotency import APPEND_ONCE, Appended, record_key, replay
from shared.keys import Keys, digest
from shared.metrics import Metrics

RawFields = Mapping[bytes, bytes]

# KEYS: 1 dead-letter stream, 2 marker of this (stream, entry, group). ARGV: 1 document
PARK_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX') then
  return redis.call('XADD', KEYS[1], '*', 'type', 'DeadLetter', 'event', ARGV[1])
end
return false
"""


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


def entry_fields(event: AnyEvent) -> dict[str, str]:
    """The two fields of a stream entry for ``event``."""
    return {"type": event.type, "event": event.model_dump_json()}


def decode_entry(
    stream: str, entry_id: bytes | str, fields: RawFields, expected: str
) -> StoredEvent:
    """Parse one raw entry of ``stream`` into a stored event, or raise ``MalformedEvent``.

    The document is validated as the bytes Redis returned (pydantic rejects bytes that are
    not UTF-8)."""
    position = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    type_field, document = fields.get(b"type"), fields.get(b"event")
    if len(fields) != 2 or type_field is None or document is None:
        shown = sorted(n.decode(errors="replace")[:40] for n in fields)
        raise MalformedEvent(f"entry fields {shown}, expected exactly ['event', 'type']")
    try:
        kind = type_field.decode()
    except UnicodeDecodeError as error:
        raise MalformedEvent(f"entry type is not UTF-8: {error}") from error
    return StoredEvent(stream, position, parse_event(kind, document, expected))


@dataclass(frozen=True, slots=True)
class Poison:
    """An entry a consumer gave up on, with why."""

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

    def appended(self, event: AnyEvent) -> None:
        """Count an event this service appended (by whichever script wrote it)."""
        self.metrics.appended(event.type).inc()

    def script(self, source: str) -> AsyncScript:
        """A Lua script on this connection (EVALSHA, loaded on first use)."""
        if source not in self._scripts:
            self._scripts[source] = self.redis.register_script(source)
        return self._scripts[source]

    async def append(self, event: AnyEvent) -> str:
        stream = self.keys.event_streams[event.type]
        position = text(await self.redis.xadd(stream, entry_fields(event)))  # type: ignore[arg-type]
        self.appended(event)
        return position

    async def read_pages(
        self, stream: str, after: str = "0-0", page_size: int = 10_000
    ) -> AsyncIterator[list[tuple[bytes, RawFields]]]:
        """Every entry after ``after``, oldest first, in pages of XRANGE."""
        start = after
        while True:
            page = cast(
                "list[tuple[bytes, RawFields]]",
                await self.redis.xrange(stream, min=f"({start}", count=page_size),
            )
            if not page:
                return
            yield page
            start = page[-1][0].decode()
            if len(page) < page_size:
                return

    async def read_at(self, wanted: Sequence[tuple[str, str, str]]) -> list[StoredEvent | None]:
        """The events at these (stream, event type, position)s, read in one round trip: None
        where the log no longer holds the entry (trimmed by hand); ``MalformedEvent`` if one
        no longer parses."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for stream, _, position in wanted:
                pipe.xrange(stream, min=position, max=position)
            replies = await pipe.execute() if wanted else []
        found: list[StoredEvent | None] = []
        for (stream, kind, position), reply in zip(wanted, replies, strict=True):
            try:
                found.append(
                    decode_entry(stream, reply[0][0], reply[0][1], kind) if reply else None
                )
            except MalformedEvent as error:
                raise MalformedEvent(f"entry {position} of {stream}: {error}") from error
        return found

    async def read_events(
        self, stream: str, event_type: str, after: str = "0-0", page_size: int = 10_000
    ) -> AsyncIterator[tuple[list[StoredEvent], list[Poison]]]:
        """Pages of parsed events; entries that do not parse come back as ``Poison``."""
        async for page in self.read_pages(stream, after, page_size):
            yield split_entries(stream, event_type, page)

    async def last_position(self, stream: str) -> str:
        """The id of the newest entry of ``stream``, or "0-0" when it is empty or absent."""
        newest = await self.redis.xrevrange(stream, count=1)
        return text(newest[0][0]) if newest else "0-0"

    async def ensure_group(self, stream: str, group: str) -> None:
        """Create ``group`` at the start of ``stream`` (never at "$": nothing is skipped)."""
        try:
            await self.redis.xgroup_create(stream, group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def park(
        self, poison: Poison, *, group: str, consumer: str, delivery_count: int = 1
    ) -> str | None:
        """Copy an entry to the dead-letter stream, with the reason, as a DeadLetter event.

        Once per (stream, entry, group): replicas and restarts that meet the same entry again
        park nothing more. Returns the dead letter's position, or None if already parked.
        """
        document = dead_letter_document(
            poison, service=self.service, group=group, consumer=consumer, deliveries=delivery_count
        )
        stream = self.keys.dead_letter
        marker = self.keys.tagged(
            stream, "parked", digest(f"{poison.stream}/{poison.position}/{group}")
        )
        position = await self.script(PARK_ONCE)(
            keys=[stream, marker], args=[json.dumps(document, ensure_ascii=False)]
        )
        return text(position) if position else None


def parse_entries(
    stream: str, event_type: str, entries: Iterable[tuple[bytes, RawFields]], poison: list[Poison]
) -> Iterator[StoredEvent]:
    """The entries' events, each validated when it is asked for; the entries that do not
    parse are appended to ``poison`` with the reason."""
    for entry_id, fields in entries:
        try:
            yield decode_entry(stream, entry_id, fields, event_type)
        except MalformedEvent as error:
            poison.append(Poison(stream, entry_id.decode(), fields, str(error)[:2000]))


def split_entries(
    stream: str, event_type: str, entries: Sequence[tuple[bytes, RawFields]]
) -> tuple[list[StoredEvent], list[Poison]]:
    poison: list[Poison] = []
    return list(parse_entries(stream, event_type, entries, poison)), poison


def dead_letter_document(
    poison: Poison, *, service: str, group: str, consumer: str, deliveries: int
) -> dict[str, Any]:
    original = {
        name.decode(errors="replace"): value.decode(errors="replace")
        for name, value in poison.fields.items()
    }
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": f"/breakthrough/{service}",
        "type": "DeadLetter",
        "subject": f"{poison.stream}/{poison.position}",
        "time": utc_now().isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "schemaversion": 1,
        "correlationid": str(uuid.uuid4()),
        "causationid": None,
        "data": {
            "stream": poison.stream,
            "entry_id": poison.position,
            "group": group,
            "consumer": consumer,
            "error": poison.error,
            "delivery_count": deliveries,
            "fields": original,
        },
    }


async def append_once(
    log: EventLog, event: AnyEvent, *, idempotency_key: str | None, request_hash: str
) -> Appended:
    """Append ``event``, or answer the first append again for a repeated Idempotency-Key."""
    stream = log.keys.event_streams[event.type]
    record = record_key(log.keys, stream, idempotency_key)
    script = log.script(APPEND_ONCE)
    outcome, value = await script(
        keys=[stream, record],
        args=[
            event.type,
            event.model_dump_json(),
            "1" if idempotency_key else "0",
            request_hash,
            event.id,
            event.subject,
        ],
    )
    if outcome == b"replay":
        return replay(value, request_hash)
    log.appended(event)
    return Appended(event.id, value.decode(), event.subject)
