"""``python -m shared.log.dead_letters``: list dead letters and re-inject chosen ones after a fix.

    python -m shared.log.dead_letters list [--stream KEY] [--limit N]
    python -m shared.log.dead_letters show DEAD_LETTER_ID
    python -m shared.log.dead_letters replay DEAD_LETTER_ID [...] --by PERSON [--again]

Reads REDIS_URL and STREAM_PREFIX like the services. ``replay`` appends the entry's original
fields to its original stream as a new entry (every reader sees it again; readers ignore an
event id they already applied), records who replayed it as a ``DeadLetterReplayed`` event in
the dead-letter stream (its ``actor`` is ``--by``), and remembers the new position, so a dead
letter is replayed once unless ``--again`` is given. The dead-letter stream is never trimmed.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Sequence
from typing import Any, TextIO

import redis

from shared.domain.events import DeadLetterReplayed, encode, new_event, utc_now
from shared.edge.settings import ServiceSettings
from shared.log.connection import connect_sync
from shared.log.eventlog import text
from shared.log.keys import Keys


class DeadLetters:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.stream = keys.dead_letter
        self.replayed_key = keys.private("replayed")

    def entries(self, stream: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        stored: dict[Any, Any] = self.client.hgetall(self.replayed_key)
        replayed = {text(k): text(v) for k, v in stored.items()}
        entries: list[Any] = self.client.xrange(self.stream)  # type: ignore[assignment]
        rows = []
        for entry_id, fields in entries:
            if fields.get(b"type") != b"DeadLetter":
                continue
            document = json.loads(fields[b"event"])
            data = document["data"]
            if stream and data["stream"] != stream:
                continue
            rows.append(
                {"id": text(entry_id), "time": document["time"], **data}
                | {"replayed_as": replayed.get(text(entry_id))}
            )
        return rows[-limit:]

    def document(self, dead_letter_id: str) -> dict[str, Any]:
        found: list[Any] = self.client.xrange(self.stream, dead_letter_id, dead_letter_id)  # type: ignore[assignment]
        if not found:
            raise LookupError(f"no dead letter {dead_letter_id}")
        document: dict[str, Any] = json.loads(found[0][1][b"event"])
        return document

    def replay(self, dead_letter_id: str, *, by: str, again: bool = False) -> str:
        """Append the original entry to its stream again, and record who did; the new entry's
        position."""
        if not again and (done := self.client.hget(self.replayed_key, dead_letter_id)):
            raise ValueError(f"{dead_letter_id} was replayed as {text(done)}; --again to repeat")
        data = self.document(dead_letter_id)["data"]
        if not data["fields"]:
            raise ValueError(f"{dead_letter_id} kept no fields to replay")
        position = text(self.client.xadd(data["stream"], data["fields"]))
        replayed = DeadLetterReplayed(
            dead_letter_id=dead_letter_id, stream=data["stream"], position=position, replayed_by=by
        )
        record = new_event(
            replayed,
            source="/breakthrough/operators",
            correlation_id=str(uuid.uuid4()),
            time=utc_now(),
            actor=by,
            actor_role="admin",
        )
        self.client.xadd(self.stream, {"type": record.type, "event": encode(record)})
        self.client.hset(self.replayed_key, dead_letter_id, position)
        return position


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.log.dead_letters",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="dead letters, oldest first")
    listing.add_argument("--stream", help="only those from this stream key")
    listing.add_argument("--limit", type=int, default=100)
    verbs.add_parser("show", help="one dead letter's document").add_argument("id")
    replaying = verbs.add_parser("replay", help="re-inject entries into their streams")
    replaying.add_argument("ids", nargs="+")
    replaying.add_argument(
        "--by", required=True, metavar="PERSON", help="who replays (recorded as the actor)"
    )
    replaying.add_argument("--again", action="store_true", help="replay even if done before")
    args = parser.parse_args(argv)

    settings = ServiceSettings()
    letters = DeadLetters(connect_sync(settings.redis), Keys(settings.stream_prefix))
    try:
        if args.verb == "list":
            for row in letters.entries(args.stream, args.limit):
                replayed = f"replayed as {row['replayed_as']}" if row["replayed_as"] else "-"
                print(
                    f"{row['id']}  {row['stream']} {row['entry_id']}  group={row['group']}"
                    f"  deliveries={row['delivery_count']}  {replayed}\n    {row['error'][:200]}",
                    file=out,
                )
        elif args.verb == "show":
            out.write(json.dumps(letters.document(args.id), ensure_ascii=False, indent=2) + "\n")
        else:
            for dead_letter_id in args.ids:
                position = letters.replay(dead_letter_id, by=args.by, again=args.again)
                out.write(f"{dead_letter_id} -> {position}\n")
    except (LookupError, ValueError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
