"""From an event to the fact the projection keeps (see ``state``)."""

from __future__ import annotations

from sys import intern

from shared.events import (
    AnyEvent,
    ProgressLogged,
    StoredEvent,
    TaskApproved,
    TaskRegistered,
    TaskRejected,
    position_key,
)

from .state import Decision, Fact, Goal, ProgressReport, Registration, as_utc


def fact_of(stored: StoredEvent) -> Fact:
    """The fact ``stored`` carries; names repeated across tasks are interned."""
    return event_fact(stored.event, stored.position)


def event_fact(event: AnyEvent, position: str) -> Fact:
    """The fact of ``event``, read at ``position`` of its stream."""
    data = event.data
    time, at = as_utc(event.time), position_key(position)
    if isinstance(data, TaskRegistered):
        return Registration(
            event_id=event.id,
            time=time,
            position=at,
            year=data.year,
            registrant_id=data.registrant.id,
            registrant_name=data.registrant.name,
            unit_code=intern(data.unit.code),
            unit_name=intern(data.unit.name),
            title=data.title,
            category=data.category,
            kind=data.kind,
            goals=tuple(
                Goal(intern(t.metric), intern(t.unit), t.target, t.direction) for t in data.targets
            ),
            deadline=data.deadline,
        )
    if isinstance(data, TaskApproved | TaskRejected):
        approved = isinstance(data, TaskApproved)
        return Decision(event_id=event.id, time=time, position=at, approved=approved)
    if not isinstance(data, ProgressLogged):
        raise TypeError(f"not an event of the four streams: {type(data).__name__}")
    return ProgressReport(
        event_id=event.id,
        time=time,
        position=at,
        reported_at=data.reported_at,
        status=data.status,
        actuals=tuple((intern(actual.metric), actual.value) for actual in data.actuals),
    )
