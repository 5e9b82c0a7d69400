"""The one ``connect`` through real Sentinels (tests/support/sentinel.py: a primary, two
replicas, three Sentinels on loopback): a client finds the primary by itself, and the new
one after ``kill -9`` of the old or after the old one is demoted (``READONLY``), without
being made again; ``WAIT`` answers a write only once a replica holds it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from shared.log.connection import Where, connect, connect_sync
from shared.log.eventlog import EventLog
from shared.log.keys import Keys
from shared.log.replication import NotReplicated, Replication
from tests.support.sentinel import MASTER, PASSWORD, ReplicatedRedis, wait_until

# KEYS: 1 a counter. Increments it: a script that writes, as the store's do.
INCREMENT = "return redis.call('INCR', KEYS[1])"


@pytest.fixture(scope="module")
def replicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicatedRedis]:
    servers = ReplicatedRedis(tmp_path_factory.mktemp("sentinel")).start()
    yield servers
    servers.stop()


@pytest.fixture
def whole(replicated: ReplicatedRedis) -> ReplicatedRedis:
    """Every node up (a test before may have killed one): a dead one is added back."""
    return replicated.heal()


def where(replicated: ReplicatedRedis) -> Where:
    env = replicated.env
    return Where.of(
        "redis://127.0.0.1:1/0",  # ignored: the Sentinels name the primary
        env["REDIS_SENTINELS"],
        env["REDIS_MASTER_NAME"],
        env["REDIS_PASSWORD"],
    )


@pytest.fixture
async def client(whole: ReplicatedRedis) -> AsyncIterator[Redis]:
    made = connect(where(whole))
    yield made
    await made.aclose()


async def eventually_set(client: Redis, key: str, value: str, within: float = 30.0) -> float:
    """SET until it is answered (ConnectionError while no primary answers); seconds taken."""
    started = time.monotonic()
    while True:
        try:
            await client.set(key, value)
            return time.monotonic() - started
        except redis.ConnectionError:
            assert time.monotonic() - started < within, "no primary found again"
            await asyncio.sleep(0.05)


async def test_a_client_finds_the_primary_and_after_kill_9_the_new_one_by_itself(
    whole: ReplicatedRedis, client: Redis
) -> None:
    key = f"test:{uuid.uuid4().hex}"
    sync = connect_sync(where(whole))
    try:
        await client.set(key, "before")
        assert sync.get(key) == b"before"
        old = whole.primary()
        assert old.client().get(key) == b"before", "the primary the Sentinels name"

        old.kill()
        new = whole.wait_for_failover(old)
        took = await eventually_set(client, key, "after")  # the same client object
        assert new.client().get(key) == b"after", "written to the new primary"
        assert wait_until(lambda: sync.get(key) == b"after", "the blocking client too")
        assert took < 30
    finally:
        sync.close()


async def test_a_demoted_primary_hands_a_pooled_connection_to_the_new_one(
    whole: ReplicatedRedis, client: Redis, prefix: str
) -> None:
    """SENTINEL FAILOVER demotes the primary while it runs: the client's pooled connection to
    it meets READONLY on its next write, drops it and writes to the new primary, with no
    error reaching the caller, a script's write included."""
    log = EventLog(client, Keys(prefix), "test", replication=Replication(1, 2000))
    script = log.script(INCREMENT)
    counter = Keys(prefix).private("counter")
    assert await log.replicated(script, [counter], []) == 1
    old = whole.primary()
    assert await client.set(f"{prefix}:x", "1")  # a connection to the old primary, pooled

    sentinel = whole.sentinels[0].client()
    assert sentinel.execute_command("SENTINEL", "FAILOVER", MASTER)
    new = whole.wait_for_failover(old)
    wait_until(lambda: old.role() == "slave", "the old primary demoted to a replica")

    assert await log.replicated(script, [counter], []) == 2, "no READONLY reached the caller"
    assert await client.set(f"{prefix}:x", "2")
    assert new.client().get(counter) == b"2"
    assert wait_until(lambda: old.client().get(counter) == b"2", "the old one follows")


async def test_wait_answers_a_write_only_once_a_replica_holds_it(
    whole: ReplicatedRedis, client: Redis, prefix: str
) -> None:
    log = EventLog(client, Keys(prefix), "test", replication=Replication(1, 300))
    script, counter = log.script(INCREMENT), Keys(prefix).private("counter")
    replicas = whole.replicas()
    for replica in replicas:
        replica.pause()
    try:
        with pytest.raises(NotReplicated) as refused:
            await log.replicated(script, [counter], [])
        assert (refused.value.wanted, refused.value.reached) == (1, 0)
        assert "may or may not have been kept" in str(refused.value)
        assert "same Idempotency-Key" in str(refused.value)
        assert whole.primary().client().get(counter) == b"1", "on the primary only"
        with pytest.raises(NotReplicated):  # a read of it is not answered either
            await log.replicated_get(counter)
    finally:
        for replica in replicas:
            replica.resume()
    assert await log.replicated_get(counter) == b"1", "once the replicas caught up"
    assert await log.replicated(script, [counter], []) == 2


async def test_wait_after_a_script_that_wrote_nothing_covers_what_it_read(
    whole: ReplicatedRedis, prefix: str
) -> None:
    """WAIT is documented to count the offset of the connection's own writes: a replay (a
    script that only reads) on a connection whose last write is replicated could then be
    confirmed at once, though what it read is not replicated yet (Redis 7.0 also moves the
    offset on reads; a fresh connection that sent nothing yet is confirmed at once). The
    fence write makes WAIT cover what it read whatever the version: with the replicas
    frozen, such a read is not answered."""
    keys = Keys(prefix)
    pooled = connect(where(whole))
    other = whole.primary().client()
    replicas = whole.replicas()
    try:
        await pooled.set(keys.private("earlier"), "1")
        assert await pooled.wait(2, 5000) == 2, "this connection's own write: replicated"
        for replica in replicas:
            replica.pause()
        other.set(keys.private("record"), "first answer")  # by another connection: not yet
        assert await pooled.get(keys.private("record")) == b"first answer"
        log = EventLog(pooled, keys, "test", replication=Replication(1, 300))
        read = log.script("return redis.call('GET', KEYS[1])")
        with pytest.raises(NotReplicated):
            await log.replicated(read, [keys.private("record")], [])
        with pytest.raises(NotReplicated):
            await log.replicated_get(keys.private("record"))
    finally:
        for replica in replicas:
            replica.resume()
        await pooled.aclose()
        other.close()


def test_the_password_is_asked_by_the_sentinels_too(whole: ReplicatedRedis) -> None:
    sentinel = whole.sentinels[0]
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=sentinel.port).ping()
    assert redis.Redis(port=sentinel.port, password=PASSWORD).ping()
    wrong = Where.of("", whole.env["REDIS_SENTINELS"], MASTER, "wrong-password")
    client = connect_sync(wrong)
    with pytest.raises(redis.RedisError):
        client.ping()
    client.close()


def test_settings_name_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="REDIS_MASTER_NAME"):
        Where.of("redis://x", "127.0.0.1:26379", None)
    with pytest.raises(ValueError, match="REDIS_SENTINELS"):
        Where.of("redis://x", "sentinel-1:notaport", MASTER)
    secret = tmp_path / "redis_password"
    secret.write_text("from-a-file\n")
    found = Where.of("redis://x", "s1:26379,s2", MASTER, password_file=secret)
    assert found.password == "from-a-file"
    assert found.sentinels == (("s1", 26379), ("s2", 26379))
    assert "from-a-file" not in repr(found) + found.describe()
    assert Where.of("redis://:pw@h:6380/0").describe() == "redis://h:6380/0"
