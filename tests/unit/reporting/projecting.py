"""Folding a hand-built log in memory, as the follower does (re-folds read back by position)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from services.reporting.domain.answers import Scope
from services.reporting.domain.report import Reports
from services.reporting.domain.tasks import Projection
from shared.domain.events import AnyEvent, Category

TODAY = date(2024, 6, 30)


def project(
    pairs: Iterable[tuple[AnyEvent, str]],
    projection: Projection | None = None,
    held: dict[tuple[str, str], AnyEvent] | None = None,
) -> Projection:
    """Apply (event, position) pairs one by one; a task reached out of order is re-folded
    from its events as the log holds them (``held``, by position), as ``Follower.refold``
    does."""
    projection = projection or Projection()
    held = {} if held is None else held
    for event, position in pairs:
        held[(event.type, position)] = event
        projection.apply(event, position)
        while projection.refolds:
            task_id = next(iter(projection.refolds))
            located = projection.tasks[task_id].located(lifecycle=True)
            projection.refold(task_id, [held[where] for where in located])
    return projection


def report(
    pairs: Iterable[tuple[AnyEvent, str]],
    year: int = 2024,
    *,
    unit: str | None = None,
    category: Category | None = None,
    today: date = TODAY,
) -> dict[str, Any]:
    reports = Reports(project(pairs))
    answer = reports.report(year, Scope(unit=unit, category=category, as_of=None), today)
    return answer.model_dump(mode="json")
