"""Where the services that write keep each task's state: a record beside the log, moved by the
same script call that appends the task's event (``commit.lua``), so the two never disagree.

A record (``{prefix}:task:<id>``, a hash) holds the task's state (``TaskState`` as JSON), its
version (the number of its events), its status, and its last event's id and position. Beside
them, under the same hash tag: each registrant's live tasks of a year (their quota), each
year's pending queue (scored by registration time), the closed years, and the idempotency
records. ``execute`` is the one way a command is carried out: read the state, ``decide``,
``evolve``, and commit if nothing moved meanwhile (otherwise decide again on the new state).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import msgspec

from shared.domain.events import AnyEvent, Event, RosterPublished, YearClosed, encode
from shared.domain.lifecycle import (
    LIVE,
    Command,
    Context,
    Register,
    TaskState,
    TaskStatus,
    decide,
    evolve,
)
from shared.domain.people import key
from shared.domain.programme import Roster
from shared.domain.refusals import Conflict
from shared.log.eventlog import EventLog, text

COMMIT = files(__package__).joinpath("commit.lua").read_text(encoding="utf-8")
ATTEMPTS = 8

# KEYS: 1 closed years, 2 the year's roster (hash), 3 the roster stream
# ARGV: 1 year, 2 roster data, 3 type, 4 event document, 5 event id
# Answers {'ok', event id, position}: of this call's event, or of the roster in force when
# it is the same roster (a PUT of what is already there writes nothing)
PUBLISH_ROSTER = """
local current = redis.call('HMGET', KEYS[2], 'event_id', 'position', 'data')
if current[1] == ARGV[5] then return {'ok', current[1], current[2]} end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'closed', ARGV[1]} end
if current[3] == ARGV[2] then return {'ok', current[1], current[2]} end
local position = redis.call('XADD', KEYS[3], '*', 'type', ARGV[3], 'event', ARGV[4])
redis.call('HSET', KEYS[2], 'data', ARGV[2], 'event_id', ARGV[5], 'position', position)
return {'ok', ARGV[5], position}
"""

# KEYS: 1 closed years, 2 the years stream. ARGV: 1 year, 2 type, 3 event document, 4 event id
CLOSE_YEAR = """
local closed = redis.call('HGET', KEYS[1], ARGV[1])
if closed then
  local earlier = cjson.decode(closed)
  if earlier.event_id == ARGV[4] then return {'ok', earlier.position} end
  return {'closed', ARGV[1]}
end
local position = redis.call('XADD', KEYS[2], '*', 'type', ARGV[2], 'event', ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({event_id = ARGV[4], position = position}))
return {'ok', position}
"""
_STATE = msgspec.json.Decoder(TaskState)
_ROSTER = msgspec.json.Decoder(RosterPublished)
_ENCODE = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class Loaded:
    """A task's state as read, its version (0: no such task), and the position in the log of
    the event its registration as it stands comes from (registration or last amendment)."""

    task_id: str
    state: TaskState | None
    version: int
    basis_position: str = ""


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


class Closed(Conflict):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"year {year} is closed: nothing more is written for it", code="year_closed", year=year
        )


class QuotaExceeded(Conflict):
    def __init__(self, registrant: str, year: int, quota: int) -> None:
        super().__init__(
            f"registrant {registrant!r} already holds {quota} live (pending, returned or "
            f"approved) tasks for {year}; a withdrawn or rejected task frees its slot",
            code="quota",
            quota=quota,
        )


class IdempotencyConflict(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was already used with a different body; use a new key",
            code="idempotency_key_reused",
        )


class TaskStore:
    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.redis = log.redis
        self.keys = log.keys
        self._commit = log.script(COMMIT)
        self._rosters: dict[int, tuple[str, Roster | None]] = {}

    async def load(self, task_ids: Sequence[str]) -> list[Loaded]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for task_id in task_ids:
                pipe.hmget(self.keys.task(task_id), ["state", "version", "basis_position"])
            replies = await pipe.execute() if task_ids else []
        return [
            Loaded(
                task_id,
                _STATE.decode(state) if state else None,
                int(version or 0),
                text(basis) if basis else "",
            )
            for task_id, (state, version, basis) in zip(task_ids, replies, strict=True)
        ]

    async def pending(self, year: int) -> list[Loaded]:
        """The year's tasks waiting for a decision, oldest registration first."""
        task_ids = [
            text(member) for member in await self.redis.zrange(self.keys.pending(year), 0, -1)
        ]
        return [loaded for loaded in await self.load(task_ids) if loaded.state is not None]

    async def roster(self, year: int, *, fresh: bool = False) -> tuple[str, Roster | None]:
        """The roster in force for ``year`` (None if none was published) and its event id
        ("" for none). Kept once read: a commit that relied on it checks, atomically, that
        it is still the one in force (``roster_id``), and ``execute`` reads it again if not."""
        if fresh or year not in self._rosters:
            data, event_id = await self.redis.hmget(self.keys.roster(year), ["data", "event_id"])
            roster = None if data is None else Roster.of(_ROSTER.decode(data))
            self._rosters[year] = (text(event_id) if event_id else "", roster)
        return self._rosters[year]

    async def publish_roster(self, event: Event[RosterPublished]) -> tuple[str, str]:
        """Append the roster and make it the year's, unless the year is closed or it is the
        roster in force already; the roster's event id and position."""
        data = event.data
        outcome, *value = await self.log.script(PUBLISH_ROSTER)(
            keys=[
                self.keys.closed_years,
                self.keys.roster(data.year),
                self.keys.stream(event.type),
            ],
            args=[data.year, _ENCODE(data), event.type, encode(event), event.id],
        )
        if outcome == b"closed":
            raise Closed(data.year)
        event_id, position = text(value[0]), text(value[1])
        self._rosters.pop(data.year, None)
        if event_id == event.id:
            self.log.metrics.appended(event.type).inc()
        return event_id, position

    async def close_year(self, event: Event[YearClosed]) -> str:
        """Append the year's closure, unless it is closed already."""
        outcome, value = await self.log.script(CLOSE_YEAR)(
            keys=[self.keys.closed_years, self.keys.stream(event.type)],
            args=[event.data.year, event.type, encode(event), event.id],
        )
        if outcome == b"closed":
            raise Closed(event.data.year)
        self.log.metrics.appended(event.type).inc()
        return text(value)

    async def closed(self, year: int) -> bool:
        return bool(await self.redis.hexists(self.keys.closed_years, str(year)))

    async def earlier(self, request: Request | None) -> list[Answer] | None:
        """The first answer to this request's Idempotency-Key, if the key was used before
        (with another body: a conflict)."""
        if request is None:
            return None
        stored = await self.redis.get(request.record)
        return None if stored is None else _replayed(stored, request)

    async def commit(
        self,
        changes: Sequence[tuple[Loaded, AnyEvent, TaskState]],
        request: Request | None,
        quota: int,
        roster_id: str | None = None,
    ) -> list[Answer] | str:
        """Append each change's event and move its record, atomically; the commits, or
        "moved" when a task changed since it was read, or "roster" when the roster its
        registrations relied on (``roster_id``: its event id, "" for none) is no longer the
        one in force."""
        keys: list[str] = [
            self.keys.closed_years,
            request.record if request else self.keys.private("-"),
        ]
        args: list[str | bytes] = []
        plan: list[dict[str, Any]] = []

        def at(name: str) -> int:
            keys.append(name)
            return len(keys)

        def arg(value: str | bytes) -> int:
            args.append(value)
            return len(args) + 1

        for loaded, event, new in changes:
            old = loaded.state
            was_live = old is not None and old.status in LIVE
            was_pending = old is not None and old.status is TaskStatus.pending
            is_live, is_pending = new.status in LIVE, new.status is TaskStatus.pending
            plan.append(
                {
                    "task_id": new.task_id,
                    "year": new.year,
                    "record": at(self.keys.task(new.task_id)),
                    "expect": loaded.version,
                    "event_id": event.id,
                    "stream": at(self.keys.stream(event.type)),
                    "type": event.type,
                    "document": arg(encode(event)),
                    "state": arg(_ENCODE(new)),
                    "status": new.status.value,
                    "slots": at(self.keys.slots(new.year, key(new.registrant.id))),
                    "quota": quota if old is None else 0,
                    "slot": _move(was_live, is_live),
                    "pending": at(self.keys.pending(new.year)),
                    "queue": _move(was_pending, is_pending),
                    "score": str(int(new.registered_at.timestamp() * 1000)),
                    "basis": event.id == new.basis,
                }
            )
            if roster_id is not None:
                plan[-1] |= {"roster": at(self.keys.roster(new.year)), "roster_id": roster_id}
        document = {
            "idempotency": request.body_hash if request else False,
            "events": [[new.task_id, event.id, new.status.value] for _, event, new in changes],
            "tasks": plan,
        }
        outcome, value = await self._commit(keys=keys, args=[json.dumps(document), *args])
        verdict = text(outcome)
        if verdict == "ok":
            positions = json.loads(value)
            for _, event, _new in changes:
                self.log.metrics.appended(event.type).inc()
            return [
                Answer(new.task_id, event.id, new.status.value, position)
                for (_, event, new), position in zip(changes, positions, strict=True)
            ]
        if verdict == "replay":
            return "replay"
        if verdict == "closed":
            raise Closed(int(text(value)))
        if verdict == "quota":
            registrant = changes[0][2].registrant
            raise QuotaExceeded(registrant.id, changes[0][2].year, quota)
        return verdict  # "moved" or "roster"


def _move(before: bool, after: bool) -> str:
    return "add" if after and not before else "remove" if before and not after else ""


def _replayed(stored: bytes | str, request: Request) -> list[Answer]:
    record = json.loads(stored)
    if record["hash"] != request.body_hash:
        raise IdempotencyConflict
    return [
        Answer(event[0], event[1], event[2], position)
        for event, position in zip(record["events"], record["positions"], strict=True)
    ]


async def execute(
    store: TaskStore,
    commands: Sequence[tuple[str, Command]],
    context: Context,
    *,
    roster_year: int | None = None,
    request: Request | None = None,
    quota: int = 0,
) -> list[Answer]:
    """Carry out commands on tasks, all or nothing: for each task, read its state, decide
    (with the roster of ``roster_year``, for a registration or an amendment), evolve;
    commit; if a task or the roster moved meanwhile, all over again on the new states. A
    request seen before answers its first answer again."""
    if (first := await store.earlier(request)) is not None:
        return first
    task_ids = [task_id for task_id, _ in commands]
    fresh = False
    for attempt in range(ATTEMPTS):
        if attempt == 0 and all(isinstance(command, Register) for _, command in commands):
            loaded = [Loaded(task_id, None, 0) for task_id in task_ids]  # new: nothing to read
        else:
            loaded = await store.load(task_ids)
        roster_id, roster = (None, None)
        if roster_year is not None:
            roster_id, roster = await store.roster(roster_year, fresh=fresh)
        changes = []
        for current, (_, command) in zip(loaded, commands, strict=True):
            event = decide(current.state, command, context, roster)
            new = evolve(current.state, event)
            assert new is not None
            changes.append((current, event, new))
        outcome = await store.commit(changes, request, quota, roster_id)
        if outcome == "replay":
            first = await store.earlier(request)
            assert first is not None
            return first
        if not isinstance(outcome, str):
            return outcome
        fresh = outcome == "roster"
        await asyncio.sleep(random.uniform(0, 0.001 * 2**attempt))  # noqa: S311 - jitter
    raise Conflict("the task keeps changing; try again", code="busy")
