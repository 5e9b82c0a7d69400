"""A task as the writing services show it (``GET /tasks/{id}`` on registration, the pending
list on approval): the registration as it stands and where the task is in its lifecycle.

``event_id`` and ``position`` are those of the event the registration as it stands comes
from: the registration, or its latest amendment (contract v1: the registration's).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec
from pydantic import BaseModel

from shared.domain.events import Category, Direction, Kind, Level, ProgressStatus, Rating
from shared.domain.lifecycle import TaskState
from shared.log.store import Loaded

Stage = Literal[
    "pending", "returned", "approved", "rejected", "withdrawn", "self_assessed", "evaluated"
]


class RegistrantView(BaseModel):
    id: str
    name: str
    position: str
    level: Level


class UnitView(BaseModel):
    code: str
    name: str


class TargetView(BaseModel):
    metric: str
    unit: str
    target: int | float
    direction: Direction


class VerdictView(BaseModel):
    status: Literal["approved", "rejected", "returned"]
    decided_by: str
    at: datetime
    reference: str | None
    note: str | None
    reason: str | None


class ReadingView(BaseModel):
    metric: str
    value: int | float
    reported_at: date


class ReportView(BaseModel):
    reported_at: date
    status: ProgressStatus
    note: str | None


class ProgressView(BaseModel):
    latest: ReportView | None
    readings: list[ReadingView]
    first_completed: date | None


class AssessmentView(BaseModel):
    rating: Rating
    at: datetime
    summary: str | None
    decided_by: str | None
    reference: str | None
    note: str | None


class TaskView(BaseModel):
    task_id: str
    year: int
    registrant: RegistrantView
    unit: UnitView
    title: str
    description: str
    category: Category
    kind: Kind
    targets: list[TargetView]
    deadline: date
    registered_at: datetime
    event_id: str
    position: str
    status: Literal["pending", "returned", "approved", "rejected", "withdrawn"]
    stage: Stage
    amendments: int
    verdict: VerdictView | None
    withdrawal: str | None
    progress: ProgressView
    self_assessment: AssessmentView | None
    evaluation: AssessmentView | None
    updated_at: datetime


def task_view(loaded: Loaded) -> TaskView:
    state = loaded.state
    assert state is not None
    fields = msgspec.to_builtins(state)
    fields.pop("basis")
    return TaskView.model_validate(
        fields | {"event_id": state.basis, "position": loaded.basis_position, "stage": stage(state)}
    )


def stage(state: TaskState) -> str:
    return state.stage
