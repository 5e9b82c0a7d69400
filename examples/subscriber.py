"""Follow the event streams of the breakthrough-tasks system with a consumer group of
your own, using nothing but redis-py (pip install "redis>=5"). See docs/subscribing.md.

    python examples/subscriber.py --redis-url redis://:PASSWORD@HOST:6379/0 \
        --group audit-log --consumer audit-1 --out events.jsonl

Each event is handled once: its document is appended as one line to ``--out``, and only then
is the entry acknowledged (XACK). Deliveries are at least once (a crash between the two
delivers the entry again), so events are deduplicated by their ``id``; here the ids already
in ``--out`` are the ones handled. Order holds within one stream, not across streams.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import redis

EVENT_TYPES = {
    # contract v1
    "tasks:registered": "TaskRegistered",
    "tasks:approved": "TaskApproved",
    "tasks:rejected": "TaskRejected",
    "tasks:progress": "ProgressLogged",
    # contract 1.1: the whole yearly cycle (a v1 subscriber simply does not follow these)
    "tasks:amended": "TaskAmended",
    "tasks:withdrawn": "TaskWithdrawn",
    "tasks:returned": "TaskReturned",
    "tasks:self-assessed": "TaskSelfAssessed",
    "tasks:evaluated": "TaskEvaluated",
    "years": "YearClosed",
    "roster": "RosterPublished",
}
SCHEMA_VERSION = 1  # the version of the documents this subscriber understands
CLAIM_IDLE_MS = 60_000  # take over entries another consumer of the group left pending


def say(*words: object) -> None:
    print(*words, file=sys.stderr, flush=True)  # noqa: T201 - a command-line example


class Subscriber:
    def __init__(self, client: redis.Redis, prefix: str, group: str, consumer: str, out: Path):
        self.client, self.group, self.consumer, self.out = client, group, consumer, out
        self.streams = {f"{prefix}:{suffix}": kind for suffix, kind in EVENT_TYPES.items()}
        text = out.read_text(encoding="utf-8") if out.exists() else ""
        whole = text[: text.rfind("\n") + 1]
        if whole != text:  # a line cut short by a crash: its entry was never acknowledged,
            out.write_text(whole, encoding="utf-8")  # so it is delivered and handled again
        self.seen = {json.loads(line)["id"] for line in whole.split("\n") if line}
        self.stopping = False

    def create_groups(self) -> None:
        """At the start of each stream ("0"), so nothing written before is missed."""
        for stream in self.streams:
            try:
                self.client.xgroup_create(stream, self.group, id="0", mkstream=True)
            except redis.ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    def handle(self, stream: str, entry_id: str, fields: dict[str, str] | None) -> None:
        try:
            event = json.loads((fields or {})["event"])
            event_id = event["id"]
        except (KeyError, TypeError, ValueError):
            say("skipped, not an event document:", stream, entry_id)
            self.client.xack(stream, self.group, entry_id)
            return
        if event.get("schemaversion") != SCHEMA_VERSION:
            say("left pending, unknown schemaversion:", stream, entry_id, event_id)
            return  # an upgraded subscriber will take it over
        if event_id in self.seen:
            say("duplicate, already handled:", stream, entry_id, event_id)
        else:
            with self.out.open("a", encoding="utf-8") as out:  # the effect, then the ack
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())
            self.seen.add(event_id)
            say("handled", event["type"], event_id, "from", stream, entry_id)
        self.client.xack(stream, self.group, entry_id)

    def own_pending(self) -> None:
        """Entries delivered to this consumer before a crash and never acknowledged."""
        for stream in self.streams:
            after = "0"
            while reply := self.client.xreadgroup(self.group, self.consumer, {stream: after}, 100):
                entries = reply[0][1]
                if not entries:
                    break
                for entry_id, fields in entries:
                    self.handle(stream, entry_id, fields)
                after = entries[-1][0]

    def claim_abandoned(self) -> None:
        """Entries a consumer of this group that went away left pending."""
        for stream in self.streams:
            _, claimed, *_ = self.client.xautoclaim(
                stream, self.group, self.consumer, CLAIM_IDLE_MS, count=100
            )
            for entry_id, fields in claimed:
                self.handle(stream, entry_id, fields)

    def follow(self) -> None:
        """New entries (">"), all the streams in one blocking read; now and then, claims."""
        claimed_at = 0.0
        while not self.stopping:
            if time.monotonic() - claimed_at > 10:
                self.claim_abandoned()
                claimed_at = time.monotonic()
            wanted = dict.fromkeys(self.streams, ">")
            for stream, entries in self.client.xreadgroup(
                self.group, self.consumer, wanted, count=100, block=1000
            ):
                for entry_id, fields in entries:
                    self.handle(stream, entry_id, fields)

    def run(self) -> None:
        while not self.stopping:
            try:
                self.create_groups()
                self.own_pending()
                say("following", ", ".join(self.streams), "as", self.group, self.consumer)
                self.follow()
            except redis.ConnectionError as error:  # Redis restarting: wait, then resume
                say("redis unavailable, retrying in 1 s:", error)
                time.sleep(1)
        say("stopped")


def main() -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default=env("REDIS_URL", "redis://localhost:6379/0"))
    parser.add_argument("--prefix", default=env("STREAM_PREFIX", "breakthrough"))
    parser.add_argument("--group", default=env("GROUP", "example-subscriber"))
    parser.add_argument("--consumer", default=env("CONSUMER", socket.gethostname()))
    parser.add_argument("--out", type=Path, default=Path(env("OUT", "events.jsonl")))
    args = parser.parse_args()
    client = redis.Redis.from_url(args.redis_url, decode_responses=True)
    subscriber = Subscriber(client, args.prefix, args.group, args.consumer, args.out)

    def stop(_signal: int, _frame: object) -> None:
        subscriber.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    subscriber.run()


if __name__ == "__main__":
    main()
