"""Writing a log the way the services do: commands through ``decide`` and the task store's
commit script (``shared.log.store.execute``), rosters and closures through their scripts."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import shared.domain.lifecycle  # noqa: F401 (first: shared.domain.programme imports it)
from shared.domain.events import (
    Actual,
    Category,
    Kind,
    Leader,
    Level,
    ProgressStatus,
    Rating,
    Target,
    Unit,
)
from shared.domain.lifecycle import (
    Amend,
    Approve,
    Command,
    Context,
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
from shared.domain.programme import Roster, close_year, publish_roster
from shared.log.eventlog import EventLog
from shared.log.store import TaskStore, execute

ADMIN = Actor("admin-1", frozenset({Role.admin}), person="admin-1")
APPROVER = Actor("approver-1", frozenset({Role.approver}), person="approver-1")


def registrant(person: str) -> Actor:
    """As a static token stands for a person: their id in ``key`` spelling."""
    return Actor(key(person), frozenset({Role.registrant}), person=key(person))


class Writer:
    def __init__(self, log: EventLog, year: int = 2024) -> None:
        self.store = TaskStore(log)
        self.year = year
        self.roster: Roster | None = None

    def context(self, actor: Actor) -> Context:
        now = datetime.now(UTC)
        return Context(actor, now, date(self.year, 12, 31), str(uuid.uuid4()), "/test")

    async def run(self, task_id: str, command: Command, actor: Actor) -> str:
        [answer] = await execute(
            self.store, [(task_id, command)], self.context(actor), roster_year=self.year, quota=2
        )
        return answer.position

    def registration(
        self, person: str, unit: str | None = "kim-thanh", **extra: Any
    ) -> Registration:
        """A registration's content; ``unit`` None: taken from the roster."""
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
            "name": "Phạm Quang Hưng",
            "position": "Chủ tịch UBND huyện",
            "level": Level.district_leader,
            "unit": None if unit is None else Unit(code=unit, name=f"Huyện {unit}"),
        }
        return Registration(**(content | extra))

    async def register(self, person: str, unit: str = "kim-thanh", **extra: Any) -> tuple[str, str]:
        task_id = f"t-{uuid.uuid4().hex[:12]}"
        command = Register(task_id, self.registration(person, unit, **extra))
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
        command = Amend(self.registration(person, unit))
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
            Unit(code=code, name=f"Huyện {code}") for code in sorted(set(leaders.values()))
        )
        listed = tuple(
            Leader(id=leader, name=leader, position="P", level=Level.district_leader, unit=unit)
            for leader, unit in leaders.items()
        )
        event = publish_roster(self.year, units, listed, self.context(ADMIN))
        self.roster = Roster.of(event.data)
        _, position = await self.store.publish_roster(event)
        return position

    async def close(self) -> str:
        event = close_year(self.year, False, "admin", "KL 9", self.context(ADMIN))
        return await self.store.close_year(event)
