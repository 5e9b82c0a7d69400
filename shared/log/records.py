"""``python -m shared.log.records check | rebuild``: the writers' records, from the log.

Registration and approval decide on what they keep beside the log (``shared.log.store``):
each task's record, each registrant's live tasks of a year (their quota), each year's pending
queue, the closed years and the roster in force. All of it is a projection of the log, moved
by the same script call that appends each event, so the two never disagree; this command
shows it (``check``) or makes the records again from the log (``rebuild``): after restoring
keys from an older backup than the streams, say, or after a bug.

    python -m shared.log.records check      # 0: equal; 1: different (keys printed); 2: error
    python -m shared.log.records rebuild    # stop registration and approval first

Reads ``REDIS_URL`` and ``STREAM_PREFIX`` like the services. Idempotency records are not in the
log (a request's key is not part of its event), nor are portal sessions or parked-entry
markers: both verbs leave them alone. ``rebuild`` writes every derived key, deletes the
records the log does not derive, and then looks at the log again: if it moved meanwhile (a
writer was running) it says so and exits 2; run it again with the writers stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

import msgspec
import redis

from shared.domain.events import AnyEvent, RosterPublished
from shared.domain.lifecycle import LIVE, TaskState, TaskStatus, canonical, fold
from shared.domain.people import key
from shared.edge.settings import ServiceSettings
from shared.log.eventlog import MalformedEvent, decode_entry, text
from shared.log.keys import Keys

EQUAL, DIFFERENT, FAILED = 0, 1, 2
PAGE = 10_000
_ENCODE = msgspec.json.Encoder().encode
_STATE = msgspec.json.Decoder(TaskState)
_ROSTER = msgspec.json.Decoder(RosterPublished)

Value = dict[str, Any] | set[str]
"""A key's content: a hash (field -> value), a set, or a sorted set (member -> score)."""


@dataclass
class Records:
    """Every key the writers keep, by name: what the log derives, or what Redis holds."""

    hashes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    queues: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))

    def names(self) -> set[str]:
        return {*self.hashes, *self.sets, *self.queues}

    def get(self, name: str) -> Value | None:
        for kind in (self.hashes, self.sets, self.queues):
            if name in kind:
                return kind[name]
        return None


def read_log(client: redis.Redis, keys: Keys) -> tuple[list[tuple[str, AnyEvent]], int]:
    """Every event of every stream with its position, and the number of entries that do not
    decode (reporting parks those; no writer of ours wrote them)."""
    events, unreadable = [], 0
    for event_type, stream in keys.streams.items():
        start = "-"
        while page := cast("list[Any]", client.xrange(stream, min=start, max="+", count=PAGE)):
            for entry_id, fields in page:
                try:
                    events.append((text(entry_id), decode_entry(event_type, fields)))
                except MalformedEvent:
                    unreadable += 1
            start = "(" + text(page[-1][0])
            if len(page) < PAGE:
                break
    return events, unreadable


def derive(keys: Keys, events: Sequence[tuple[str, AnyEvent]]) -> Records:
    """The records the writers' scripts would have made, writing these events."""
    derived, by_task = Records(), defaultdict(list)
    closures: dict[int, tuple[str, str]] = {}
    for position, event in events:
        data = event.data
        if isinstance(data, RosterPublished):  # each one replaced the one before
            derived.hashes[keys.roster(data.year)] = {
                "data": _ENCODE(data).decode(),
                "event_id": event.id,
                "position": position,
            }
        elif event.type == "YearClosed":  # the first one counts; later ones were refused
            year = data.year
            if year not in closures or _order(position) < _order(closures[year][1]):
                closures[year] = (event.id, position)
        else:
            by_task[data.task_id].append((position, event))
    if closures:
        derived.hashes[keys.closed_years] = {
            str(year): {"event_id": event_id, "position": position}
            for year, (event_id, position) in closures.items()
        }
    for task_id, located in by_task.items():
        state = fold(event for _, event in located)
        if state is None:  # events of a task never registered: no writer of ours made them
            continue
        unique = {event.id: (position, event) for position, event in located}
        last_position, last = max(unique.values(), key=lambda pair: canonical(pair[1]))
        record = {
            "state": _ENCODE(state).decode(),
            "version": str(len(unique)),
            "status": state.status.value,
            "last_event": last.id,
            "last_position": last_position,
            "basis_position": unique[state.basis][0],
        }
        derived.hashes[keys.task(task_id)] = record
        if state.status in LIVE:
            derived.sets[keys.slots(state.year, key(state.registrant.id))].add(task_id)
        if state.status is TaskStatus.pending:
            score = float(int(state.registered_at.timestamp() * 1000))
            derived.queues[keys.pending(state.year)][task_id] = score
    return derived


def _order(position: str) -> tuple[int, int]:
    ms, _, seq = position.partition("-")
    return int(ms), int(seq or 0)


def patterns(keys: Keys) -> list[str]:
    """The keys the writers' records live under (idempotency records and sessions excluded)."""
    return [
        keys.task("*"),
        keys.private("slots", "*"),
        keys.private("pending", "*"),
        keys.private("roster", "*"),
        keys.closed_years,
    ]


def held(client: redis.Redis, keys: Keys) -> Records:
    """What Redis holds under the writers' keys now."""
    found = Records()
    for pattern in patterns(keys):
        for name in client.scan_iter(match=pattern, count=1_000):
            name, kind = text(name), text(client.type(name))
            if kind == "hash":
                fields = {text(k): text(v) for k, v in client.hgetall(name).items()}
                if name == keys.closed_years:
                    found.hashes[name] = {year: json.loads(v) for year, v in fields.items()}
                else:
                    found.hashes[name] = fields
            elif kind == "set":
                found.sets[name] = {text(member) for member in client.smembers(name)}
            elif kind == "zset":
                pairs = cast(
                    "list[tuple[bytes, float]]", client.zrange(name, 0, -1, withscores=True)
                )
                found.queues[name] = {text(member): score for member, score in pairs}
    return found


def differences(derived: Records, current: Records) -> Iterator[str]:
    """A line for each key whose content differs (missing, extra or changed)."""
    for name in sorted(derived.names() | current.names()):
        want, have = derived.get(name), current.get(name)
        if name in derived.hashes and name in current.hashes:
            want, have = _comparable(derived.hashes[name]), _comparable(current.hashes[name])
            changed = sorted(n for n in want.keys() | have.keys() if want.get(n) != have.get(n))
            if changed:
                yield f"changed  {name}: fields {', '.join(changed)}"
        elif have is None:
            yield f"missing  {name}"
        elif want is None:
            yield f"extra    {name}"
        elif want != have:
            yield f"changed  {name}: members differ"


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A task record with its state decoded (equal states, however they were encoded)."""
    if "state" not in record:
        return record
    try:
        return record | {"state": _STATE.decode(record["state"])}
    except msgspec.DecodeError:
        return record


def write(client: redis.Redis, derived: Records, current: Records) -> None:
    """Make Redis hold exactly the derived records under the writers' keys."""
    pipe = client.pipeline(transaction=False)
    for count, name in enumerate(current.names() | derived.names(), start=1):
        pipe.delete(name)
        if name in derived.hashes:
            values = {
                field: value if isinstance(value, str) else json.dumps(value)
                for field, value in derived.hashes[name].items()
            }  # a closed year's value is JSON (event id, position)
            pipe.hset(name, mapping=cast("dict[Any, Any]", values))
        elif name in derived.sets:
            pipe.sadd(name, *derived.sets[name])
        elif name in derived.queues:
            pipe.zadd(name, derived.queues[name])
        if count % 1_000 == 0:
            pipe.execute()
    pipe.execute()


def horizon(client: redis.Redis, keys: Keys) -> dict[str, str]:
    return {
        stream: text(newest[0][0]) if (newest := client.xrevrange(stream, count=1)) else "0-0"
        for stream in keys.streams.values()
    }


def run(client: redis.Redis, keys: Keys, verb: str, out: TextIO) -> int:
    before = horizon(client, keys)
    events, unreadable = read_log(client, keys)
    derived = derive(keys, events)
    out.write(f"read {len(events):,} events ({unreadable} unreadable entries skipped)\n")
    current = held(client, keys)
    found = list(differences(derived, current))
    if verb == "check":
        for line in found:
            out.write(line + "\n")
        out.write(f"{'DIFFERENT' if found else 'EQUAL'}: {len(found)} keys differ\n")
        return DIFFERENT if found else EQUAL
    write(client, derived, current)
    if horizon(client, keys) != before:
        out.write("FAILED: the log moved while rebuilding; stop the writers and run again\n")
        return FAILED
    out.write(f"rebuilt: {len(derived.names()):,} keys written, {len(found)} of them changed\n")
    return EQUAL


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.log.records",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("verb", choices=["check", "rebuild"])
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    client = redis.Redis.from_url(settings.redis_url)
    try:
        return run(client, Keys(settings.stream_prefix), args.verb, out)
    except Exception as error:  # whatever failed, it is not a difference
        out.write(f"FAILED: {type(error).__name__}: {error}\n")
        return FAILED
    finally:
        client.close()


if __name__ == "__main__":
    raise SystemExit(main())
