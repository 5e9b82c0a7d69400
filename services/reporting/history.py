"""``GET /tasks/{task_id}``: one task's state and its events, read back from the log.

The projection keeps only what reports need; the full documents of a task's events are read
from their streams by the positions its facts keep (one pipelined XRANGE per event).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from shared.eventlog import EventLog
from shared.events import MalformedEvent, ProgressStatus, StoredEvent, TaskRegistered

from .domain import TaskFacts, task_view
from .domain.state import Decision, Fact, ProgressReport, Registration, as_utc


class TargetProgress(BaseModel):
    metric: str
    unit: str
    target: int | float
    direction: str
    latest_value: int | float | None
    met: bool


class HistoryEntry(BaseModel):
    type: str
    event_id: str
    time: datetime
    data: dict[str, Any]


class TaskHistory(BaseModel):
    task_id: str
    status: Literal["pending", "approved", "rejected"]
    progress_status: ProgressStatus | None
    registration: TaskRegistered
    targets: list[TargetProgress]
    history: list[HistoryEntry]


class HistoryUnavailable(Exception):
    """The log no longer holds an event the projection knows (it was trimmed by hand)."""


async def task_history(log: EventLog, facts: TaskFacts) -> TaskHistory | None:
    """The task's history, or ``None`` when its registration is not known."""
    view = task_view(facts)
    if view is None:
        return None
    events = await _read_back(log, facts.facts())
    registration = next(e.event.data for e in events if isinstance(e.event.data, TaskRegistered))
    ordered = sorted(events, key=lambda stored: (as_utc(stored.event.time), stored.event.id))
    return TaskHistory(
        task_id=facts.task_id,
        status=view.decision.value,
        progress_status=view.status,
        registration=registration,
        targets=[
            TargetProgress(
                metric=t.target.metric,
                unit=t.target.unit,
                target=t.target.target,
                direction=t.target.direction.value,
                latest_value=t.value,
                met=t.met,
            )
            for t in view.targets
        ],
        history=[
            HistoryEntry(
                type=stored.event.type,
                event_id=stored.event.id,
                time=as_utc(stored.event.time),
                data=stored.event.data.model_dump(mode="json"),
            )
            for stored in ordered
        ],
    )


async def _read_back(log: EventLog, facts: tuple[Fact, ...]) -> list[StoredEvent]:
    keys = log.keys
    wanted: list[tuple[str, str, str]] = []
    for fact in facts:
        if isinstance(fact, Registration):
            stream, kind = keys.registered, "TaskRegistered"
        elif isinstance(fact, Decision):
            stream = keys.approved if fact.approved else keys.rejected
            kind = "TaskApproved" if fact.approved else "TaskRejected"
        elif isinstance(fact, ProgressReport):
            stream, kind = keys.progress, "ProgressLogged"
        wanted.append((stream, kind, "{}-{}".format(*fact.position)))
    try:
        read = await log.read_at(wanted)
    except MalformedEvent as error:  # it parsed when it was applied: the log was altered
        raise HistoryUnavailable(str(error)) from error
    events = []
    for (stream, _, position), stored in zip(wanted, read, strict=True):
        if stored is None:
            raise HistoryUnavailable(f"entry {position} of {stream} is no longer in the log")
        events.append(stored)
    return events
