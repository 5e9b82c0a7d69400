"""A task as every service shows it: one view, whichever service answers (registration's
``GET /tasks/{id}``, approval's pending list, reporting's ``/tasks`` and ``/tasks/{id}``).

The registration as it stands, where the task is in its lifecycle, each target with its latest
reported value, its progress (overdue, completed on time), the committee's verdict and
ratings, and ``allowed``: what the caller may do with it now (``shared.domain.lifecycle``).
``event_id`` and ``position`` are those of the event the registration as it stands comes from
(the registration, or its latest amendment). Reporting adds ``continued_by`` and, on one
task, ``history``; elsewhere they are null (not known there).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.domain.events import (
    AnyEvent,
    Category,
    Direction,
    Kind,
    Level,
    ProgressStatus,
    Rating,
    Target,
    as_builtins,
)
from shared.domain.lifecycle import Action, Assessment, TaskState, TaskStatus, allowed, on_time
from shared.domain.people import Actor
from shared.domain.programme import YearState

Quantity = int | float
Stage = str
"""The status, or ``self_assessed`` / ``evaluated`` for an approved task that went on."""
LARGEST = sys.float_info.max


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class RegistrantView(View):
    id: str
    name: str
    position: str
    level: Level


class UnitView(View):
    code: str
    name: str


class TargetView(View):
    metric: str
    unit: str
    target: Quantity
    direction: Direction
    latest: Quantity | None
    """The latest reported value (None: never reported)."""
    reported_at: date | None
    met: bool


class ProgressView(View):
    status: ProgressStatus | None
    """The status of the latest report (None: no report)."""
    reported_at: date | None
    note: str | None
    first_completed: date | None
    completed_on_time: bool | None
    """For a completed task: whether it was completed on time as recorded (GRACE_DAYS)."""
    overdue: bool


class VerdictView(View):
    status: TaskStatus
    decided_by: str
    at: datetime
    reference: str | None
    note: str | None
    reason: str | None
    committee: str | None


class AssessmentView(View):
    rating: Rating
    at: datetime
    summary: str | None
    decided_by: str | None
    reference: str | None
    note: str | None
    committee: str | None


class HistoryEntry(View):
    type: str
    event_id: str
    time: datetime
    actor: str | None
    actorrole: str | None
    taskversion: int | None
    importedat: datetime | None
    position: str
    data: dict[str, Any]


class TaskView(View):
    task_id: str
    year: int
    registrant: RegistrantView
    unit: UnitView
    managed_by: str
    continues: str | None
    title: str
    description: str
    category: Category
    kind: Kind
    targets: list[TargetView]
    deadline: date
    registered_at: datetime
    updated_at: datetime
    version: int
    status: TaskStatus
    stage: Stage
    amendments: int
    verdict: VerdictView | None
    withdrawal: str | None
    progress: ProgressView
    self_assessment: AssessmentView | None
    evaluation: AssessmentView | None
    event_id: str
    position: str
    allowed: list[Action]
    continued_by: list[str] | None = None
    history: list[HistoryEntry] | None = None


def history_entry(position: str, event: AnyEvent) -> HistoryEntry:
    """One event of a task as its history shows it."""
    return HistoryEntry(
        type=event.type,
        event_id=event.id,
        time=event.time,
        actor=event.actor,
        actorrole=event.actorrole,
        taskversion=event.taskversion,
        importedat=event.importedat,
        position=position,
        data=as_builtins(event.data),
    )


def shown(value: Quantity) -> Quantity:
    """A quantity as JSON holds it: an int too large for a float saturates at the largest."""
    if isinstance(value, int) and not -LARGEST <= value <= LARGEST:
        return LARGEST if value > 0 else -LARGEST
    return value


def met(target: Target, value: Quantity | None) -> bool:
    """``at_least``: the latest value is at least the target; ``at_most``: a value was
    reported and it is at most the target."""
    if value is None:
        return False
    if target.direction is Direction.at_most:
        return value <= target.target
    return value >= target.target


def overdue(state: TaskState, today: date) -> bool:
    """Approved, not completed, and its deadline before ``today``."""
    approved = state.status.value == "approved"
    return approved and not state.progress.completed and state.deadline < today


@dataclass(frozen=True, slots=True)
class Reckoning:
    """What reading a task needs besides the task: the day it is read at, where days are
    reckoned, and how late a completion may be recorded (GRACE_DAYS)."""

    today: date
    zone: tzinfo
    grace_days: int


def task_view(
    state: TaskState, position: str, actor: Actor, year: YearState, at: Reckoning
) -> TaskView:
    """The view of a task for ``actor``."""
    progress = state.progress
    readings = {reading.metric: reading for reading in progress.readings}
    targets = []
    for target in state.targets:
        reading = readings.get(target.metric)
        value = None if reading is None else reading.value
        targets.append(
            TargetView(
                metric=target.metric,
                unit=target.unit,
                target=shown(target.target),
                direction=target.direction,
                latest=None if value is None else shown(value),
                reported_at=None if reading is None else reading.reported_at,
                met=met(target, value),
            )
        )
    latest, verdict = progress.latest, state.verdict
    registrant = state.registrant
    return TaskView(
        task_id=state.task_id,
        year=state.year,
        registrant=RegistrantView(
            id=registrant.id,
            name=registrant.name,
            position=registrant.position,
            level=registrant.level,
        ),
        unit=UnitView(code=state.unit.code, name=state.unit.name),
        managed_by=year.owner(state.managed_by),
        continues=state.continues,
        title=state.title,
        description=state.description,
        category=state.category,
        kind=state.kind,
        targets=targets,
        deadline=state.deadline,
        registered_at=state.registered_at,
        updated_at=state.updated_at,
        version=state.version,
        status=state.status,
        stage=state.stage,
        amendments=state.amendments,
        verdict=None
        if verdict is None
        else VerdictView(
            status=verdict.status,
            decided_by=verdict.decided_by,
            at=verdict.at,
            reference=verdict.reference,
            note=verdict.note,
            reason=verdict.reason,
            committee=verdict.committee,
        ),
        withdrawal=state.withdrawal,
        progress=ProgressView(
            status=progress.status,
            reported_at=None if latest is None else latest.reported_at,
            note=None if latest is None else latest.note,
            first_completed=progress.first_completed,
            completed_on_time=on_time(progress, state.deadline, at.zone, at.grace_days)
            if progress.completed
            else None,
            overdue=overdue(state, at.today),
        ),
        self_assessment=_assessment(state.self_assessment),
        evaluation=_assessment(state.evaluation),
        event_id=state.basis,
        position=position,
        allowed=allowed(actor, state, year),
    )


def _assessment(found: Assessment | None) -> AssessmentView | None:
    if found is None:
        return None
    return AssessmentView(
        rating=found.rating,
        at=found.at,
        summary=found.summary,
        decided_by=found.decided_by,
        reference=found.reference,
        note=found.note,
        committee=found.committee,
    )
