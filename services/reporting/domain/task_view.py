"""One task as it stood at a cutoff: its decision, latest progress and targets met.

This is where the contract's per-task definitions live; ``report`` only counts and sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.events import Direction, ProgressLogged, ProgressStatus, Target, TaskRegistered

from .state import TaskFacts, as_utc

Number = int | float


class DecisionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


@dataclass(frozen=True, slots=True)
class TargetView:
    """A target with the latest reported value of its metric (``None``: never reported)."""

    target: Target
    value: Number | None
    met: bool


@dataclass(frozen=True, slots=True)
class TaskView:
    """A registered task as of a cutoff (a slotted dataclass: built per task per report)."""

    registration: TaskRegistered
    registered_time: datetime
    registered_event_id: str
    decision: DecisionStatus
    latest: ProgressLogged | None
    targets: tuple[TargetView, ...]

    @property
    def approved(self) -> bool:
        return self.decision is DecisionStatus.approved

    @property
    def status(self) -> ProgressStatus | None:
        """The status of the latest progress report, ``None`` when none was reported."""
        return None if self.latest is None else self.latest.status

    @property
    def completed(self) -> bool:
        return self.status is ProgressStatus.completed


def target_met(target: Target, value: Number | None) -> bool:
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
    cutoff = None if cutoff is None else as_utc(cutoff)
    registration = facts.registration
    if registration is None or not _visible(registration.time, cutoff):
        return None
    decision = next((d for d in facts.decisions if _visible(d.time, cutoff)), None)
    latest: ProgressLogged | None = None
    values: dict[str, Number] = {}
    for report in facts.reports:  # ascending order: later reports overwrite earlier values
        if _visible(report.time, cutoff):
            latest = report.data
            values.update((actual.metric, actual.value) for actual in report.data.actuals)
    targets = tuple(
        TargetView(target=t, value=values.get(t.metric), met=target_met(t, values.get(t.metric)))
        for t in registration.data.targets
    )
    return TaskView(
        registration=registration.data,
        registered_time=registration.time,
        registered_event_id=registration.event_id,
        decision=_decision_status(decision.approved if decision else None),
        latest=latest,
        targets=targets,
    )


def _decision_status(approved: bool | None) -> DecisionStatus:
    if approved is None:
        return DecisionStatus.pending
    return DecisionStatus.approved if approved else DecisionStatus.rejected


def _visible(moment: datetime, cutoff: datetime | None) -> bool:
    return cutoff is None or moment <= cutoff
