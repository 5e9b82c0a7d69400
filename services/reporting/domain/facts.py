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
    """The fact of ``event``, read at ``position`` of its stream.

    A rebuild makes one per event, so the facts are built positionally (in the order of their
    fields in ``state``) and the most common kind is looked at first."""
    data = event.data
    time, at = as_utc(event.time), position_key(position)
    if isinstance(data, ProgressLogged):
        actuals = tuple([(intern(actual.metric), actual.value) for actual in data.actuals])
        return ProgressReport(event.id, time, at, data.reported_at, data.status, actuals)
    if isinstance(data, TaskRegistered):
        registrant, unit = data.registrant, data.unit
        goals = tuple(
            [Goal(intern(t.metric), intern(t.unit), t.target, t.direction) for t in data.targets]
        )
        return Registration(
            event.id,
            time,
            at,
            data.year,
            registrant.id,
            registrant.name,
            intern(unit.code),
            intern(unit.name),
            data.title,
            data.category,
            data.kind,
            goals,
            data.deadline,
        )
    if isinstance(data, TaskApproved):
        return Decision(event.id, time, at, True)
    if isinstance(data, TaskRejected):
        return Decision(event.id, time, at, False)
    raise TypeError(f"not an event of the four streams: {type(data).__name__}")
