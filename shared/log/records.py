"""``python -m shared.log.records check | rebuild``: the writers' records, from the log.

Registration and approval decide on what they keep beside the log (``shared.log.store``):
each task's record, each year's programme (roster, committees, closure), each registrant's
live tasks of a year (their quota) and each year's pending queue. All of it is a projection
of the log, moved by the same script call that appends each event, so the two never
disagree; this command shows it (``check``) or makes the records again from the log
(``rebuild``): after restoring keys from an older backup than the streams, after a bug, or
when upgrading from 1.1 (whose records had another layout).

    python -m shared.log.records check      # 0: equal; 1: different (keys printed); 2: error
    python -m shared.log.records rebuild    # stop registration and approval first

Reads ``REDIS_URL`` (or ``REDIS_SENTINELS``...) and ``STREAM_PREFIX`` like the services.
Idempotency records are not in the log (a request's key is not part of its event), nor
are portal sessions, parked-entry markers or the replication fence: both verbs leave them
alone. ``rebuild`` writes every derived key, deletes the
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

from shared.domain.events import (
    AnyEvent,
    CommitteesPublished,
    RegistrationData,
    RosterPublished,
    TaskFact,
    YearClosed,
)
from shared.domain.lifecycle import TaskState, TaskStatus, fold
from shared.domain.people import key
from shared.domain.programme import YearState, evolve_year
from shared.edge.settings import ServiceSettings
from shared.log.connection import connect_sync
from shared.log.eventlog import MalformedEvent, decode, text
from shared.log.keys import Keys
from shared.log.store import POSITIONS

EQUAL, DIFFERENT, FAILED = 0, 1, 2
PAGE = 10_000
_ENCODE = msgspec.json.Encoder().encode
_STATE = msgspec.json.Decoder(TaskState)
_YEAR = msgspec.json.Decoder(YearState)

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
    """Every event of every stream with its position, each stream in its order, and the
    number of entries that do not decode (reporting parks those; no writer of ours wrote
    them)."""
    events, unreadable = [], 0
    for stream, types in keys.stream_types.items():
        start = "-"
        while page := cast("list[Any]", client.xrange(stream, min=start, max="+", count=PAGE)):
            for entry_id, fields in page:
                try:
                    events.append((text(entry_id), decode(fields, types)))
                except MalformedEvent:
                    unreadable += 1
            start = "(" + text(page[-1][0])
    return events, unreadable


def derive(keys: Keys, events: Sequence[tuple[str, AnyEvent]]) -> Records:
    """The records the writers would have made, writing these events (each stream's events
    in its order, as ``read_log`` gives them)."""
    derived = Records()
    years: dict[int, tuple[YearState, dict[str, str]]] = {}
    by_task: dict[str, list[tuple[str, AnyEvent]]] = defaultdict(list)
    for position, event in events:
        data = event.data
        if isinstance(data, RosterPublished | CommitteesPublished | YearClosed):
            state, positions = years.get(data.year, (YearState(year=data.year), {}))
            new = evolve_year(state, event)
            kind = {"RosterPublished": "roster", "CommitteesPublished": "committees"}
            name = POSITIONS[kind.get(event.type, "closure")]
            if new.closure_event == event.id or event.type in kind:
                positions[name] = position
            years[data.year] = (new, positions)
        elif isinstance(data, RegistrationData | TaskFact):
            by_task[data.task_id].append((position, event))
    for number, (year, positions) in years.items():
        record = {"state": _ENCODE(year).decode(), "version": str(year.version)}
        derived.hashes[keys.year(number)] = record | positions
    holdings: dict[tuple[int, str], set[str]] = defaultdict(set)
    for task_id, located in by_task.items():
        task = fold(event for _, event in located)
        if task is None:  # events of a task never registered: no writer of ours made them
            continue
        where = {event.id: position for position, event in located}
        derived.hashes[keys.task(task_id)] = {
            "state": _ENCODE(task).decode(),
            "version": str(task.version),
            "basis_position": where[task.basis],
        }
        if task.live:
            holdings[(task.year, key(task.registrant.id))].add(task_id)
        if task.status is TaskStatus.pending:
            score = float(int(task.registered_at.timestamp() * 1000))
            derived.queues[keys.pending(task.year)][task_id] = score
    for (number, registrant), live in holdings.items():
        derived.hashes[keys.holdings(number, registrant)] = {"tasks": live}
    return derived


def patterns(keys: Keys) -> list[str]:
    """The keys the writers' records live under (idempotency records, the records of written
    positions and portal sessions excluded)."""
    return [
        keys.task("*"),
        keys.private("year", "*"),
        keys.private("holdings", "*"),
        keys.private("pending", "*"),
        # the records of 1.1, which a rebuild replaces
        keys.private("slots", "*"),
        keys.private("roster", "*"),
        keys.private("closed-years"),
    ]


def held(client: redis.Redis, keys: Keys) -> Records:
    """What Redis holds under the writers' keys now."""
    found = Records()
    for pattern in patterns(keys):
        for name in client.scan_iter(match=pattern, count=1_000):
            name, kind = text(name), text(client.type(name))
            if kind == "hash":
                fields = {text(k): text(v) for k, v in client.hgetall(name).items()}
                found.hashes[name] = _held_record(fields)
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


def _held_record(fields: dict[str, str]) -> dict[str, Any]:
    """A record as Redis holds it, comparable with a derived one: a holdings record is its
    set of tasks (its version counts the writes that moved it, which the log does not say)."""
    if "tasks" in fields:
        try:
            return {"tasks": set(json.loads(fields["tasks"]))}
        except ValueError:
            return fields
    return fields


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record with its state decoded (equal states, however they were encoded)."""
    if "state" not in record:
        return record
    decoder = _YEAR if "basis_position" not in record else _STATE
    try:
        return record | {"state": decoder.decode(record["state"])}
    except msgspec.DecodeError:
        return record


def write(client: redis.Redis, derived: Records, current: Records) -> None:
    """Make Redis hold exactly the derived records under the writers' keys."""
    pipe = client.pipeline(transaction=False)
    for count, name in enumerate(current.names() | derived.names(), start=1):
        pipe.delete(name)
        if name in derived.hashes:
            values = {
                field: value if isinstance(value, str) else json.dumps(sorted(value))
                for field, value in derived.hashes[name].items()
            }  # a holdings record's tasks: a JSON list
            if "tasks" in values:  # its version starts again: the writers are stopped
                values["version"] = str(int(current.hashes.get(name, {}).get("version", 0)) + 1)
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
        for stream in keys.stream_keys
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
    client = connect_sync(settings.redis)
    try:
        return run(client, Keys(settings.stream_prefix), args.verb, out)
    except Exception as error:  # whatever failed, it is not a difference
        out.write(f"FAILED: {type(error).__name__}: {error}\n")
        return FAILED
    finally:
        client.close()


if __name__ == "__main__":
    raise SystemExit(main())
