"""The ``GET /reports/{year}`` answer (contract v1), as frozen models.

``Report.model_dump(mode="json")`` is exactly the contract's JSON document, keys in order.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.events import Category

Number = int | float


class FrozenModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scope(FrozenModel):
    unit: str | None
    category: Category | None
    as_of: date | None


class TaskCounts(FrozenModel):
    registered: int
    pending: int
    approved: int
    rejected: int


class RegistrantCounts(FrozenModel):
    registered: int
    approved: int


class ProgressCounts(FrozenModel):
    reported: int
    not_reported: int
    in_progress: int
    completed: int
    at_risk: int
    overdue: int


class TargetCounts(FrozenModel):
    total: int
    met: int


class UnitRow(FrozenModel):
    code: str
    name: str
    registered: int
    approved: int
    completed: int
    targets_total: int
    targets_met: int


class CategoryRow(FrozenModel):
    category: Category
    registered: int
    approved: int
    completed: int
    targets_total: int
    targets_met: int


class MetricRow(FrozenModel):
    metric: str
    unit: str
    tasks: int
    target: Number
    actual: Number
    percent: float


class Report(FrozenModel):
    year: int
    scope: Scope
    tasks: TaskCounts
    registrants: RegistrantCounts
    progress: ProgressCounts
    targets: TargetCounts
    by_unit: tuple[UnitRow, ...]
    by_category: tuple[CategoryRow, ...]
    metrics: tuple[MetricRow, ...]
