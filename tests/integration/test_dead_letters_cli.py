"""The dead-letter command line against a real Redis."""

from __future__ import annotations

import io
import json

import pytest
import redis.asyncio as aioredis

from shared.log.dead_letters import main
from shared.log.eventlog import EventLog, Poison
from shared.log.keys import Keys


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, redis_url: str, prefix: str) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("STREAM_PREFIX", prefix)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.mark.usefixtures("environment")
async def test_list_show_and_replay_once_recording_who(redis: aioredis.Redis, prefix: str) -> None:
    log = EventLog(redis, Keys(prefix), "reporting")
    progress = log.keys.stream("ProgressLogged")
    fields = {b"type": b"ProgressLogged", b"event": b'{"id": "e-1"}'}
    dead_letter = await log.park(
        Poison(progress, "7-0", fields, "invalid ProgressLogged document"),
        reader=f"{prefix}.reporting",
        deliveries=3,
    )
    assert dead_letter is not None
    assert (
        await log.park(Poison(progress, "7-0", fields, "again"), reader=f"{prefix}.reporting")
        is None
    )

    code, listed = run("list")
    assert code == 0
    assert dead_letter in listed
    assert f"{progress} 7-0" in listed
    assert "deliveries=3" in listed
    assert "invalid ProgressLogged document" in listed

    code, shown = run("show", dead_letter)
    assert code == 0
    assert '"entry_id": "7-0"' in shown

    with pytest.raises(SystemExit):  # who replays must be said
        run("replay", dead_letter)
    code, replayed = run("replay", dead_letter, "--by", "quan-tri")
    assert code == 0
    [(position, copy)] = await redis.xrange(progress)
    assert copy == fields
    assert replayed.strip() == f"{dead_letter} -> {position.decode()}"
    assert f"replayed as {position.decode()}" in run("list")[1]
    [_, (_, record)] = await redis.xrange(log.keys.dead_letter)
    assert record[b"type"] == b"DeadLetterReplayed"
    document = json.loads(record[b"event"])
    assert (document["actor"], document["actorrole"]) == ("quan-tri", "admin")
    assert document["data"] == {
        "dead_letter_id": dead_letter,
        "stream": progress,
        "position": position.decode(),
        "replayed_by": "quan-tri",
    }

    assert run("replay", dead_letter, "--by", "quan-tri")[0] == 1, "once, unless --again"
    assert await redis.xlen(progress) == 1
    assert run("replay", dead_letter, "--by", "quan-tri", "--again")[0] == 0
    assert await redis.xlen(progress) == 2
    assert run("show", "1-1")[0] == 1
