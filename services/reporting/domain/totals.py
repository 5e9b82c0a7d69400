"""The totals of one scope (a year, optionally one unit and/or category), kept incrementally.

``ScopeTotals.add(view)`` counts a task's view in, ``add(view, -1)`` takes it out again, so
when an event changes a task the totals move by the difference of its two views instead of
being recounted over every task. ``report`` renders them as the contract's report; it is
equal to ``build_report`` over the same tasks (a property test checks this), including the
exact float sums (``RunningTotal``) and the overdue count for any report date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from shared.events import Category, ProgressStatus
from shared.tasks import TaskStatus

from .quantities import RunningTotal, percent
from .report_models import (
    CategoryRow,
    MetricRow,
    ProgressCounts,
    RegistrantCounts,
    Report,
    Scope,
    TargetCounts,
    TaskCounts,
    UnitRow,
)
from .state import Instant
from .task_view import TaskView

Key = TypeVar("Key")
Row = TypeVar("Row")
NameKey = tuple[Instant, str]


def _count(counter: Counter[Key], key: Key, sign: int) -> None:
    """``counter[key] += sign``, dropping keys that reach 0 (so ``len`` counts the others)."""
    value = counter.get(key, 0) + sign  # (``counter[key]`` calls ``__missing__`` in Python)
    if value:
        counter[key] = value
    else:
        del counter[key]


def _row_of(rows: dict[Key, Row], key: Key, new: Callable[[], Row]) -> Row:
    """``rows[key]``, made with ``new`` if missing (``setdefault`` would make one each time)."""
    row = rows.get(key)
    if row is None:
        row = rows[key] = new()
    return row


@dataclass(slots=True)
class Tally:
    """One row of ``by_unit`` or ``by_category``; ``names`` of the unit by registration."""

    registered: int = 0
    approved: int = 0
    completed: int = 0
    targets_total: int = 0
    targets_met: int = 0
    names: Counter[NameKey] = field(default_factory=Counter)
    latest: NameKey | None = None

    def add(self, view: TaskView, sign: int, *, named: bool = False) -> None:
        self.registered += sign
        if named:
            key = (view.registration.order, view.registration.unit_name)
            _count(self.names, key, sign)
            if sign > 0 and self.latest is not None and key > self.latest:
                self.latest = key
            elif key == self.latest and key not in self.names:
                self.latest = None  # found again when asked
        if view.approved:
            self.approved += sign
            self.completed += sign * view.completed
            self.targets_total += sign * len(view.targets)
            self.targets_met += sign * sum(target.met for target in view.targets)

    def name(self) -> str:
        """The unit's name in its latest registration by (time, event id)."""
        if self.latest is None and self.names:
            self.latest = max(self.names)
        return "" if self.latest is None else self.latest[1]


@dataclass(slots=True)
class MetricTally:
    tasks: int = 0
    target: RunningTotal = field(default_factory=RunningTotal)
    actual: RunningTotal = field(default_factory=RunningTotal)


@dataclass(slots=True)
class ScopeTotals:
    decisions: Counter[TaskStatus] = field(default_factory=Counter)
    registrants: Counter[str] = field(default_factory=Counter)
    approved_registrants: Counter[str] = field(default_factory=Counter)
    statuses: Counter[ProgressStatus | None] = field(default_factory=Counter)
    open_deadlines: Counter[date] = field(default_factory=Counter)
    """Deadlines of the approved tasks not completed: ``overdue`` on any report date."""
    targets_total: int = 0
    targets_met: int = 0
    units: dict[str, Tally] = field(default_factory=dict)
    categories: dict[Category, Tally] = field(default_factory=dict)
    metrics: dict[tuple[str, str], MetricTally] = field(default_factory=dict)

    def add(self, view: TaskView, sign: int = 1) -> None:
        """Count ``view`` in (``sign`` 1) or take it out again (``sign`` -1)."""
        registration = view.registration
        _count(self.decisions, view.decision, sign)
        _count(self.registrants, registration.registrant_id, sign)
        unit = _row_of(self.units, registration.unit_code, Tally)
        unit.add(view, sign, named=True)
        category = _row_of(self.categories, registration.category, Tally)
        category.add(view, sign)
        if not unit.registered:
            del self.units[registration.unit_code]
        if not category.registered:
            del self.categories[registration.category]
        if view.approved:
            self._add_approved(view, sign)

    def _add_approved(self, view: TaskView, sign: int) -> None:
        _count(self.approved_registrants, view.registration.registrant_id, sign)
        _count(self.statuses, view.status, sign)
        if not view.completed:
            _count(self.open_deadlines, view.registration.deadline, sign)
        self.targets_total += sign * len(view.targets)
        for target in view.targets:
            self.targets_met += sign * target.met
            key = (target.target.metric, target.target.unit)
            metric = _row_of(self.metrics, key, MetricTally)
            metric.tasks += sign
            metric.target.add(target.target.target, sign)
            metric.actual.add(0 if target.value is None else target.value, sign)
            if not metric.tasks:
                del self.metrics[key]

    @property
    def empty(self) -> bool:
        return not self.decisions

    def report(self, year: int, scope: Scope, report_date: date) -> Report:
        approved = self.decisions[TaskStatus.approved]
        statuses = self.statuses
        overdue = sum(n for deadline, n in self.open_deadlines.items() if deadline < report_date)
        return Report(
            year=year,
            scope=scope,
            tasks=TaskCounts(
                registered=self.decisions.total(),
                pending=self.decisions[TaskStatus.pending],
                approved=approved,
                rejected=self.decisions[TaskStatus.rejected],
            ),
            registrants=RegistrantCounts(
                registered=len(self.registrants), approved=len(self.approved_registrants)
            ),
            progress=ProgressCounts(
                reported=approved - statuses[None],
                not_reported=statuses[None],
                in_progress=statuses[ProgressStatus.in_progress],
                completed=statuses[ProgressStatus.completed],
                at_risk=statuses[ProgressStatus.at_risk],
                overdue=overdue,
            ),
            targets=TargetCounts(total=self.targets_total, met=self.targets_met),
            by_unit=tuple(
                UnitRow(code=code, name=t.name(), **_row(t))
                for code, t in sorted(self.units.items())
            ),
            by_category=tuple(
                CategoryRow(category=key, **_row(t)) for key, t in sorted(self.categories.items())
            ),
            metrics=tuple(_metric_row(key, m) for key, m in sorted(self.metrics.items())),
        )


def _row(tally: Tally) -> dict[str, int]:
    return {
        "registered": tally.registered,
        "approved": tally.approved,
        "completed": tally.completed,
        "targets_total": tally.targets_total,
        "targets_met": tally.targets_met,
    }


def _metric_row(key: tuple[str, str], tally: MetricTally) -> MetricRow:
    target, actual = tally.target.value, tally.actual.value
    return MetricRow(
        metric=key[0],
        unit=key[1],
        tasks=tally.tasks,
        target=target,
        actual=actual,
        percent=percent(actual, target),
    )
