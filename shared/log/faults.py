"""What an operator meets when the log cannot take a request, said once for every process.

``unavailable(error)`` names the fault behind an exception of a Redis call (a stable code,
what to tell the client, how long to wait before retrying) or None when it is not one of
them (a bug: a 500). ``health(redis, replication)`` asks the primary whether it would take
a write now, for ``/readyz`` and ``/metrics``.

Redis refuses a write (``OOM``, ``MISCONF``, ``READONLY``, ``NOREPLICAS``) before any of its
effects: a script that has not written yet is stopped at its first write, never after it,
so a refusal never leaves half a write. A connection lost or a timeout mid-request, and a
write not confirmed by enough replicas, may or may not have been kept: a retry with the
same ``Idempotency-Key`` is safe in every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.sentinel import MasterNotFoundError
from redis.exceptions import (
    BusyLoadingError,
    NoPermissionError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisError,
    ResponseError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared.log.replication import NotReplicated, Replication

SAFE_RETRY = "retrying with the same Idempotency-Key is safe: it is never recorded twice"
NOTHING_WRITTEN = "nothing was written"
REPLICA_LAG_OK = 10
"""Seconds since a replica's last acknowledgement under which it counts as connected (as
Redis's own min-replicas-max-lag)."""


CODES = (
    "log_unavailable",
    "log_no_primary",
    "log_read_only",
    "log_no_replicas",
    "not_replicated",
    "log_out_of_memory",
    "log_disk_error",
)
"""Every code ``unavailable`` answers with."""


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Why the log did not take a request: ``code`` (stable, for clients), ``message``
    (English, for people), ``retry_after`` (seconds)."""

    code: str
    message: str
    retry_after: int


def said(error: BaseException) -> str:
    """Redis's own words (the first line), its error code in front as Redis sent it
    (redis-py keeps the code apart: ``OOM`` + ``command not allowed...``)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    code = getattr(error, "status_code", None)
    if isinstance(code, str) and code and not text.startswith(code):
        text = f"{code} {text}"
    return text[:300]


def _code(error: BaseException) -> str:
    """The error code Redis answered with (``MISCONF``, ``NOREPLICAS``...), if any."""
    status = getattr(error, "status_code", None)
    if isinstance(status, str) and status:
        return status
    words = str(error).split(" ", 1)
    return words[0] if words and words[0].isupper() else ""


def unavailable(error: BaseException) -> Unavailable | None:
    """The fault behind ``error``, or None when it is no unavailability of the log."""
    if isinstance(error, NotReplicated):
        return Unavailable("not_replicated", str(error), error.retry_after)
    if not isinstance(error, RedisError):
        return None
    text, code = said(error), _code(error)
    if isinstance(error, OutOfMemoryError) or code == "OOM":
        return Unavailable(
            "log_out_of_memory",
            f"the event log (Redis) is out of memory ({text}): {NOTHING_WRITTEN}; retry later",
            30,
        )
    if code == "MISCONF":
        return Unavailable(
            "log_disk_error",
            f"the event log (Redis) cannot write to its disk ({text}): {NOTHING_WRITTEN}; "
            "retry later",
            30,
        )
    if code == "NOREPLICAS":
        return Unavailable(
            "log_no_replicas",
            f"the event log's primary has too few replicas to take writes ({text}): "
            f"{NOTHING_WRITTEN}; retry later",
            5,
        )
    if isinstance(error, ReadOnlyError) or code == "READONLY":
        return Unavailable(
            "log_read_only",
            "the event log (Redis) reached is a replica, not the primary (a failover under "
            f"way?): {NOTHING_WRITTEN}; retry in a few seconds",
            2,
        )
    if isinstance(error, MasterNotFoundError):
        return Unavailable(
            "log_no_primary",
            "the event log (Redis) is unavailable: no Sentinel names a primary that answers "
            f"(a failover under way?); a write may or may not have been kept, {SAFE_RETRY}",
            2,
        )
    if isinstance(error, BusyLoadingError) or code in ("LOADING", "MASTERDOWN"):
        return Unavailable(
            "log_unavailable",
            f"the event log (Redis) is unavailable: it is loading its data ({text}); "
            f"{NOTHING_WRITTEN}, retry in a few seconds",
            2,
        )
    if isinstance(error, RedisConnectionError | RedisTimeoutError):
        return Unavailable(
            "log_unavailable",
            "the event log (Redis) is unavailable (connection lost or timed out): a write "
            f"may or may not have been kept; retry later, {SAFE_RETRY}",
            2,
        )
    if isinstance(error, ResponseError) and code in ("TRYAGAIN", "CLUSTERDOWN"):
        return Unavailable("log_unavailable", f"the event log (Redis): {text}", 2)
    return None


@dataclass(frozen=True, slots=True)
class Health:
    """The primary as it answered: ``refuses`` says why it would refuse a write now (None:
    it would take one); ``replicas``: replicas connected and acknowledging."""

    refuses: str | None
    replicas: int


def judge(info: dict[str, Any], replication: Replication) -> Health:
    """Whether a primary that answers ``INFO memory persistence replication`` like this
    would take a write of ours."""
    replicas = sum(
        1
        for name, value in info.items()
        if name.startswith("slave")
        and name[5:].isdigit()
        and isinstance(value, dict)
        and value.get("state") == "online"
        and int(value.get("lag", 0)) <= REPLICA_LAG_OK
    )
    if info.get("role") not in (None, "master"):
        return Health("the Redis reached is a replica, not the primary", replicas)
    used = int(info.get("used_memory", 0)) - int(info.get("mem_not_counted_for_evict", 0))
    limit, policy = int(info.get("maxmemory", 0)), str(info.get("maxmemory_policy", ""))
    if limit and policy not in ("noeviction", ""):
        return Health(
            f"redis may evict keys (maxmemory-policy {policy}): events of the log could "
            "vanish; set noeviction",
            replicas,
        )
    if limit and used >= limit:
        return Health(
            f"redis is out of memory: {used:,} bytes used of maxmemory {limit:,} "
            "(noeviction): writes answer 503",
            replicas,
        )
    if str(info.get("aof_last_write_status", "ok")) != "ok":
        return Health("redis cannot write its append-only file: writes answer 503", replicas)
    if replicas < replication.replicas:
        return Health(
            f"{replicas} replica(s) connected, WRITE_REPLICAS requires {replication.replicas}: "
            "writes answer 503",
            replicas,
        )
    return Health(None, replicas)


async def health(redis: Redis, replication: Replication) -> Health:
    """Ask the primary (one ``INFO``); a Redis error propagates (it does not answer)."""
    try:
        info: dict[str, Any] = await redis.info("memory", "persistence", "replication")
    except NoPermissionError:  # a Redis user without INFO: whether it answers, at least
        await redis.ping()
        return Health(None, replication.replicas)
    return judge(info, replication)
