"""Approval's state in Redis: the registered tasks it follows and the decisions it made.

Keys sit in the hash-tag slot of the ``tasks:approved`` stream:

- ``{<prefix>:tasks:approved}:task:<task_id>``: hash with the task's pending-set member
  (which holds the position of its registration in ``tasks:registered``), the status and,
  once decided, the decision event id and position. The registration itself is read from
  the log at that position when asked for (a copy here cost Redis more than the rest of
  following a registration, and a kilobyte a task);
- ``{...}:pending:<year>``: undecided tasks in registration order: a sorted set of
  members ``<position, zero-padded>|<task id>`` all with score 0, so ordered by position.

The decide script checks "still pending", appends the decision and updates both keys in one
step, so two replicas never both decide a task; run twice for the same decision event (a
retry after a lost reply) it answers the first run's position. It also writes the
``tasks:rejected`` stream, which on Redis Cluster lives in another slot: a Cluster deployment
needs the rejection to go through an outbox in this slot (see the README's limits).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import structlog
from redis.asyncio import Redis

from shared.eventlog import EventLog, text
from shared.events import CloudEvent, StoredEvent, TaskRegistered
from shared.tasks import KnownTask, TaskStatus

from .domain import AlreadyDecided, Decision

logger = structlog.get_logger()

# KEYS[1] the year's pending set, KEYS[i + 1] task i's hash; ARGV[i] its pending-set member.
# One call per year a batch holds registrations of (usually one, a few at most).
NOTE_REGISTRATIONS = """
local noted = 0
for i = 1, #ARGV do
  if redis.call('HSETNX', KEYS[i + 1], 'member', ARGV[i]) == 1 then
    redis.call('HSET', KEYS[i + 1], 'status', 'pending')
    redis.call('ZADD', KEYS[1], 0, ARGV[i])
    noted = noted + 1
  end
end
return noted
"""

# KEYS: 1 task hash, 2 pending set, 3 the decision's stream
# ARGV: 1 status, 2 type, 3 event document, 4 task id, 5 event id
DECIDE = """
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'pending' then
  if redis.call('HGET', KEYS[1], 'decision') == ARGV[5] then
    return {'ok', redis.call('HGET', KEYS[1], 'decision_position')}
  end
  return {'decided', status or ''}
end
local position = redis.call('XADD', KEYS[3], '*', 'type', ARGV[2], 'event', ARGV[3])
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decision', ARGV[5], 'decision_position', position)
redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'member'))
return {'ok', position}
"""


def pending_member(position: str, task_id: str) -> str:
    """Sorts like the position: "12-3" before "12-10" before "100-0"."""
    ms, _, seq = position.partition("-")
    return f"{ms:0>15}-{seq or 0:0>10}|{task_id}"


def member_position(member: str) -> str:
    """The position a pending-set member was made from (``pending_member``'s inverse)."""
    ms, _, seq = member.partition("|")[0].partition("-")
    return f"{int(ms)}-{int(seq)}"


class ApprovalStore:
    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.redis: Redis = log.redis
        self.slot = log.keys.approved
        self._note = log.script(NOTE_REGISTRATIONS)
        self._decide = log.script(DECIDE)

    def task_key(self, task_id: str) -> str:
        return self.log.keys.tagged(self.slot, "task", task_id)

    def pending_key(self, year: int) -> str:
        return self.log.keys.tagged(self.slot, "pending", year)

    async def note_registrations(self, events: Iterable[StoredEvent]) -> None:
        """Follow registrations into the pending lists.

        Idempotent: a task already noted is left as it is, so a redelivered or re-injected
        registration (even at another position) neither duplicates nor reopens it.
        """
        by_year: dict[int, tuple[list[str], list[str]]] = {}  # task keys, members
        first: set[str] = set()  # a task twice in a batch: its first registration counts
        task_prefix = self.task_key("")
        for stored in events:
            data = stored.event.data
            assert isinstance(data, TaskRegistered)
            if data.task_id in first:
                continue
            first.add(data.task_id)
            keys, members = by_year.setdefault(data.year, ([], []))
            keys.append(task_prefix + data.task_id)
            members.append(pending_member(stored.position, data.task_id))
        for year, (keys, members) in by_year.items():
            await self._note(keys=[self.pending_key(year), *keys], args=members)

    async def find(self, task_id: str) -> KnownTask | None:
        fields = await self.redis.hgetall(self.task_key(task_id))
        if b"member" not in fields:
            return None
        position = member_position(text(fields[b"member"]))
        [registration] = await self.registrations([position])
        if registration is None:
            return None
        status = TaskStatus(text(fields.get(b"status", b"pending")))
        return KnownTask(registration=registration, position=position, status=status)

    async def pending(self, year: int) -> list[KnownTask]:
        """The year's undecided tasks in registration order."""
        members = await self.redis.zrange(self.pending_key(year), 0, -1)
        positions = [member_position(text(member)) for member in members]
        registrations = await self.registrations(positions)
        return [
            KnownTask(registration=registration, position=position, status=TaskStatus.pending)
            for position, registration in zip(positions, registrations, strict=True)
            if registration is not None
        ]

    async def registrations(
        self, positions: Sequence[str]
    ) -> list[CloudEvent[TaskRegistered] | None]:
        """The registrations at these positions of ``tasks:registered``, read in one round
        trip (None where the log no longer holds one: it was trimmed by hand)."""
        stream = self.log.keys.registered
        read = await self.log.read_at([(stream, "TaskRegistered", p) for p in positions])
        found: list[CloudEvent[TaskRegistered] | None] = []
        for position, stored in zip(positions, read, strict=True):
            if stored is None:
                logger.error("registration missing from the log", stream=stream, position=position)
            found.append(
                None if stored is None else cast("CloudEvent[TaskRegistered]", stored.event)
            )
        return found

    async def record(self, decision: Decision) -> str:
        """Append the decision if the task is still pending; its position in the log."""
        data = decision.data
        status = TaskStatus.approved if decision.type == "TaskApproved" else TaskStatus.rejected
        keys = self.log.keys
        outcome, value = await self._decide(
            keys=[
                self.task_key(data.task_id),
                self.pending_key(data.year),
                keys.approved if status is TaskStatus.approved else keys.rejected,
            ],
            args=[
                status.value,
                decision.type,
                decision.model_dump_json(),
                data.task_id,
                decision.id,
            ],
        )
        if outcome == b"decided":
            raise AlreadyDecided(f"task {data.task_id} is already {text(value) or 'decided'}")
        self.log.appended(decision)
        return text(value)
