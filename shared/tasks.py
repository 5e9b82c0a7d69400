"""A registered task as registration and approval know it: its registration event, where
that sits in the log, and where the task stands with the Standing Committee. Both services
keep it in Redis; reporting derives the same from its projection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.eventlog import text
from shared.events import Category, CloudEvent, Kind, Registrant, Target, TaskRegistered, Unit


class TaskStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class KnownTask(BaseModel):
    model_config = ConfigDict(frozen=True)

    registration: CloudEvent[TaskRegistered]
    position: str
    status: TaskStatus


def known_task(fields: Mapping[bytes | str, bytes | str]) -> KnownTask | None:
    """The task kept in a Redis hash (``event``, ``position``, ``status``), if it is there."""
    if b"event" not in fields:
        return None
    return KnownTask(
        registration=CloudEvent[TaskRegistered].model_validate_json(fields[b"event"]),
        position=text(fields[b"position"]),
        status=TaskStatus(text(fields.get(b"status", b"pending"))),
    )


class RegisteredTask(BaseModel):
    """A task as the HTTP APIs show it: the registration's fields, its event and position."""

    task_id: str
    year: int
    registrant: Registrant
    unit: Unit
    title: str
    description: str
    category: Category
    kind: Kind
    targets: list[Target]
    deadline: date
    registered_at: datetime
    event_id: str
    position: str

    @classmethod
    def fields_of(cls, task: KnownTask) -> dict[str, object]:
        data = task.registration.data
        return {
            **data.model_dump(exclude={"targets"}),
            "targets": list(data.targets),
            "event_id": task.registration.id,
            "position": task.position,
        }
