"""Per-year totals kept incrementally beside the projection, so a report does not scan tasks.

``YearlyTotals`` holds, for each year asked about, every task's current view, and the
``ScopeTotals`` of the scopes asked about (the whole year, a unit, a category, or both). The
first report of a year reads that year's tasks once; from then on ``update`` moves the
totals by the difference each changed task makes, so a report costs the size of its answer,
not the size of the log. Scopes are kept for the most recently asked ``max_scopes``
(a scope with no task is answered without being kept).

The owner must call ``update(state, task_ids)`` after every change of the state it reports
on, with the ids of the tasks the change touched (or ``reset`` when it replaces the state).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.events import Category

from .report_models import Report, Scope
from .state import ProjectionState
from .task_view import TaskView, task_view
from .totals import ScopeTotals

ScopeKey = tuple[int, str | None, Category | None]


class YearlyTotals:
    def __init__(self, max_scopes: int = 2_000) -> None:
        self.max_scopes = max_scopes
        self.years: dict[int, dict[str, TaskView]] = {}
        self.scopes: dict[ScopeKey, ScopeTotals] = {}

    def reset(self) -> None:
        self.years.clear()
        self.scopes.clear()

    def report(
        self,
        state: ProjectionState,
        year: int,
        *,
        unit: str | None = None,
        category: Category | None = None,
        report_date: date,
    ) -> Report:
        """The report of the scope as the state stands (no ``as_of``: see ``build_report``)."""
        key = (year, unit, category)
        totals = self.scopes.pop(key, None)
        if totals is None:
            totals = self._count(self.views(state, year), unit, category)
        if not totals.empty:
            self.scopes[key] = totals  # most recently asked last
            while len(self.scopes) > self.max_scopes:
                del self.scopes[next(iter(self.scopes))]
        return totals.report(year, Scope(unit=unit, category=category, as_of=None), report_date)

    def update(self, state: ProjectionState, task_ids: Iterable[str]) -> None:
        """Move the totals by what the tasks ``task_ids`` now are in ``state``."""
        if not self.years:
            return
        for task_id in set(task_ids):
            facts = state.tasks.get(task_id)
            new = task_view(facts) if facts is not None else None
            old = next((v[task_id] for v in self.years.values() if task_id in v), None)
            if new == old:
                continue
            if new is not None and new.registration.year in self.years:
                self.years[new.registration.year][task_id] = new
                self._move(new, 1)
            if old is not None:
                if new is None or new.registration.year != old.registration.year:
                    del self.years[old.registration.year][task_id]
                self._move(old, -1)

    def views(self, state: ProjectionState, year: int) -> dict[str, TaskView]:
        """Every task of ``year`` as it stands in ``state`` (read once, then kept current)."""
        views = self.years.get(year)
        if views is None:
            views = {}
            for task_id, facts in state.tasks.items():
                if facts.registration is not None and facts.registration.year == year:
                    view = task_view(facts)
                    if view is not None:
                        views[task_id] = view
            self.years[year] = views
        return views

    def _move(self, view: TaskView, sign: int) -> None:
        data = view.registration
        for unit in (None, data.unit_code):
            for category in (None, data.category):
                totals = self.scopes.get((data.year, unit, category))
                if totals is not None:
                    totals.add(view, sign)
                    if totals.empty:
                        del self.scopes[(data.year, unit, category)]

    @staticmethod
    def _count(
        views: dict[str, TaskView], unit: str | None, category: Category | None
    ) -> ScopeTotals:
        totals = ScopeTotals()
        for view in views.values():
            data = view.registration
            if (unit is None or data.unit_code == unit) and (
                category is None or data.category == category
            ):
                totals.add(view)
        return totals
