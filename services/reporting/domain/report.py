"""``build_report``: the contract's provincial totals, a pure function of the projection."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from shared.events import Category, ProgressStatus
from shared.tasks import TaskStatus

from .breakdowns import by_category, by_unit, metrics
from .report_models import (
    ProgressCounts,
    RegistrantCounts,
    Report,
    Scope,
    TargetCounts,
    TaskCounts,
)
from .state import ProjectionState, Registration, as_utc
from .task_view import TaskView, task_view


def build_report(
    state: ProjectionState,
    year: int,
    *,
    unit: str | None = None,
    category: Category | None = None,
    cutoff: datetime | None = None,
    report_date: date,
    as_of: date | None = None,
) -> Report:
    """The report for ``year``, optionally one unit (by code) and/or one category.

    ``cutoff``: count only events whose CloudEvents ``time`` is on or before it (a naive
    datetime is taken as UTC). ``report_date``: the day ``overdue`` is judged against (the
    ``as_of`` date, or today). ``as_of`` is only echoed in ``scope``.
    By unit and category, ``completed`` and the target counts cover approved tasks only,
    as in ``progress`` and ``targets``; a unit's name is the one of its latest registration.
    """
    views = tasks_in_scope(state, year, unit=unit, category=category, cutoff=cutoff)
    approved = [view for view in views if view.approved]
    targets = [target for view in approved for target in view.targets]
    return Report(
        year=year,
        scope=Scope(unit=unit, category=category, as_of=as_of),
        tasks=_task_counts(views),
        registrants=RegistrantCounts(
            registered=len({view.registration.registrant_id for view in views}),
            approved=len({view.registration.registrant_id for view in approved}),
        ),
        progress=_progress(approved, report_date),
        targets=TargetCounts(total=len(targets), met=sum(target.met for target in targets)),
        by_unit=by_unit(views),
        by_category=by_category(views),
        metrics=metrics(targets),
    )


def tasks_in_scope(
    state: ProjectionState,
    year: int,
    *,
    unit: str | None = None,
    category: Category | None = None,
    cutoff: datetime | None = None,
) -> list[TaskView]:
    """The registered tasks of ``year`` in scope as of ``cutoff``, sorted by task id."""
    moment = None if cutoff is None else as_utc(cutoff)  # once, not per task
    views = []
    for task_id in sorted(state.tasks):
        facts = state.tasks[task_id]
        registration = facts.registration
        if registration is None or not _matches(registration, year, unit, category):
            continue
        view = task_view(facts, moment)
        if view is not None:
            views.append(view)
    return views


def _matches(
    registration: Registration, year: int, unit: str | None, category: Category | None
) -> bool:
    return (
        registration.year == year
        and (unit is None or registration.unit_code == unit)
        and (category is None or registration.category == category)
    )


def _task_counts(views: list[TaskView]) -> TaskCounts:
    decisions = Counter(view.decision for view in views)
    return TaskCounts(
        registered=len(views),
        pending=decisions[TaskStatus.pending],
        approved=decisions[TaskStatus.approved],
        rejected=decisions[TaskStatus.rejected],
    )


def _progress(approved: list[TaskView], report_date: date) -> ProgressCounts:
    statuses = Counter(view.status for view in approved)
    overdue = [
        view for view in approved if not view.completed and view.registration.deadline < report_date
    ]
    return ProgressCounts(
        reported=len(approved) - statuses[None],
        not_reported=statuses[None],
        in_progress=statuses[ProgressStatus.in_progress],
        completed=statuses[ProgressStatus.completed],
        at_risk=statuses[ProgressStatus.at_risk],
        overdue=len(overdue),
    )
