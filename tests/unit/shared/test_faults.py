"""Which Redis errors are the log being unavailable (a 503 with a code and Retry-After) and
which are bugs (None: a 500); and how a primary's INFO says it would refuse a write."""

from __future__ import annotations

import pytest
from redis.asyncio.sentinel import MasterNotFoundError
from redis.exceptions import (
    BusyLoadingError,
    ConnectionError,
    NoPermissionError,
    OutOfMemoryError,
    ReadOnlyError,
    ResponseError,
    TimeoutError,
)

from shared.log.faults import CODES, judge, said, unavailable
from shared.log.replication import NotReplicated, Replication

OOM = OutOfMemoryError("command not allowed when used memory > 'maxmemory'.", status_code="OOM")


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (OOM, "log_out_of_memory", "OOM command not allowed"),
        (
            ResponseError("MISCONF Errors writing to the AOF file: No space left on device"),
            "log_disk_error",
            "No space left on device",
        ),
        (ResponseError("NOREPLICAS Not enough good replicas to write."), "log_no_replicas", ""),
        (ReadOnlyError("You can't write against a read only replica."), "log_read_only", ""),
        (
            MasterNotFoundError("No master found for 'breakthrough'"),
            "log_no_primary",
            "Idempotency-Key",
        ),
        (ConnectionError("Connection refused"), "log_unavailable", "Idempotency-Key"),
        (TimeoutError("Timeout reading"), "log_unavailable", "may or may not"),
        (BusyLoadingError("Redis is loading the dataset in memory"), "log_unavailable", "loading"),
        (NotReplicated(1, 0, 1000), "not_replicated", "same Idempotency-Key is safe"),
    ],
)
def test_every_unavailability_is_a_503_with_its_code_words_and_retry_after(
    error: Exception, code: str, words: str
) -> None:
    fault = unavailable(error)
    assert fault is not None
    assert fault.code == code
    assert code in CODES
    assert words in fault.message
    assert fault.retry_after >= 1


@pytest.mark.parametrize(
    "error",
    [
        ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value"),
        NoPermissionError("this user has no permissions to run the 'xadd' command"),
        ValueError("not Redis at all"),
    ],
)
def test_a_bug_is_no_unavailability(error: Exception) -> None:
    assert unavailable(error) is None


def test_redis_own_words_keep_the_code_redis_py_keeps_apart() -> None:
    assert said(OOM).startswith("OOM command not allowed")
    assert said(ResponseError("MISCONF Errors writing")) == "MISCONF Errors writing"


INFO = {
    "role": "master",
    "used_memory": 1_000,
    "mem_not_counted_for_evict": 0,
    "maxmemory": 0,
    "maxmemory_policy": "noeviction",
    "aof_last_write_status": "ok",
    "slave0": {"ip": "10.0.0.2", "port": 6379, "state": "online", "offset": 5, "lag": 0},
    "slave1": {"ip": "10.0.0.3", "port": 6379, "state": "online", "offset": 5, "lag": 30},
}


def test_a_primary_that_takes_writes_and_its_replicas_in_sync() -> None:
    health = judge(INFO, Replication(1))
    assert health.refuses is None
    assert health.replicas == 1, "one lags 30 s: not in sync"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"maxmemory": 1_000}, "out of memory"),
        ({"aof_last_write_status": "err"}, "append-only file"),
        ({"role": "slave"}, "replica"),
        ({"slave0": {"state": "wait_bgsave", "lag": 0}}, "0 replica(s) connected"),
    ],
)
def test_what_makes_a_primary_refuse_writes(changes: dict[str, object], words: str) -> None:
    health = judge(INFO | changes, Replication(1))
    assert health.refuses is not None
    assert words in health.refuses


def test_a_policy_that_would_evict_events_is_not_ready_either() -> None:
    info = INFO | {"maxmemory": 1_000_000, "maxmemory_policy": "allkeys-lru"}
    refuses = judge(info, Replication(0)).refuses
    assert refuses is not None
    assert "evict" in refuses
    assert judge(INFO | {"maxmemory": 1_000_000}, Replication(0)).refuses is None
