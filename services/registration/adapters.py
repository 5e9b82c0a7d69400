"""Registration's state in Redis, written atomically with the events it appends.

Every key here sits in the hash-tag slot of the ``tasks:registered`` stream:

- ``{<prefix>:tasks:registered}:task:<task_id>``: hash with the registration event, its
  position and the task's status (pending / approved / rejected);
- ``{...}:live:<year>:<registrant id>``: set of the registrant's live task ids that year;
- ``{...}:idempotency:<sha256 of the key>``: the first answer to an ``Idempotency-Key``.

The register script checks the idempotency record and the quota, appends the event and
updates the state in one step, so replicas cannot overshoot the quota together. Run twice
for the same event (a client retry after a lost reply), it answers the first run's position.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.eventlog import EventLog, text
from shared.events import CloudEvent, TaskApproved, TaskRegistered, TaskRejected
from shared.idempotency import Appended, record_key, replay
from shared.tasks import KnownTask, TaskStatus, known_task

from .domain import QuotaExceeded, quota_message, status_after

# KEYS: 1 stream, 2 live set, 3 task hash, 4 idempotency record
# ARGV: 1 type, 2 event document, 3 task id, 4 max live tasks, 5 "1" to use the record,
#       6 body hash, 7 event id
REGISTER = """
if ARGV[5] == '1' then
  local seen = redis.call('GET', KEYS[4])
  if seen then return {'replay', seen} end
end
if redis.call('HGET', KEYS[3], 'event_id') == ARGV[7] then
  return {'ok', redis.call('HGET', KEYS[3], 'position')}
end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {'quota', ''} end
local position = redis.call('XADD', KEYS[1], '*', 'type', ARGV[1], 'event', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], 'event', ARGV[2], 'position', position, 'event_id', ARGV[7])
redis.call('HSETNX', KEYS[3], 'status', 'pending')
if ARGV[5] == '1' then
  redis.call('SET', KEYS[4], cjson.encode({hash=ARGV[6], event_id=ARGV[7],
    position=position, subject=ARGV[3]}))
end
return {'ok', position}
"""

# KEYS: the batch's n task hashes, then the live sets of its rejected tasks
# ARGV: 1 n, then per decision its status and event id, then per rejection its task id
RECORD_DECISIONS = """
local n = tonumber(ARGV[1])
for i = 1, n do
  redis.call('HSET', KEYS[i], 'status', ARGV[2 * i], 'decision', ARGV[2 * i + 1])
end
for j = n + 1, #KEYS do
  redis.call('SREM', KEYS[j], ARGV[n + j + 1])
end
return n
"""

Decision = CloudEvent[TaskApproved] | CloudEvent[TaskRejected]


class RegistrationStore:
    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.redis = log.redis
        self.stream = log.keys.registered
        self._register = log.script(REGISTER)
        self._record = log.script(RECORD_DECISIONS)

    def task_key(self, task_id: str) -> str:
        return self.log.keys.tagged(self.stream, "task", task_id)

    def live_key(self, year: int, registrant_id: str) -> str:
        return self.log.keys.tagged(self.stream, "live", year, registrant_id)

    async def live_tasks(self, year: int, registrant_id: str) -> int:
        return int(await self.redis.scard(self.live_key(year, registrant_id)))

    async def earlier_answer(self, idempotency_key: str, request_hash: str) -> Appended | None:
        """The first answer for this key, if any (raises on a reuse with another body)."""
        stored = await self.redis.get(record_key(self.log.keys, self.stream, idempotency_key))
        return replay(stored, request_hash) if stored else None

    async def register(
        self,
        event: CloudEvent[TaskRegistered],
        *,
        max_tasks: int,
        idempotency_key: str | None,
        request_hash: str,
    ) -> Appended:
        data = event.data
        outcome, value = await self._register(
            keys=[
                self.stream,
                self.live_key(data.year, data.registrant.id),
                self.task_key(data.task_id),
                record_key(self.log.keys, self.stream, idempotency_key),
            ],
            args=[
                event.type,
                event.model_dump_json(),
                data.task_id,
                max_tasks,
                "1" if idempotency_key else "0",
                request_hash,
                event.id,
            ],
        )
        if outcome == b"replay":
            return replay(value, request_hash)
        if outcome == b"quota":
            raise QuotaExceeded(quota_message(data.registrant.id, data.year, max_tasks))
        self.log.appended(event)
        return Appended(event.id, text(value), data.task_id)

    async def find(self, task_id: str) -> KnownTask | None:
        return known_task(await self.redis.hgetall(self.task_key(task_id)))

    async def record_decisions(self, decisions: Sequence[Decision]) -> None:
        """Follow decisions: set each task's status; a rejection frees the quota slot.

        One script call for the batch, after reading the registrations of its rejected
        tasks (whose live set is named by the registrant and year). Idempotent: setting a
        status and removing from a set twice changes nothing.
        """
        rejected = [d for d in decisions if status_after(d.data) is TaskStatus.rejected]
        async with self.redis.pipeline(transaction=False) as reads:
            for decision in rejected:
                reads.hget(self.task_key(decision.data.task_id), "event")
            documents = await reads.execute() if rejected else []
        freed: list[tuple[str, str]] = []  # (live set, task id)
        for decision, document in zip(rejected, documents, strict=True):
            if document:
                registered = CloudEvent[TaskRegistered].model_validate_json(document).data
                live = self.live_key(registered.year, registered.registrant.id)
                freed.append((live, decision.data.task_id))
        keys = [self.task_key(d.data.task_id) for d in decisions] + [live for live, _ in freed]
        args: list[str | int] = [len(decisions)]
        for decision in decisions:
            args += [status_after(decision.data).value, decision.id]
        args += [task_id for _, task_id in freed]
        if decisions:
            await self._record(keys=keys, args=args)
