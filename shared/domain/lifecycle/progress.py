"""A task's progress: what its reports say, merged in any order (``merge``), and whether it was
completed on time (``on_time``).

Reports come from the registrant through the year, values cumulative to ``reported_at``. The
latest report (by ``reported_at``, then the later event) gives the task's progress status;
each metric's latest value comes from the latest report that gives one. Keeping only those,
and the completions no other completion beats (``Completion``), makes applying a report
commutative and idempotent: a reader need not keep the reports themselves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from operator import attrgetter
from sys import intern
from typing import Any, Protocol

import msgspec

from shared.domain.events import ProgressLogged, ProgressStatus, Quantity


class Occurrence(Protocol):
    """An event as the lifecycle reads it: an envelope (``shared.domain.events.Event``)."""

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def time(self) -> datetime: ...

    @property
    def taskversion(self) -> int | None: ...

    @property
    def actorrole(self) -> str | None: ...

    @property
    def data(self) -> Any: ...


class _Part(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    pass


Order = tuple[date, int, datetime, str]
"""Which of two reports is the later: by ``reported_at``, then the later event (its task
version; before 1.2, its time, then its id)."""


def order_of(reported_at: date, event: Occurrence) -> Order:
    return reported_at, event.taskversion or 0, event.time, event.id


class Reading(_Part, frozen=True, gc=False, kw_only=True):
    """The latest reported value of one metric (from the latest report that gives one)."""

    metric: str
    value: Quantity
    reported_at: date
    order: Order


class Report(_Part, frozen=True, gc=False, kw_only=True):
    """The latest progress report: its status is the task's progress status."""

    reported_at: date
    status: ProgressStatus
    order: Order
    note: str | None = None


class Completion(_Part, frozen=True, gc=False, kw_only=True):
    """A report saying ``completed``: the day it claims, and when it was recorded (None for
    an admin's data entry from paper records, which counts by the claimed day alone)."""

    reported_at: date
    recorded: datetime | None

    def beats(self, other: Completion) -> bool:
        """At least as early on both counts: ``other`` can never be on time when this is not."""
        return self.reported_at <= other.reported_at and (
            self.recorded is None
            or (other.recorded is not None and self.recorded <= other.recorded)
        )


class Progress(_Part, frozen=True, gc=False, kw_only=True):
    """What the progress reports of a task say, merged so that the order in which they are
    applied, and how often each one is, does not matter (``merge``)."""

    latest: Report | None = None
    readings: tuple[Reading, ...] = ()
    completions: tuple[Completion, ...] = ()
    """The completed reports no other one beats (usually one)."""

    def value_of(self, metric: str) -> Quantity | None:
        return next((r.value for r in self.readings if r.metric == metric), None)

    @property
    def status(self) -> ProgressStatus | None:
        return None if self.latest is None else self.latest.status

    @property
    def completed(self) -> bool:
        return self.status is ProgressStatus.completed

    @property
    def first_completed(self) -> date | None:
        """The earliest day a report said the task was completed."""
        return min((c.reported_at for c in self.completions), default=None)


def merge(progress: Progress, report: ProgressLogged, event: Occurrence) -> Progress:
    """``progress`` with one more report: commutative, associative and idempotent."""
    stamp = order_of(report.reported_at, event)
    readings = {r.metric: r for r in progress.readings}
    for actual in report.actuals:
        known = readings.get(actual.metric)
        if known is None or stamp > known.order:
            readings[actual.metric] = Reading(
                metric=known.metric if known else intern(actual.metric),  # one for many tasks
                value=actual.value,
                reported_at=report.reported_at,
                order=stamp,
            )
    latest = progress.latest
    if latest is None or stamp > latest.order:
        latest = Report(
            reported_at=report.reported_at, status=report.status, order=stamp, note=report.note
        )
    completions = progress.completions
    if report.status is ProgressStatus.completed:
        recorded = None if event.actorrole == "admin" else event.time
        new = Completion(reported_at=report.reported_at, recorded=recorded)
        if not any(known.beats(new) for known in completions):
            kept = [known for known in completions if not new.beats(known)]
            completions = tuple(sorted([*kept, new], key=_completion_key))
    return Progress(
        latest=latest,
        readings=tuple(sorted(readings.values(), key=_metric)),
        completions=completions,
    )


_EARLIEST = datetime.min.replace(tzinfo=UTC)
_metric = attrgetter("metric")


def _completion_key(completion: Completion) -> tuple[date, bool, datetime]:
    recorded = completion.recorded
    return completion.reported_at, recorded is not None, recorded or _EARLIEST


def on_time(progress: Progress, deadline: date, zone: tzinfo, grace_days: int) -> bool:
    """Whether a report said the task was completed on or before its ``deadline`` *and* was
    recorded (its event's day where the province reckons days) no later than ``grace_days``
    after it: what was recorded, not only what was claimed. An admin's data entry counts by
    the day it claims alone."""
    latest_record = deadline + timedelta(days=grace_days)
    return any(
        c.reported_at <= deadline
        and (c.recorded is None or c.recorded.astimezone(zone).date() <= latest_record)
        for c in progress.completions
    )
