"""The breakdowns of a report: by unit, by category and by (metric, unit).

Each takes the task views in scope (``metrics``: the targets of the approved tasks) and
returns rows sorted as the contract says; groups with no task in scope do not appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.events import Category

from .quantities import percent, total
from .report_models import CategoryRow, MetricRow, UnitRow
from .task_view import TargetView, TaskView


@dataclass
class _Tally:
    registered: int = 0
    approved: int = 0
    completed: int = 0
    targets_total: int = 0
    targets_met: int = 0
    name_key: tuple[datetime, str] | None = None
    name: str = ""

    def add(self, view: TaskView) -> None:
        self.registered += 1
        if view.approved:
            self.approved += 1
            self.completed += view.completed
            self.targets_total += len(view.targets)
            self.targets_met += sum(target.met for target in view.targets)
        key = view.registration.order
        if self.name_key is None or key > self.name_key:
            self.name_key, self.name = key, view.registration.unit_name


def _tallies(views: list[TaskView], *, by_unit: bool) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    for view in views:
        data = view.registration
        tallies.setdefault(data.unit_code if by_unit else data.category, _Tally()).add(view)
    return tallies


def by_unit(views: list[TaskView]) -> tuple[UnitRow, ...]:
    tallies = _tallies(views, by_unit=True)
    return tuple(
        UnitRow(
            code=code,
            name=t.name,
            registered=t.registered,
            approved=t.approved,
            completed=t.completed,
            targets_total=t.targets_total,
            targets_met=t.targets_met,
        )
        for code, t in sorted(tallies.items())
    )


def by_category(views: list[TaskView]) -> tuple[CategoryRow, ...]:
    tallies = _tallies(views, by_unit=False)
    return tuple(
        CategoryRow(
            category=Category(key),
            registered=t.registered,
            approved=t.approved,
            completed=t.completed,
            targets_total=t.targets_total,
            targets_met=t.targets_met,
        )
        for key, t in sorted(tallies.items())
    )


def metrics(targets: list[TargetView]) -> tuple[MetricRow, ...]:
    groups: dict[tuple[str, str], list[TargetView]] = {}
    for view in targets:
        groups.setdefault((view.target.metric, view.target.unit), []).append(view)
    rows = []
    for (metric, unit), members in sorted(groups.items()):
        target = total(member.target.target for member in members)
        actual = total(0 if member.value is None else member.value for member in members)
        rows.append(
            MetricRow(
                metric=metric,
                unit=unit,
                tasks=len(members),
                target=target,
                actual=actual,
                percent=percent(actual, target),
            )
        )
    return tuple(rows)
