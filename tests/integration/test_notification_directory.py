"""What notifications reads from the log besides the event, against a real Redis: the roster
in force for a year (the latest of that year, whatever came after it in the stream, and a
new one as soon as it is appended) and a task's title (the latest amendment's)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
import redis.asyncio as aioredis

from services.notifications import directory
from services.notifications.directory import Rosters, Titles
from shared.domain.events import (
    Committee,
    CommitteesPublished,
    Leader,
    Level,
    RosterPublished,
    RosterUnit,
    TaskAmended,
    TaskRegistered,
    encode,
    new_event,
)
from shared.log.eventlog import EventLog
from shared.log.keys import Keys
from tests.support.factories import registration_body

UNIT = RosterUnit(code="kim-thanh", name="Huyện Kim Thành")


def leader(person: str, email: str | None) -> Leader:
    return Leader(
        id=person,
        name="Phạm Quang Hưng",
        position="Chủ tịch UBND huyện",
        level=Level.district_leader,
        unit="kim-thanh",
        email=email,
    )


@pytest.fixture
async def log(redis_url: str, prefix: str) -> AsyncIterator[EventLog]:
    client = aioredis.Redis.from_url(redis_url)
    yield EventLog(client, Keys(prefix), "notifications")
    await client.aclose()


async def append(log: EventLog, data: Any) -> None:
    event = new_event(data, source="/test", correlation_id="c", time=datetime.now(UTC))
    stream = log.keys.stream(event.type)
    await log.redis.xadd(stream, {"type": event.type, "event": encode(event)})


async def roster(log: EventLog, year: int, *leaders: Leader) -> None:
    await append(log, RosterPublished(year=year, units=(UNIT,), leaders=leaders))


async def test_the_latest_roster_of_the_year_wins_whatever_follows_it(
    log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory, "PAGE", 3)  # the newest-first search crosses pages
    await roster(log, 2024, leader("hung", "old@kimthanh.example.vn"))
    await roster(log, 2024, leader("hung", "hung@kimthanh.example.vn"))
    for year in (2023, 2025, 2022, 2021):
        await roster(log, year, leader("hung", f"{year}@example.vn"))
    committees = (Committee(code="root", name="Ban Thường vụ Tỉnh ủy"),)
    await append(log, CommitteesPublished(year=2024, committees=committees))
    await log.redis.xadd(log.keys.stream("RosterPublished"), {"type": "RosterPublished"})

    rosters = Rosters(log)
    found = await rosters.leader(2024, "HUNG")  # ids compared without case
    assert found is not None
    assert found.email == "hung@kimthanh.example.vn"
    assert await rosters.leader(2024, "lan") is None
    with pytest.raises(LookupError):
        await rosters.leader(2030, "hung")

    await roster(log, 2024, leader("hung", None), leader("lan", "lan@example.vn"))
    now = await rosters.leader(2024, "hung")
    assert now is not None
    assert now.email is None, "a roster appended since is the one in force"
    assert await rosters.leader(2024, "lan") is not None
    await roster(log, 2030, leader("hung", "2030@example.vn"))
    later = await rosters.leader(2030, "hung")
    assert later is not None, "a year that had no roster gets the one published since"
    assert later.email == "2030@example.vn"


async def test_a_title_is_the_latest_amendments(log: EventLog) -> None:
    titles = Titles(log)
    task_id = str(uuid.uuid4())
    assert await titles.of(task_id) is None
    fields = registration_body("hung") | {"task_id": task_id, "title": "Giải phóng mặt bằng"}
    at = datetime.now(UTC).isoformat()
    await append(log, msgspec.convert(fields | {"registered_at": at}, TaskRegistered, strict=False))
    assert await titles.of(task_id) == "Giải phóng mặt bằng"
    amended = fields | {"title": "Giải phóng mặt bằng 26 dự án", "amended_at": at}
    await append(log, msgspec.convert(amended, TaskAmended, strict=False))
    await log.redis.xadd(
        log.keys.stream("TaskRegistered"), {"type": "TaskRegistered", "event": "{"}
    )
    assert await titles.of(task_id) == "Giải phóng mặt bằng 26 dự án"
