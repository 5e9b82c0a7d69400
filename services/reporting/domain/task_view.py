"""One task as it stood at a cutoff: its decision, latest progress and targets met.

This is where the contract's per-task definitions live; ``report`` and ``totals`` only
count and sum.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from shared.events import Direction, ProgressStatus
from shared.tasks import TaskStatus

from .state import Goal, Number, Registration, TaskFacts, as_utc


class TargetView(NamedTuple):
    """A target with the latest reported value of its metric (``None``: never reported)."""

    target: Goal
    value: Number | None
    met: bool


class TaskView(NamedTuple):
    """A registered task as of a cutoff (a named tuple: built per task the first time a
    year is reported on, and per task an event changes).

    Two views are equal when everything a report counts of them is equal, so the
    incremental totals (``totals``) compare a task's view before and after an event.
    """

    task_id: str
    registration: Registration
    decision: TaskStatus
    status: ProgressStatus | None
    """The status of the latest progress report, ``None`` when none was reported."""
    targets: tuple[TargetView, ...]

    @property
    def approved(self) -> bool:
        return self.decision is TaskStatus.approved

    @property
    def completed(self) -> bool:
        return self.status is ProgressStatus.completed


def target_met(target: Goal, value: Number | None) -> bool:
    """``at_least``: value >= target; ``at_most``: a value was reported and it is <= target.

    A target with no reported value is never met (targets are > 0 by contract).
    """
    if value is None:
        return False
    if target.direction is Direction.at_most:
        return value <= target.target
    return value >= target.target


def task_view(facts: TaskFacts, cutoff: datetime | None = None) -> TaskView | None:
    """The task as of ``cutoff`` (naive: taken as UTC; ``None``: everything known).

    Only events whose CloudEvents ``time`` is on or before the cutoff count. ``None`` when
    the task's registration is unknown (or later than the cutoff): such a task counts nowhere.
    The decision is the earliest one by (time, event id) among those visible; the latest
    report is the last visible one by (``reported_at``, stream position, event id); the
    latest value of a metric comes from the latest visible report that mentions it.
    """
    registration, decisions, reports = facts.registration, facts.decisions, facts.reports
    if cutoff is not None:  # (without one, as every live report: no event to leave out)
        cutoff = as_utc(cutoff)
        if registration is not None and registration.time > cutoff:
            return None
        decisions = tuple(d for d in decisions if d.time <= cutoff)
        reports = tuple(r for r in reports if r.time <= cutoff)
    if registration is None:
        return None
    decision = decisions[0] if decisions else None
    status: ProgressStatus | None = None
    values: dict[str, Number] = {}
    for report in reports:  # ascending order: later reports overwrite earlier values
        status = report.status
        values.update(report.actuals)
    targets = []
    for goal in registration.goals:
        value = values.get(goal.metric)
        targets.append(TargetView(goal, value, target_met(goal, value)))
    decided = _decision_status(decision.approved if decision else None)
    return TaskView(facts.task_id, registration, decided, status, tuple(targets))


def _decision_status(approved: bool | None) -> TaskStatus:
    if approved is None:
        return TaskStatus.pending
    return TaskStatus.approved if approved else TaskStatus.rejected
