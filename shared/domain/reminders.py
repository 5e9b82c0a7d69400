"""Whom to chase, and for what: a leader on the roster with no live task (not registered), and
an approved task with no recent report (no report for ``stale_days``, counted from its
latest report, or from its approval when it has none). The same rules answer reporting's
"who is missing" and approval's reminders; a reminder of a kind goes once a day at most."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, tzinfo

from shared.domain.events import ReminderKind

from .lifecycle import TaskState, TaskStatus

STALE_DAYS = 30


def last_news(state: TaskState, zone: tzinfo) -> date:
    """The day of a task's latest report, or of its approval when it has none."""
    latest = state.progress.latest
    if latest is not None:
        return latest.reported_at
    moment = state.verdict.at if state.verdict is not None else state.registered_at
    return moment.astimezone(zone).date()


def stale(state: TaskState, today: date, zone: tzinfo, stale_days: int = STALE_DAYS) -> bool:
    """An approved task, neither completed nor evaluated, with no report for more than
    ``stale_days`` days (counted from its approval while it has none)."""
    if state.status is not TaskStatus.approved or state.evaluation is not None:
        return False
    if state.progress.completed:
        return False
    return (today - last_news(state, zone)).days > stale_days


def due(
    kind: ReminderKind,
    tasks: Iterable[TaskState],
    today: date,
    zone: tzinfo,
    stale_days: int = STALE_DAYS,
) -> tuple[str, ...] | None:
    """What a leader would be reminded of, given their tasks of the year: for
    ``not_registered``, nothing (an empty tuple) when they have no live task; for
    ``no_recent_progress``, their stale tasks. None: they are not missing."""
    mine = list(tasks)
    if kind is ReminderKind.not_registered:
        return None if any(state.live for state in mine) else ()
    late = tuple(sorted(s.task_id for s in mine if stale(s, today, zone, stale_days)))
    return late or None
