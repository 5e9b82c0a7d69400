"""What a group of tasks counts, and how groups are added up (``merge``), or taken out again.

A ``Tally`` holds the counts of the report's definitions, the registrants' keys (as
multisets: key -> tasks, so distinct counts survive taking a group out) and the metrics'
exact sums (``amounts.Sum``). ``report`` merges them bucket by bucket.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.domain.events import Direction, Quantity, Target
from shared.domain.lifecycle import LIVE, Progress, TaskState, TaskStatus
from shared.domain.people import key

from .amounts import Sum
from .tasks import Task


def met(target: Target, value: Quantity | None) -> bool:
    """``at_least``: the latest value is at least the target; ``at_most``: a value was
    reported and it is at most the target."""
    if value is None:
        return False
    return (
        value <= target.target if target.direction is Direction.at_most else value >= target.target
    )


def overdue(state: TaskState, progress: Progress, today: date) -> bool:
    """Approved, not completed, and its deadline before ``today``."""
    latest = progress.latest
    done = latest is not None and latest.status.value == "completed"
    return state.status is TaskStatus.approved and not done and state.deadline < today


@dataclass(slots=True)
class Metric:
    tasks: int = 0
    target: Sum = field(default_factory=Sum)
    actual: Sum = field(default_factory=Sum)


def bump(counter: Counter[str], delta: Counter[str], sign: int = 1) -> None:
    """``counter`` += ``sign`` * ``delta``, keys that reach 0 dropped (``len`` counts keys)."""
    for name, count in delta.items():
        left = counter.get(name, 0) + sign * count
        if left:
            counter[name] = left
        else:
            counter.pop(name, None)


@dataclass(slots=True)
class Tally:
    """What a group of tasks counts. Registrants are multisets (key -> tasks), and sums are
    exact, so a tally can be taken out of a merge again (``merge(other, -1)``)."""

    counts: Counter[str] = field(default_factory=Counter)
    registrants: Counter[str] = field(default_factory=Counter)
    approved: Counter[str] = field(default_factory=Counter)
    live: Counter[str] = field(default_factory=Counter)
    metrics: dict[tuple[str, str], Metric] = field(default_factory=dict)
    label: tuple[datetime, str, str, str] | None = None
    """(registered_at, task id, unit code, unit name) of its latest task: the unit's name."""

    def add(self, state: TaskState, progress: Progress, today: date) -> None:
        counts, who = self.counts, key(state.registrant.id)
        counts["registered"] += 1
        counts[state.status.value] += 1
        self.registrants[who] += 1
        label = (state.registered_at, state.task_id, state.unit.code, state.unit.name)
        if self.label is None or label > self.label:
            self.label = label
        if state.status in LIVE:
            self.live[who] += 1
        if state.status is not TaskStatus.approved:
            return
        self.approved[who] += 1
        latest = progress.latest
        counts["not_reported" if latest is None else "reported"] += 1
        if latest is not None:
            counts[latest.status.value] += 1
        if latest is not None and latest.status.value == "completed":
            first = progress.first_completed
            on_time = first is not None and first <= state.deadline
            counts["completed_on_time" if on_time else "completed_late"] += 1
        elif state.deadline < today:
            counts["overdue"] += 1
        counts["rating:" + (state.evaluation.rating.value if state.evaluation else "none")] += 1
        for target in state.targets:
            value = progress.value_of(target.metric)
            counts["targets_total"] += 1
            counts["targets_met"] += met(target, value)
            metric = self.metrics.get((target.metric, target.unit))
            if metric is None:
                metric = self.metrics[(target.metric, target.unit)] = Metric()
            metric.tasks += 1
            metric.target.add(target.target)
            if value is not None:
                metric.actual.add(value)

    def merge(self, other: Tally, sign: int = 1) -> None:
        """Add ``other`` in (``sign`` 1) or take it out again (-1; its label stays)."""
        for mine, theirs in (
            (self.counts, other.counts),
            (self.registrants, other.registrants),
            (self.approved, other.approved),
            (self.live, other.live),
        ):
            bump(mine, theirs, sign)
        for name, sums in other.metrics.items():
            metric = self.metrics.get(name)
            if metric is None:
                metric = self.metrics[name] = Metric()
            metric.tasks += sign * sums.tasks
            metric.target.merge(sums.target, sign)
            metric.actual.merge(sums.actual, sign)
            if not metric.tasks:
                del self.metrics[name]
        label = other.label
        if sign > 0 and label is not None and (self.label is None or label > self.label):
            self.label = label


def tally(tasks: Iterable[Task], today: date) -> Tally:
    counted = Tally()
    for task in tasks:
        if task.state is not None:
            counted.add(task.state, task.progress, today)
    return counted


def merged(tallies: Iterable[Tally]) -> Tally:
    whole = Tally()
    for counted in tallies:
        whole.merge(counted)
    return whole


def counts_of(tallies: Iterable[Tally]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for one in tallies:
        bump(counts, one.counts)
    return counts
