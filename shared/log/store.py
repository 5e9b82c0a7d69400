"""Where the writing services keep what ``decide`` reads, beside the log, and how a command is
carried out: read, decide, evolve, and commit only if nothing read has moved.

Records (under the one hash tag ``{<prefix>}``), each with the version it was read at:

- ``task:<id>``: the task's state (``TaskState`` as JSON), its version (its events' count),
  and the position of the registration as it stands;
- ``year:<year>``: the year's programme (``YearState``: roster, committees, closure), its
  version, and the positions of the roster, committees and closure in force;
- ``holdings:<year>:<registrant>``: the registrant's live tasks of the year (the quota);
- ``pending:<year>``: the year's tasks waiting for a decision (a sorted set, by registration);
- ``idempotency:<digest>``: a request's body hash and first answer.

``commit.lua`` appends the events and writes the records in one step, after checking that
every version read is still the one in Redis; a write that lost a race is decided again on
the new state. With ``WRITE_REPLICAS``, the answer waits until that many replicas hold the
write (``WAIT``, on the connection that made it).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import msgspec
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from shared.domain.context import Context
from shared.domain.events import AnyEvent, encode
from shared.domain.lifecycle import (
    Amend,
    Command,
    Holdings,
    Register,
    Situation,
    TaskState,
    TaskStatus,
    decide,
    evolve,
    refused_batch,
)
from shared.domain.people import key
from shared.domain.programme import (
    PublishCommittees,
    PublishRoster,
    YearCommand,
    YearState,
    decide_year,
    evolve_year,
)
from shared.domain.refusals import Conflict, Refusal

from .eventlog import EventLog, text
from .keys import Keys, digest

COMMIT = files(__package__).joinpath("commit.lua").read_text(encoding="utf-8")
# KEYS: 1 the leader's reminder record. ARGV: 1 today (ISO). Claims today's reminder: 1, or
# 0 when one was claimed today already.
CLAIM = """
if redis.call('HGET', KEYS[1], 'day') == ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'before', redis.call('HGET', KEYS[1], 'day') or '', 'day', ARGV[1])
return 1
"""
# KEYS: 1 the record. ARGV: 1 today. Gives a claim back (its mail was not accepted).
RELEASE = """
if redis.call('HGET', KEYS[1], 'day') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'day', redis.call('HGET', KEYS[1], 'before') or '')
end
return 1
"""
ATTEMPTS = 8
POSITIONS = {
    "roster": "roster_position",
    "committees": "committees_position",
    "closure": "closure_position",
}
_STATE = msgspec.json.Decoder(TaskState)
_YEAR = msgspec.json.Decoder(YearState)
_ENCODE = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class Answer:
    """What a write answers of one task: its event, where the log put it, the task's status."""

    task_id: str
    event_id: str
    status: str
    position: str


@dataclass(frozen=True, slots=True)
class Request:
    """An idempotent request: its record's key (scoped to caller, route and task) and the
    hash of its body; ``None`` when the request carries no Idempotency-Key."""

    record: str
    body_hash: str


class IdempotencyConflict(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was already used with a different body; use a new key",
            code="idempotency_key_reused",
        )


@dataclass(frozen=True, slots=True)
class Stored:
    """A task as a writer keeps it: its state and the position of its registration as it
    stands (what ``GET /tasks/{id}`` answers with)."""

    state: TaskState
    position: str


@dataclass
class Plan:
    """What one call of ``commit.lua`` checks, appends and writes."""

    keys: list[str] = field(default_factory=list)
    args: list[bytes | str] = field(default_factory=list)
    checks: list[list[Any]] = field(default_factory=list)
    appends: list[list[Any]] = field(default_factory=list)
    writes: list[list[Any]] = field(default_factory=list)
    _checked: set[str] = field(default_factory=set)

    def key(self, name: str) -> int:
        if name not in self.keys:
            self.keys.append(name)
        return self.keys.index(name) + 1

    def arg(self, value: bytes | str) -> dict[str, int]:
        self.args.append(value)
        return {"arg": len(self.args) + 1}

    def check(self, name: str, field_name: str, expected: int | str | None) -> None:
        """``field_name`` of ``name`` must still be ``expected`` (None: absent)."""
        if name not in self._checked:
            self._checked.add(name)
            value = "" if expected is None else str(expected)
            self.checks.append([self.key(name), field_name, value])

    def append(self, stream: str, event: AnyEvent) -> dict[str, int]:
        document = self.arg(encode(event))
        self.appends.append([self.key(stream), event.type, document["arg"]])
        return {"position": len(self.appends)}

    def hset(self, name: str, **values: Any) -> None:
        self.writes.append(["hset", self.key(name), *[x for pair in values.items() for x in pair]])

    def zadd(self, name: str, score: int, member: str) -> None:
        self.writes.append(["zadd", self.key(name), score, member])

    def zrem(self, name: str, member: str) -> None:
        self.writes.append(["zrem", self.key(name), member])

    def call(self, written: str) -> tuple[list[str], list[bytes | str]]:
        document = {
            "written": self.key(written),
            "checks": self.checks,
            "appends": self.appends,
            "writes": self.writes,
        }
        return self.keys, [json.dumps(document), *self.args]


class Store:
    """The writers' records beside the log. With WRITE_REPLICAS, what a write decides on and
    what it writes are confirmed by that many replicas before it is answered (the log's
    ``replicated`` and ``replicated_reads``: ``shared.log.replication``)."""

    def __init__(self, log: EventLog, *, quota: int = 2) -> None:
        self.log = log
        self.redis: Redis = log.redis
        self.keys: Keys = log.keys
        self.quota = quota
        self._commit = log.script(COMMIT)
        self._claim = log.script(CLAIM)
        self._release = log.script(RELEASE)

    # reads

    async def tasks(self, task_ids: Sequence[str]) -> dict[str, Stored]:
        """The tasks that exist among ``task_ids``."""

        def read(pipe: Pipeline) -> None:
            for task_id in task_ids:
                pipe.hmget(self.keys.task(task_id), ["state", "basis_position"])

        replies = await self.log.replicated_reads(read) if task_ids else []
        return {
            task_id: Stored(_STATE.decode(state), text(position or b""))
            for task_id, (state, position) in zip(task_ids, replies, strict=True)
            if state is not None
        }

    async def years(self, numbers: Sequence[int]) -> dict[int, YearState]:
        def read(pipe: Pipeline) -> None:
            for number in numbers:
                pipe.hget(self.keys.year(number), "state")

        replies = await self.log.replicated_reads(read) if numbers else []
        return {
            number: _YEAR.decode(raw) if raw else YearState(year=number)
            for number, raw in zip(numbers, replies, strict=True)
        }

    async def year(self, number: int) -> YearState:
        return (await self.years([number]))[number]

    async def holdings(self, wanted: Sequence[tuple[int, str]]) -> dict[tuple[int, str], Held]:
        """The live tasks of each (year, registrant)."""

        def read(pipe: Pipeline) -> None:
            for year, registrant in wanted:
                pipe.hmget(self.keys.holdings(year, registrant), ["tasks", "version"])

        replies = await self.log.replicated_reads(read) if wanted else []
        return {
            pair: Held(tuple(json.loads(tasks)) if tasks else (), int(version or 0))
            for pair, (tasks, version) in zip(wanted, replies, strict=True)
        }

    async def pending(self, year: int) -> list[Stored]:
        """The year's tasks waiting for a decision, oldest registration first."""
        members = await self.redis.zrange(self.keys.pending(year), 0, -1)
        ids = [text(member) for member in members]
        found = await self.tasks(ids)
        return [found[task_id] for task_id in ids if task_id in found]

    async def position(self, year: int, kind: str) -> str:
        """Where the roster or committees in force of ``year`` are in the log."""
        found = await self.redis.hget(self.keys.year(year), POSITIONS[kind])
        return text(found) if found else ""

    # writes

    async def replay(self, request: Request | None) -> list[Answer] | None:
        """The first answer to this request's Idempotency-Key, if the key was used before
        (with another body: a conflict); answered once it is replicated, like any write."""
        if request is None:
            return None
        [stored] = await self.log.replicated_reads(
            lambda pipe: pipe.hmget(request.record, ["hash", "answers", "positions"])
        )
        if stored[0] is None:
            return None
        if text(stored[0]) != request.body_hash:
            raise IdempotencyConflict
        answers, positions = json.loads(stored[1] or "[]"), json.loads(stored[2] or "[]")
        return [
            Answer(task_id, event_id, status, position)
            for (task_id, event_id, status), position in zip(answers, positions, strict=True)
        ]

    async def commit(self, plan: Plan, *, written: str) -> list[str] | None:
        """Run the plan; the positions of its events, or None if something read moved.
        ``written`` (the first event's id) names the record of where the events went, which
        answers the same call made again (a client library retrying after a lost reply)."""
        keys, args = plan.call(self.keys.private("written", written))
        outcome = await self.log.replicated(self._commit, keys, args)
        verdict, value = text(outcome[0]), text(outcome[1])
        if verdict == "moved":
            return None
        for _, type_, _ in plan.appends:
            self.log.metrics.appended(type_).inc()
        positions: list[str] = json.loads(value)
        return positions

    async def claim_reminder(self, year: int, kind: str, leader: str, today: str) -> bool:
        """Claim today's reminder of ``kind`` to ``leader``: False when one was claimed today
        already (a reminder goes once a day at most)."""
        record = self.keys.private("reminded", year, kind, digest(leader))
        return bool(await self._claim(keys=[record], args=[today]))

    async def release_reminder(self, year: int, kind: str, leader: str, today: str) -> None:
        """Give a claim back: its mail was not accepted."""
        record = self.keys.private("reminded", year, kind, digest(leader))
        await self._release(keys=[record], args=[today])

    async def append(self, event: AnyEvent) -> str:
        """Append an event that no record depends on (a reminder sent); its position."""
        plan = Plan()
        plan.append(self.keys.stream(event.type), event)
        positions = await self.commit(plan, written=event.id)
        assert positions is not None
        return positions[0]


@dataclass(frozen=True, slots=True)
class Held:
    """A registrant's live tasks of a year as read, and the record's version."""

    tasks: tuple[str, ...]
    version: int


@dataclass
class Reads:
    """What one attempt read for its commands, with the versions the commit checks."""

    tasks: dict[str, Stored]
    years: dict[int, YearState]
    held: dict[tuple[int, str], Held]

    def situation(self, task_id: str, command: Command, quota: int) -> Situation:
        stored = self.tasks.get(task_id)
        state = None if stored is None else stored.state
        if isinstance(command, Register):
            year, registrant = command.registration.year, command.registration.registrant_id
        elif state is not None:
            year, registrant = state.year, state.registrant.id
        else:  # no such task: decide says so
            return Situation(task=None, year=YearState(year=0))
        held = self.held.get((year, key(registrant)), Held((), 0))
        continues = (
            command.registration.continues if isinstance(command, Register | Amend) else None
        )
        continued = self.tasks.get(continues) if continues else None
        return Situation(
            task=state,
            year=self.years[year],
            holdings=Holdings(held.tasks, quota),
            continued=None if continued is None else continued.state,
        )


async def read(store: Store, commands: Sequence[tuple[str, Command]]) -> Reads:
    """The tasks, years and holdings the commands' decisions read (two round trips)."""
    wanted = [task_id for task_id, command in commands if not isinstance(command, Register)]
    wanted += [
        command.registration.continues
        for _, command in commands
        if isinstance(command, Register | Amend) and command.registration.continues
    ]
    tasks = await store.tasks(wanted)
    pairs: list[tuple[int, str]] = []
    for task_id, command in commands:
        if isinstance(command, Register):
            pairs.append((command.registration.year, key(command.registration.registrant_id)))
        elif task_id in tasks:
            state = tasks[task_id].state
            pairs.append((state.year, key(state.registrant.id)))
    unique = list(dict.fromkeys(pairs))
    years, held = await asyncio.gather(
        store.years(list(dict.fromkeys(year for year, _ in unique))), store.holdings(unique)
    )
    return Reads(tasks, years, held)


async def execute(
    store: Store,
    commands: Sequence[tuple[str, Command]],
    context: Context,
    *,
    request: Request | None = None,
) -> list[Answer]:
    """Carry out commands on tasks, all or nothing: read, decide, evolve, commit; if anything
    read moved meanwhile, all over again. A request seen before answers its first answer."""
    if (first := await store.replay(request)) is not None:
        return first
    keys = store.keys
    for attempt in range(ATTEMPTS):
        reads = await read(store, commands)
        plan, answers = Plan(), []
        holdings: dict[tuple[int, str], tuple[str, ...]] = {}
        decided, refused = [], []
        for task_id, command in commands:
            situation = reads.situation(task_id, command, store.quota)
            try:
                decided.append((situation, decide(situation, command, context), command))
            except Refusal as why:
                refused.append((task_id, why))
        if refused:
            raise refused[0][1] if len(commands) == 1 else refused_batch(refused)
        for situation, event, command in decided:
            old, new = situation.task, evolve(situation.task, event)
            assert new is not None
            year = situation.year
            plan.check(keys.year(year.year), "version", year.version or None)
            record = keys.task(new.task_id)
            plan.check(record, "version", None if old is None else old.version)
            if situation.continued is not None:
                continued = situation.continued
                plan.check(keys.task(continued.task_id), "version", continued.version)
            where = plan.append(keys.stream(event.type), event)
            fields: dict[str, Any] = {"state": plan.arg(_ENCODE(new)), "version": new.version}
            if new.basis == event.id:
                fields["basis_position"] = where
            plan.hset(record, **fields)
            _queue(plan, keys, old, new)
            holder = (new.year, key(new.registrant.id))
            live = holdings.get(holder, reads.held[holder].tasks)
            moved = _holdings(live, old, new)
            if moved is not None or isinstance(command, Register):
                plan.check(keys.holdings(*holder), "version", reads.held[holder].version or None)
            if moved is not None:
                holdings[holder] = moved
            answers.append((new.task_id, event.id, new.status.value))
        for holder, live in holdings.items():
            plan.hset(
                keys.holdings(*holder),
                tasks=json.dumps(list(live)),
                version=reads.held[holder].version + 1,
            )
        if request is not None:
            plan.check(request.record, "hash", None)
            plan.hset(
                request.record,
                hash=request.body_hash,
                answers=json.dumps(answers),
                positions={"positions": True},
            )
        positions = await store.commit(plan, written=answers[0][1])
        if positions is not None:
            return [
                Answer(*answer, position)
                for answer, position in zip(answers, positions, strict=True)
            ]
        if (first := await store.replay(request)) is not None:
            return first  # the same request, committed meanwhile by a retry
        await asyncio.sleep(random.uniform(0, 0.001 * 2**attempt))  # noqa: S311 - jitter
    raise Conflict("the task keeps changing; try again", code="busy")


def _queue(plan: Plan, keys: Keys, old: TaskState | None, new: TaskState) -> None:
    was = old is not None and old.status is TaskStatus.pending
    now = new.status is TaskStatus.pending
    if now and not was:
        plan.zadd(keys.pending(new.year), int(new.registered_at.timestamp() * 1000), new.task_id)
    elif was and not now:
        plan.zrem(keys.pending(new.year), new.task_id)


def _holdings(
    live: tuple[str, ...], old: TaskState | None, new: TaskState
) -> tuple[str, ...] | None:
    """The registrant's live tasks after the change, or None when it changes none."""
    was, now = old is not None and old.live, new.live
    if now and not was:
        return (*live, new.task_id)
    if was and not now:
        return tuple(task for task in live if task != new.task_id)
    return None


async def execute_year(
    store: Store,
    year: int,
    command: YearCommand,
    context: Context,
    *,
    request: Request | None = None,
) -> tuple[str, str]:
    """Carry out an admin's command about a year; the event id and position of what is in
    force after it (a roster or committees sent again as they are write nothing). A request
    seen before answers its first answer."""
    if (first := await store.replay(request)) is not None:
        return first[0].event_id, first[0].position
    keys, kind = store.keys, _kind(command)
    for attempt in range(ATTEMPTS):
        state = await store.year(year)
        event = decide_year(state, command, context)
        if event is None:
            current = state.roster_event if kind == "roster" else state.committees_event
            assert current is not None
            return current, await store.position(year, kind)
        new = evolve_year(state, event)
        plan = Plan()
        record = keys.year(year)
        plan.check(record, "version", state.version or None)
        where = plan.append(keys.stream(event.type), event)
        plan.hset(
            record, state=plan.arg(_ENCODE(new)), version=new.version, **{POSITIONS[kind]: where}
        )
        if request is not None:
            plan.check(request.record, "hash", None)
            answers = [[f"year-{year}", event.id, kind]]
            plan.hset(
                request.record,
                hash=request.body_hash,
                answers=json.dumps(answers),
                positions={"positions": True},
            )
        positions = await store.commit(plan, written=event.id)
        if positions is not None:
            return event.id, positions[0]
        if (first := await store.replay(request)) is not None:
            return first[0].event_id, first[0].position
        await asyncio.sleep(random.uniform(0, 0.001 * 2**attempt))  # noqa: S311 - jitter
    raise Conflict("the year keeps changing; try again", code="busy")


def _kind(command: YearCommand) -> str:
    if isinstance(command, PublishRoster):
        return "roster"
    if isinstance(command, PublishCommittees):
        return "committees"
    return "closure"
