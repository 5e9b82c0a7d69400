"""The reporting projection against a real Redis: read your writes (and the 504), snapshots,
the side-by-side rebuild, the task history read back from the log, the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError

from services.reporting import live
from services.reporting.api import routes
from services.reporting.bootstrap import ReportingSettings
from services.reporting.live import LiveProjection
from services.reporting.snapshots import SnapshotStore
from services.reporting.verify import rebuild_and_compare
from shared.auth import guard
from shared.eventlog import EventLog, connect, split_entries
from shared.events import ProgressLogged, ProgressStatus, TaskApproved, new_event, utc_now
from shared.http import ApiError
from shared.keys import Keys
from shared.settings import Clock
from tests.support.factories import registered_event


@pytest.fixture
async def log(redis_url: str, prefix: str) -> AsyncIterator[EventLog]:
    events = EventLog(connect(redis_url), Keys(prefix), "reporting")
    yield events
    await events.redis.aclose()


async def register(log: EventLog, registrant: str = "pham-quang-hung") -> tuple[str, str]:
    """Append a registration and its approval; (task id, position of the approval)."""
    event = registered_event(registrant)
    await log.append(event)
    approval = TaskApproved(
        task_id=event.subject, year=2024, decided_by="Ban Thường vụ", approved_at=utc_now()
    )
    position = await log.append(new_event(approval, source="/test", correlation_id="t"))
    return event.subject, position


async def progress(log: EventLog, task_id: str, value: int) -> str:
    data = ProgressLogged(
        task_id=task_id,
        year=2024,
        reported_at=date(2024, 6, 30),
        actuals=({"metric": "projects cleared", "value": value},),  # type: ignore[arg-type]
        status=ProgressStatus.in_progress,
    )
    return await log.append(new_event(data, source="/test", correlation_id="t"))


def api(projection: LiveProjection, log: EventLog, wait: float = 0.3) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(routes(projection, Clock(), log, guard(None), wait=wait))

    @app.exception_handler(ApiError)
    async def answer(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse({"detail": error.message}, status_code=error.status)

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_after_waits_for_the_position_then_answers_504_with_a_message(log: EventLog) -> None:
    projection = LiveProjection(log)
    await projection.start()
    _, position = await register(log)  # written, not yet applied: nothing follows the log
    async with api(projection, log) as client:
        late = await client.get("/reports/2024", params={"after": position})
        assert late.status_code == 504
        assert f"not caught up with position {position}" in late.json()["detail"]
        assert (await client.get("/reports/2024")).json()["tasks"]["registered"] == 0

        await projection.rebuild()
        answer = await client.get("/reports/2024", params={"after": position})
        assert answer.status_code == 200
        assert answer.json()["tasks"]["approved"] == 1
        # a position in another stream, later than anything written: nothing to wait for
        assert (await client.get("/reports/2024", params={"after": "99999999999999"})).is_success
        huge = await client.get("/reports/2024", params={"after": "99999999999999999999-0"})
        assert huge.status_code == 422


async def test_includes_looks_at_every_stream(log: EventLog) -> None:
    projection = LiveProjection(log)
    await projection.start()
    task_id, approved_at = await register(log)
    later = await progress(log, task_id, 5)
    assert not await projection.freshness.includes(approved_at)
    projection.freshness.reached(log.keys.approved)(approved_at)
    assert not await projection.freshness.includes(approved_at), "the registration is not yet"
    await projection.rebuild()
    assert await projection.freshness.includes(later)


async def test_a_snapshot_is_loaded_and_only_the_tail_is_read(log: EventLog, prefix: str) -> None:
    store = SnapshotStore(log.redis, prefix)
    for number in range(3):
        await register(log, f"leader-{number}")
    first = LiveProjection(log, snapshots=store)
    assert await first.start() == 6
    await store.save(first.state, dict(first.applied))
    task_id, _ = await register(log, "leader-late")
    await progress(log, task_id, 7)

    second = LiveProjection(log, snapshots=store)
    assert await second.start() == 3, "the registration, approval and progress after it"
    assert second.from_snapshot
    fresh = LiveProjection(log)
    await fresh.start()
    assert second.state == fresh.state
    assert second.applied == fresh.applied


async def test_a_snapshot_of_another_version_or_unreadable_is_ignored(
    log: EventLog, prefix: str
) -> None:
    await register(log)
    current = LiveProjection(log, snapshots=SnapshotStore(log.redis, prefix))
    await current.start()
    old = SnapshotStore(log.redis, prefix, version="0-older-code")
    await old.save(current.state, dict(current.applied))
    assert await SnapshotStore(log.redis, prefix).load() is None
    await log.redis.set(f"{prefix}:reporting:snapshot", "{not json")
    assert await SnapshotStore(log.redis, prefix).load() is None
    restarted = LiveProjection(log, snapshots=SnapshotStore(log.redis, prefix))
    assert await restarted.start() == 2, "rebuilt from the start of the log"


async def test_rebuild_command_compares_with_the_snapshot(
    log: EventLog, redis_url: str, prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = ReportingSettings(redis_url=redis_url, stream_prefix=prefix)
    await register(log)
    assert await rebuild_and_compare(settings) == 2, "no snapshot: nothing to compare with"
    assert await rebuild_and_compare(settings, save=True) == 2
    assert await rebuild_and_compare(settings) == 0
    assert "facts: equal (1 tasks)" in capsys.readouterr().out

    store = SnapshotStore(log.redis, prefix)
    snapshot = await store.load()
    assert snapshot is not None
    task_id, _ = await register(log, "someone-else")
    fresh = LiveProjection(log)
    await fresh.start()
    wrong = {k: v for k, v in fresh.state.tasks.items() if k != task_id}  # a lost event
    await store.save(type(fresh.state)(wrong), dict(fresh.applied))  # type: ignore[arg-type]
    assert await rebuild_and_compare(settings) == 1
    assert f"tasks differ, e.g. {task_id}" in capsys.readouterr().out


async def test_history_and_csv_read_what_the_log_holds(log: EventLog) -> None:
    task_id, _ = await register(log)
    await progress(log, task_id, 9)
    projection = LiveProjection(log)
    await projection.start()
    async with api(projection, log) as client:
        history = (await client.get(f"/tasks/{task_id}")).json()
        assert [entry["type"] for entry in history["history"]] == [
            "TaskRegistered",
            "TaskApproved",
            "ProgressLogged",
        ]
        assert history["registration"]["registrant"]["name"] == "Phạm Quang Hưng"
        answer = await client.get("/reports/2024.csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [(row["task_id"], row["registrant"], row["status"]) for row in rows] == [
        (task_id, "Phạm Quang Hưng", "approved")
    ]
    assert (rows[0]["target_1_metric"], rows[0]["target_1_latest"]) == ("projects cleared", "9")
    assert rows[0]["target_2_latest"] == "", "area cleared was never reported"
    assert json.loads(json.dumps(rows))  # plain text all through


@pytest.mark.parametrize("threaded", [True, False], ids=["raw-replies-in-a-thread", "asyncio"])
async def test_a_rebuild_parks_what_a_follower_would_park_with_the_same_reason(
    log: EventLog, redis_url: str, threaded: bool
) -> None:
    stream = log.keys.registered
    bad = {b"type": b"TaskRegistered", b"event": b'{"id": "\xff"}'}
    task_id, _ = await register(log)
    position = (await log.redis.xadd(stream, bad)).decode()  # type: ignore[arg-type]
    await log.redis.xadd(stream, {b"event": b"{}", b"type": b"TaskRegistered"})  # type: ignore[arg-type]
    projection = LiveProjection(log, redis_url=redis_url if threaded else None, page_size=100)
    assert await projection.start() == 2, "the registration and its approval"
    assert list(projection.state.tasks) == [task_id]
    _, expected = split_entries(stream, "TaskRegistered", [(position.encode(), bad)])
    letters = await log.redis.xrange(log.keys.dead_letter)
    first = json.loads(letters[0][1][b"event"])["data"]
    assert (first["entry_id"], first["consumer"], first["error"]) == (
        position,
        "rebuild",
        expected[0].error,
    )
    assert len(letters) == 2, "and the entry with its fields the other way round"


async def test_a_rebuild_that_fails_half_way_moves_no_position(
    log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id, _ = await register(log)
    real = live.fold_stream

    async def fails_on_approvals(redis: Any, stream: str, *args: Any, **kwargs: Any) -> Any:
        if stream == log.keys.approved:
            raise RedisConnectionError("Redis went away")
        return await real(redis, stream, *args, **kwargs)

    projection = LiveProjection(log)
    monkeypatch.setattr(live, "fold_stream", fails_on_approvals)
    with pytest.raises(RedisConnectionError):
        await projection.start()
    assert set(projection.applied.values()) == {"0-0"}, "the registration was read, not kept"
    monkeypatch.undo()
    assert await projection.start() == 2, "the retry reads both events"
    assert list(projection.state.tasks) == [task_id]
