"""The dead-letter command line against a real Redis."""

from __future__ import annotations

import io

import pytest
import redis.asyncio as aioredis

from shared.dead_letters import main
from shared.eventlog import EventLog, Poison
from shared.keys import Keys


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, redis_url: str, prefix: str) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.mark.usefixtures("environment")
async def test_list_show_and_replay_once(redis: aioredis.Redis, prefix: str) -> None:
    log = EventLog(redis, Keys(prefix), "test")
    fields = {b"type": b"ProgressLogged", b"event": b'{"id": "e-1"}'}
    dead_letter = await log.park(
        Poison(log.keys.progress, "7-0", fields, "invalid ProgressLogged document"),
        group=f"{prefix}.reporting",
        consumer="r-1",
        delivery_count=3,
    )
    assert dead_letter is not None

    code, listed = run("list")
    assert code == 0
    assert dead_letter in listed
    assert f"{log.keys.progress} 7-0" in listed
    assert "deliveries=3" in listed
    assert "invalid ProgressLogged document" in listed

    code, shown = run("show", dead_letter)
    assert code == 0
    assert '"entry_id": "7-0"' in shown

    code, replayed = run("replay", dead_letter)
    assert code == 0
    [(position, copy)] = await redis.xrange(log.keys.progress)
    assert copy == fields
    assert replayed.strip() == f"{dead_letter} -> {position.decode()}"
    assert f"replayed as {position.decode()}" in run("list")[1]

    assert run("replay", dead_letter)[0] == 1, "once, unless --again"
    assert await redis.xlen(log.keys.progress) == 1
    assert run("replay", dead_letter, "--again")[0] == 0
    assert await redis.xlen(log.keys.progress) == 2
    assert run("show", "1-1")[0] == 1
