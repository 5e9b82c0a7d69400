"""Acknowledged means replicated: with ``WRITE_REPLICAS`` > 0, a write is answered only once
that many replicas hold it, so that losing the primary (and a Sentinel promoting a replica)
loses no write that was answered ``2xx``.

Redis's ``WAIT n timeout`` blocks until ``n`` replicas acknowledged the replication offset
the connection reached, which is documented as that of *its own last write*, not of what it
read (Redis 7.0 moves it on reads too; a connection that has sent nothing yet is confirmed
at once). So:

- the script call, a write to the fence key and ``WAIT`` go down *one* connection, in one
  pipeline (one round trip);
- the fence is written whatever the script did: a script that wrote nothing (it found its
  own event there already, after a retry; or the request's first answer, an idempotent
  replay; or a refusal) leaves the connection's offset where it stood, maybe before the
  writes its answer rests on. The fence moves it to the primary's offset now, past every
  write the script saw. So every answer, a refusal or a replay too, is given only once what
  it rests on is on ``n`` replicas;
- a stored answer read again (``Idempotency-Key``), and the state a write decides on (the
  task records, the roster), are read, fenced and waited for on one connection likewise
  (``replicated_reads``): a primary that was cut off and is back before the Sentinels
  demoted it still answers reads, but no replica follows it, so nothing it alone holds
  (not "no such task", not "already decided", not "key never used") becomes an answer.

When ``WAIT`` falls short, the write may be on the primary only: ``NotReplicated`` says so.
A retry with the same ``Idempotency-Key`` is safe: if the write was kept, its first answer
comes back (once replicated); if it was lost with the primary, it is written once, now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

RETRY_AFTER = 1
"""Seconds a client is told to wait before retrying a write that was not replicated."""


@dataclass(frozen=True, slots=True)
class Replication:
    """``replicas``: how many replicas must hold a write before it is answered (0: none,
    answered once the primary has it); ``timeout_ms``: how long to wait for them."""

    replicas: int = 0
    timeout_ms: int = 1000


class NotReplicated(Exception):
    """Fewer replicas than required acknowledged the write in time: it may have been kept
    (on the primary, maybe on some replicas) or not; retrying with the same
    Idempotency-Key is safe."""

    retry_after = RETRY_AFTER

    def __init__(self, wanted: int, reached: int, timeout_ms: int) -> None:
        self.wanted, self.reached, self.timeout_ms = wanted, reached, timeout_ms
        super().__init__(
            f"the write reached the primary, but {reached} of the {wanted} replica(s) "
            f"required (WRITE_REPLICAS) confirmed it within {timeout_ms} ms: it may or may "
            "not have been kept. Retrying with the same Idempotency-Key is safe: it is "
            "never recorded twice"
        )


async def replicated_call(
    redis: Redis,
    script: AsyncScript,
    keys: Sequence[str],
    args: Sequence[Any],
    replication: Replication,
    fence: str,
) -> Any:
    """The script's reply, once ``replication.replicas`` replicas hold what it wrote and
    read; ``NotReplicated`` otherwise. Without replicas required: the plain script call."""
    if not replication.replicas:
        return await script(keys=keys, args=args)

    def call(pipe: Pipeline) -> None:
        pipe.evalsha(script.sha, len(keys), *keys, *args)

    try:
        return await replicated_read(redis, replication, fence, call)
    except NoScriptError:  # a Redis restarted or failed over: load it, then once more
        await redis.script_load(script.script)
        return await replicated_read(redis, replication, fence, call)


async def replicated_read(
    redis: Redis, replication: Replication, fence: str, read: Callable[[Pipeline], object]
) -> Any:
    """The reply of the one command ``read`` adds to the pipeline, once what it saw is on
    ``replication.replicas`` replicas (``replicated_reads``)."""
    [reply] = await replicated_reads(redis, replication, fence, read)
    return reply


async def replicated_reads(
    redis: Redis, replication: Replication, fence: str, read: Callable[[Pipeline], object]
) -> list[Any]:
    """The replies of the commands ``read`` adds to the pipeline, once what they saw is on
    ``replication.replicas`` replicas: the fence and ``WAIT`` after them, on their
    connection. Also what keeps an answer from resting on a stale primary: one that was cut
    off and has not been demoted yet still answers reads, but no replica follows it any
    more, so its ``WAIT`` falls short. The first error is raised; ``NotReplicated`` when
    WAIT falls short. Without replicas required: the commands alone."""
    async with redis.pipeline(transaction=False) as pipe:
        read(pipe)
        if not replication.replicas:
            replies: list[Any] = await pipe.execute()
            return replies
        pipe.incr(fence)
        pipe.wait(replication.replicas, replication.timeout_ms)
        *replies, fenced, reached = await pipe.execute(raise_on_error=False)
    for answer in (*replies, fenced, reached):
        if isinstance(answer, Exception):
            raise answer
    if int(reached) < replication.replicas:
        raise NotReplicated(replication.replicas, int(reached), replication.timeout_ms)
    return replies
