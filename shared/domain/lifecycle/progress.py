"""A task's progress: what its reports say, merged in any order (``merge``).

Reports come from the registrant through the year, values cumulative to ``reported_at``. The
latest report (by ``reported_at``, then the event's time, then its id) gives the task's
progress status; each metric's latest value comes from the latest report that gives one.
Keeping only those, and the earliest date a report said ``completed``, makes applying a
report commutative and idempotent: a projection need not keep the reports themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import msgspec

from shared.domain.events import ProgressLogged, ProgressStatus, Quantity

if TYPE_CHECKING:
    from .state import Occurrence


class _Part(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    pass


Order = tuple[date, datetime, str]
"""Which of two reports is the later: by ``reported_at``, then the event's time, then its id."""


class Reading(_Part, frozen=True, gc=False, kw_only=True):
    """The latest reported value of one metric (from the latest report that gives one)."""

    metric: str
    value: Quantity
    reported_at: date
    time: datetime
    event_id: str

    @property
    def order(self) -> Order:
        return self.reported_at, self.time, self.event_id


class Report(_Part, frozen=True, gc=False, kw_only=True):
    """The latest progress report: its status is the task's progress status."""

    reported_at: date
    status: ProgressStatus
    time: datetime
    event_id: str
    note: str | None = None

    @property
    def order(self) -> Order:
        return self.reported_at, self.time, self.event_id


class Progress(_Part, frozen=True, gc=False, kw_only=True):
    """What the progress reports of a task say, merged so that the order in which they are
    applied, and how often each one is, does not matter (``merge``)."""

    latest: Report | None = None
    readings: tuple[Reading, ...] = ()
    first_completed: date | None = None
    """The earliest ``reported_at`` of a report saying ``completed``."""

    def value_of(self, metric: str) -> Quantity | None:
        return next((r.value for r in self.readings if r.metric == metric), None)


def merge(progress: Progress, report: ProgressLogged, event: Occurrence) -> Progress:
    """``progress`` with one more report: commutative, associative and idempotent."""
    stamp = (report.reported_at, event.time, event.id)
    readings = {r.metric: r for r in progress.readings}
    for actual in report.actuals:
        known = readings.get(actual.metric)
        if known is None or stamp > known.order:
            readings[actual.metric] = Reading(
                metric=actual.metric,
                value=actual.value,
                reported_at=report.reported_at,
                time=event.time,
                event_id=event.id,
            )
    latest = progress.latest
    if latest is None or stamp > latest.order:
        latest = Report(
            reported_at=report.reported_at,
            status=report.status,
            time=event.time,
            event_id=event.id,
            note=report.note,
        )
    first = progress.first_completed
    if report.status is ProgressStatus.completed and (first is None or report.reported_at < first):
        first = report.reported_at
    return Progress(
        latest=latest,
        readings=tuple(sorted(readings.values(), key=lambda r: r.metric)),
        first_completed=first,
    )
