"""Writing a log the way the services do: commands through ``decide`` and the store's commit
script (``shared.log.store.execute``), a year's roster, committees and closure too."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.context import Context
from shared.domain.events import (
    Actual,
    Category,
    Kind,
    Leader,
    Level,
    ProgressStatus,
    Rating,
    RosterUnit,
    Target,
)
from shared.domain.lifecycle import (
    Amend,
    Approve,
    Command,
    Evaluate,
    LogProgress,
    Register,
    Registration,
    Reject,
    Return,
    SelfAssess,
    Withdraw,
)
from shared.domain.people import Actor, Role, key
from shared.domain.programme import CloseYear, PublishRoster
from shared.log.eventlog import EventLog
from shared.log.store import Store, execute, execute_year

ADMIN = Actor("admin-1", frozenset({Role.admin}), person="admin-1")
APPROVER = Actor("approver-1", frozenset({Role.approver}), person="approver-1")


def registrant(person: str) -> Actor:
    """As a static token stands for a person: their id in ``key`` spelling."""
    return Actor(key(person), frozenset({Role.registrant}), person=key(person))


ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NAMES = {"hung": "Phạm Quang Hưng", "lan": "Nguyễn Thị Lan", "minh": "Trần Văn Minh"}
"""The names a roster of ``publish_roster`` gives its leaders (others: their id)."""


class Writer:
    """Writes as the services would: its events stamped a second apart from the morning of
    2 January of ``year``, while "today" is the year's last day (what any report of the
    year, as of any day of it, may be dated)."""

    def __init__(self, log: EventLog, year: int = 2024) -> None:
        self.store = Store(log, quota=2)
        self.year = year
        self.clock = datetime(year, 1, 2, 1, tzinfo=UTC)

    def context(self, actor: Actor) -> Context:
        self.clock += timedelta(seconds=1)
        today = date(self.year, 12, 31)
        return Context(actor, self.clock, today, ZONE, str(uuid.uuid4()), "/test")

    async def run(self, task_id: str, command: Command, actor: Actor) -> str:
        [answer] = await execute(self.store, [(task_id, command)], self.context(actor))
        return answer.position

    def registration(
        self, person: str, unit: str | None = "kim-thanh", rostered: bool = False, **extra: Any
    ) -> Registration:
        """A registration's content (``rostered``: who the registrant is left to the year's
        roster)."""
        content: dict[str, Any] = {
            "year": self.year,
            "registrant_id": person,
            "title": "Giải phóng mặt bằng 26 dự án",
            "category": Category.socio_economic,
            "kind": Kind.breakthrough,
            "targets": (
                Target(metric="projects", unit="project", target=26),
                Target(metric="area", unit="ha", target=287),
            ),
            "deadline": date(self.year, 12, 31),
            "description": "Mô tả",
        }
        if not rostered:
            content |= {
                "name": "Phạm Quang Hưng",
                "position": "Chủ tịch UBND huyện",
                "level": Level.district_leader,
                "unit_code": unit,
                "unit_name": None if unit is None else f"Huyện {unit}",
            }
        return Registration(**(content | extra))

    async def register(
        self, person: str, unit: str | None = "kim-thanh", **extra: Any
    ) -> tuple[str, str]:
        task_id = f"t-{uuid.uuid4().hex[:12]}"
        rostered = (await self.store.year(self.year)).roster is not None
        command = Register(task_id, self.registration(person, unit, rostered, **extra))
        return task_id, await self.run(task_id, command, registrant(person))

    async def approve(self, task_id: str) -> str:
        return await self.run(
            task_id, Approve(decided_by="Ban Thường vụ", reference="QĐ 1"), APPROVER
        )

    async def reject(self, task_id: str) -> str:
        return await self.run(task_id, Reject(decided_by="Ban Thường vụ", reason="no"), APPROVER)

    async def return_(self, task_id: str) -> str:
        return await self.run(
            task_id, Return(decided_by="Ban Thường vụ", reason="revise"), APPROVER
        )

    async def amend(self, task_id: str, person: str, unit: str | None = "kim-thanh") -> str:
        rostered = (await self.store.year(self.year)).roster is not None
        command = Amend(self.registration(person, unit, rostered))
        return await self.run(task_id, command, registrant(person))

    async def withdraw(self, task_id: str, person: str) -> str:
        return await self.run(task_id, Withdraw(reason="changed"), registrant(person))

    async def progress(
        self, task_id: str, person: str, value: int | float, status: ProgressStatus, day: date
    ) -> str:
        command = LogProgress(
            reported_at=day, actuals=(Actual(metric="projects", value=value),), status=status
        )
        return await self.run(task_id, command, registrant(person))

    async def self_assess(self, task_id: str, person: str, rating: Rating) -> str:
        return await self.run(
            task_id, SelfAssess(rating=rating, summary="done"), registrant(person)
        )

    async def evaluate(self, task_id: str, rating: Rating) -> str:
        command = Evaluate(rating=rating, decided_by="Ban Thường vụ", reference="KL 1")
        return await self.run(task_id, command, APPROVER)

    async def publish_roster(self, leaders: dict[str, str]) -> str:
        """``leaders``: leader id -> unit code."""
        units = tuple(
            RosterUnit(code=code, name=f"Huyện {code}") for code in sorted(set(leaders.values()))
        )
        listed = tuple(
            Leader(
                id=leader,
                name=NAMES.get(leader, leader),
                position="P",
                level=Level.district_leader,
                unit=unit,
            )
            for leader, unit in leaders.items()
        )
        command = PublishRoster(units, listed)
        _, position = await execute_year(self.store, self.year, command, self.context(ADMIN))
        return position

    async def close(self) -> str:
        command = CloseYear("admin", "KL 9")
        _, position = await execute_year(self.store, self.year, command, self.context(ADMIN))
        return position
