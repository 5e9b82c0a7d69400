"""Follow the decisions of the breakthrough-tasks system with FastStream 0.7 and a consumer
group of your own (pip install "faststream[redis]>=0.7,<0.8"). See docs/subscribing.md.

    python examples/faststream_subscriber.py --redis-url redis://:PASSWORD@HOST:6379/0 \
        --group decisions-log --consumer decisions-1 --out decisions.jsonl

The same pattern as the system's notifications service, in miniature:

- **A consumer group**, made by this program at the start of each stream ("0", so nothing
  written before is missed) before FastStream starts; FastStream then reads new entries
  (``XREADGROUP >``) for this consumer.
- **Idempotent by event id**: an event whose ``id`` is already in ``--out`` is not written
  again (deliveries are at least once: a crash between the effect and the ack, or a
  producer writing an event twice, delivers it again).
- **Acknowledged after the effect**: FastStream sends ``XACK`` only when the handler
  returns (its default with a group); the line is written and flushed to disk first. An
  exception leaves the entry pending, and FastStream never delivers a pending entry again
  by itself: a second subscriber per stream reclaims what has stayed pending longer than
  ``--reclaim-ms`` (``XAUTOCLAIM``; yours, after a crash, or another consumer's).

The entries are plain: two fields, ``type`` and ``event`` (a CloudEvents JSON document).
FastStream hands an entry without its own ``__data__`` field over as the JSON of its fields,
so a pydantic model reads it. An entry that is not an event does not validate and stays
pending; a production subscriber would park it somewhere (the system's services copy it to
the ``<prefix>:dead-letter`` stream with the reason) and acknowledge it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from faststream import FastStream
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisStreamMessage
from pydantic import BaseModel, Json
from redis.asyncio import Redis
from redis.exceptions import ResponseError

STREAMS = ("tasks:approved", "tasks:rejected", "tasks:returned")  # the decisions


class Event(BaseModel):
    """The CloudEvents envelope (what is used here; the rest is ignored)."""

    id: str
    type: str
    subject: str
    time: datetime
    data: dict[str, Any]


class Entry(BaseModel):
    """A stream entry: the event type and the event document (a JSON string)."""

    type: str
    event: Json[Event]


class Decisions:
    """The effect: one JSON line per event in ``out``; the ids there are those handled."""

    def __init__(self, out: Path) -> None:
        self.out = out
        text = out.read_text(encoding="utf-8") if out.exists() else ""
        whole = text[: text.rfind("\n") + 1]  # a line a crash cut short was never acked
        if whole != text:
            out.write_text(whole, encoding="utf-8")
        self.seen = {json.loads(line)["id"] for line in whole.splitlines()}

    def handle(self, event: Event, stream: str, position: str) -> str:
        if event.id in self.seen:
            return "duplicate"
        line = {"id": event.id, "type": event.type, "task_id": event.subject}
        line |= {"time": event.time.isoformat(), "stream": stream, "position": position}
        with self.out.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        self.seen.add(event.id)
        return "handled"


def build(args: argparse.Namespace) -> FastStream:
    broker = RedisBroker(args.redis_url)
    app = FastStream(broker)
    decisions = Decisions(args.out)
    streams = [f"{args.prefix}:{suffix}" for suffix in STREAMS]

    async def handle(entry: Entry, message: RedisStreamMessage) -> None:
        stream = message.raw_message["channel"]
        position = message.raw_message["message_ids"][0].decode()
        outcome = decisions.handle(entry.event, stream, position)
        print(outcome, entry.type, entry.event.id, "from", stream, position, flush=True)  # noqa: T201
        # returning acknowledges the entry (XACK); raising would leave it pending

    for stream in streams:
        new = broker.subscriber(stream=StreamSub(stream, group=args.group, consumer=args.consumer))
        reclaimed = broker.subscriber(
            stream=StreamSub(
                stream, group=args.group, consumer=args.consumer, min_idle_time=args.reclaim_ms
            )
        )
        new(reclaimed(handle))

    @app.on_startup
    async def create_groups() -> None:
        """At the start of each stream ("0"), once: later starts go on where they stood."""
        client = Redis.from_url(args.redis_url)
        try:
            for stream in streams:
                try:
                    await client.xgroup_create(stream, args.group, id="0", mkstream=True)
                except ResponseError as error:
                    if "BUSYGROUP" not in str(error):
                        raise
        finally:
            await client.aclose()

    return app


def main() -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default=env("REDIS_URL", "redis://localhost:6379/0"))
    parser.add_argument("--prefix", default=env("STREAM_PREFIX", "breakthrough"))
    parser.add_argument("--group", default=env("GROUP", "decisions-log"))
    parser.add_argument("--consumer", default=env("CONSUMER", socket.gethostname()))
    parser.add_argument("--out", type=Path, default=Path(env("OUT", "decisions.jsonl")))
    parser.add_argument("--reclaim-ms", type=int, default=int(env("RECLAIM_MS", "60000")))
    asyncio.run(build(parser.parse_args()).run())


if __name__ == "__main__":
    main()
