"""What reporting answers besides tasks (``shared.edge.views.TaskView``), as frozen models; the
report keeps every field of v1 and adds those of 1.1 and 1.2 (docs/contract.md)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from shared.domain.events import Category
from shared.edge.views import RegistrantView, TaskView, UnitView

Quantity = int | float


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scope(Answer):
    unit: str | None
    category: Category | None
    as_of: date | None
    committee: str | None = None


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


class Row(Answer):
    registered: int
    approved: int
    completed: int


class Counted(Row):
    targets_total: int
    targets_met: int
    evaluation: EvaluationCounts


class UnitRow(Counted):
    code: str
    name: str
    previous: Row | None = None
    """Its figures in the year compared with (the units it replaced included)."""


class CategoryRow(Counted):
    category: Category


class CommitteeRow(Row):
    """A committee of the subtree in scope, counting the tasks it manages itself."""

    code: str
    name: str
    parent: str | None
    evaluation: EvaluationCounts


class MetricRow(Answer):
    metric: str
    unit: str
    tasks: int
    target: Quantity
    actual: Quantity
    percent: float


class Compared(Answer):
    year: int
    tasks: TaskCounts
    progress: ProgressCounts
    targets: TargetCounts
    evaluation: EvaluationCounts


class Report(Compared):
    scope: Scope
    registrants: RegistrantCounts
    by_unit: tuple[UnitRow, ...]
    by_category: tuple[CategoryRow, ...]
    metrics: tuple[MetricRow, ...]
    closed: bool
    by_committee: tuple[CommitteeRow, ...]
    compare: Compared | None = None


class NotRegistered(Answer):
    leader: RegistrantView
    unit: UnitView
    task_ids: tuple[str, ...]
    """Their tasks of the year that are not live (rejected, withdrawn), if any."""
    reminded_at: datetime | None


class Stale(Answer):
    task_id: str
    title: str
    registrant: RegistrantView
    unit: UnitView
    deadline: date
    approved_at: datetime | None
    last_reported_at: date | None
    days_since: int
    """Days since the latest report, or since the approval when there is none."""
    reminded_at: datetime | None


class Missing(Answer):
    year: int
    unit: str | None
    committee: str | None = None
    stale_days: int
    not_registered: tuple[NotRegistered, ...] | None
    """None: the year has no roster."""
    no_recent_progress: tuple[Stale, ...]


class TaskPage(Answer):
    tasks: tuple[TaskView, ...]
    next: str | None
    """The ``cursor`` that gives the next page, or None on the last."""
