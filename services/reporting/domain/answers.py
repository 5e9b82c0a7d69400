"""What reporting answers, as frozen models: ``model_dump(mode="json")`` is the document.

The report keeps every field of contract v1 in its place and adds those of 1.1 (see the
README): ``tasks.withdrawn``/``returned``, ``registrants.expected``/``not_registered``,
``progress.completed_on_time``/``completed_late``, ``evaluation`` (also in every ``by_unit``
and ``by_category`` row, nested there: a row's ``completed`` already counts completed
tasks) and ``closed``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.domain.events import Category, Direction, Kind, Level, ProgressStatus, Rating

Quantity = int | float


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scope(Answer):
    unit: str | None
    category: Category | None
    as_of: date | None


class TaskCounts(Answer):
    registered: int
    pending: int
    approved: int
    rejected: int
    withdrawn: int
    returned: int


class RegistrantCounts(Answer):
    registered: int
    approved: int
    expected: int | None
    not_registered: int | None


class ProgressCounts(Answer):
    reported: int
    not_reported: int
    in_progress: int
    completed: int
    at_risk: int
    overdue: int
    completed_on_time: int
    completed_late: int


class TargetCounts(Answer):
    total: int
    met: int


class EvaluationCounts(Answer):
    excellent: int
    good: int
    completed: int
    not_completed: int
    not_evaluated: int


class UnitRow(Answer):
    code: str
    name: str
    registered: int
    approved: int
    completed: int
    targets_total: int
    targets_met: int
    evaluation: EvaluationCounts


class CategoryRow(Answer):
    category: Category
    registered: int
    approved: int
    completed: int
    targets_total: int
    targets_met: int
    evaluation: EvaluationCounts


class MetricRow(Answer):
    metric: str
    unit: str
    tasks: int
    target: Quantity
    actual: Quantity
    percent: float


class Report(Answer):
    year: int
    scope: Scope
    tasks: TaskCounts
    registrants: RegistrantCounts
    progress: ProgressCounts
    targets: TargetCounts
    evaluation: EvaluationCounts
    by_unit: tuple[UnitRow, ...]
    by_category: tuple[CategoryRow, ...]
    metrics: tuple[MetricRow, ...]
    closed: bool


class Person(Answer):
    id: str
    name: str
    position: str
    level: Level


class UnitName(Answer):
    code: str
    name: str


class TargetProgress(Answer):
    metric: str
    unit: str
    target: Quantity
    direction: Direction
    latest: Quantity | None
    """The latest reported value (None: never reported)."""
    reported_at: date | None
    met: bool


class TaskProgress(Answer):
    status: ProgressStatus | None
    """The status of the latest report (None: no report)."""
    reported_at: date | None
    first_completed: date | None
    overdue: bool


class Verdict(Answer):
    status: str
    decided_by: str
    at: datetime
    reference: str | None
    note: str | None
    reason: str | None


class Assessment(Answer):
    rating: Rating
    at: datetime
    summary: str | None
    decided_by: str | None
    reference: str | None
    note: str | None


class TaskSummary(Answer):
    task_id: str
    year: int
    status: str
    """pending, returned, approved, rejected or withdrawn (v1: the decision)."""
    stage: str
    """The status, or self_assessed / evaluated for an approved task that went on."""
    registrant: Person
    unit: UnitName
    title: str
    category: Category
    kind: Kind
    deadline: date
    registered_at: datetime
    updated_at: datetime
    progress: TaskProgress
    targets: tuple[TargetProgress, ...]
    self_assessment: Rating | None
    evaluation: Rating | None


class TaskPage(Answer):
    tasks: tuple[TaskSummary, ...]
    next: str | None
    """The ``cursor`` that gives the next page, or None on the last."""


class HistoryEntry(Answer):
    type: str
    event_id: str
    time: datetime
    actor: str | None
    actorrole: str | None
    position: str
    data: dict[str, Any]


class TaskHistory(TaskSummary):
    description: str
    amendments: int
    verdict: Verdict | None
    withdrawal: str | None
    """The reason given, for a withdrawn task."""
    self_assessed: Assessment | None
    evaluated: Assessment | None
    history: tuple[HistoryEntry, ...]
    """Every event of the task, in the order they were decided (time, then id)."""


class NotRegistered(Answer):
    leader: Person
    unit: UnitName
    task_ids: tuple[str, ...]
    """Their tasks of the year that are not live (rejected, withdrawn), if any."""


class Stale(Answer):
    task_id: str
    title: str
    registrant: Person
    unit: UnitName
    deadline: date
    last_reported_at: date | None
    days_since: int | None


class Missing(Answer):
    year: int
    unit: str | None
    stale_days: int
    not_registered: tuple[NotRegistered, ...] | None
    """None: the year has no roster."""
    no_recent_progress: tuple[Stale, ...]
