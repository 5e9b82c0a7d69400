"""Projecting a hand-built log in memory, as the follower does (a task reached out of its
order folded again from its events as the log holds them), and reporting on it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from services.reporting.answers import Scope
from services.reporting.projection import Projection
from services.reporting.reading import refolded
from services.reporting.report import report as counted
from shared.domain.events import AnyEvent, Category
from shared.domain.people import Actor, Role, key
from shared.domain.programme import YearState, replaced_by
from shared.edge.views import Reckoning, TaskView, task_view

TODAY = date(2024, 6, 30)
RULES = Reckoning(TODAY, ZoneInfo("Asia/Ho_Chi_Minh"), 15)


def project(
    pairs: Iterable[tuple[AnyEvent, str]],
    projection: Projection | None = None,
    held: dict[tuple[str, str], AnyEvent] | None = None,
) -> Projection:
    """Apply (event, position) pairs one by one; a task reached out of order is folded again
    from its events as the log holds them (``held``, by position), as ``Follower.refold``
    does."""
    projection = projection or Projection()
    held = {} if held is None else held
    for event, position in pairs:
        held[(event.type, position)] = event
        projection.apply(event, position)
        while projection.refolds:
            task_id = next(iter(projection.refolds))
            located = projection.tasks[task_id].located()
            projection.refold(task_id, [held[where] for where in located])
    return projection


VIEWER = Actor("nhan-vien", frozenset({Role.viewer}), person="nhan-vien")


def views(projection: Projection, log: Iterable[tuple[AnyEvent, str]]) -> list[TaskView]:
    """Each task's view, folded again from its events in ``log`` as the service does."""
    held = {(event.type, position): event for event, position in log}
    found = []
    for _, task in sorted(projection.tasks.items()):
        if task.state is None:
            continue
        events = [(where[1], held[where]) for where in task.located()]
        state, position = refolded(task, events)
        found.append(task_view(state, position, VIEWER, YearState(year=task.state.year), RULES))
    return found


def report(
    pairs: Iterable[tuple[AnyEvent, str]],
    year: int = 2024,
    *,
    unit: str | None = None,
    category: Category | None = None,
    committee: str | None = None,
    compare: int | None = None,
    rules: Reckoning = RULES,
) -> dict[str, Any]:
    projection = project(pairs)
    unit = None if unit is None else key(unit)  # as reading_scope gives it
    scope = Scope(unit=unit, category=category, as_of=None, committee=committee)
    known = projection.years.get(year)
    programme = known.programme if known else YearState(year=year)
    states = [] if known is None else [t.state for t in known.tasks.values() if t.state]
    earlier = None
    if compare is not None:
        before = projection.years[compare]
        mapping = replaced_by([y.programme for y in projection.years.values()])
        tasks = [t.state for t in before.tasks.values() if t.state]
        earlier = counted(tasks, before.programme, scope, rules, mapping)
    return counted(states, programme, scope, rules, None, earlier).model_dump(mode="json")
