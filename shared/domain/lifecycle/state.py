"""A task's state, and ``evolve``: the state after one more event.

```
registered(pending) ──approve──▶ approved ──progress…──▶ self-assessed ──evaluate──▶ evaluated
   │  ▲      │ └─reject──▶ rejected                 (evaluate may come without self-assessment)
   │  │      └─return──▶ returned ──amend──▶ pending
   │  └─amend (while pending)
   └─withdraw (while pending or returned) ──▶ withdrawn
```

``evolve`` is total: whatever the log holds, it answers a state and never raises. The events a
service writes are always legal (``decide`` made them); an event that does not fit the state
it meets (only a hand-written or damaged log has one) is ignored, so folding a task's events in
their canonical order (``canonical``) gives one answer however they were delivered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from functools import singledispatch
from typing import Any, Protocol, TypeAlias

import msgspec

from shared.domain.events import (
    Category,
    Kind,
    ProgressLogged,
    Rating,
    Registrant,
    Target,
    TaskAmended,
    TaskApproved,
    TaskEvaluated,
    TaskRegistered,
    TaskRejected,
    TaskReturned,
    TaskSelfAssessed,
    TaskWithdrawn,
    Unit,
)

from .progress import Progress, merge


class Occurrence(Protocol):
    """An event as ``evolve`` reads it: an envelope (``shared.domain.events.Event``) or anything
    with its id, type, time and data."""

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def time(self) -> datetime: ...

    @property
    def data(self) -> Any: ...


class TaskStatus(StrEnum):
    """Where a registration stands with the Standing Committee (or its registrant)."""

    pending = "pending"
    returned = "returned"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


LIVE = frozenset({TaskStatus.pending, TaskStatus.returned, TaskStatus.approved})
"""The statuses that hold one of the registrant's slots for the year."""


class Part(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A part of a task's state."""


class Verdict(Part, frozen=True, gc=False, kw_only=True):
    """The committee's last word on the registration: approved, rejected or returned."""

    status: TaskStatus
    decided_by: str
    at: datetime
    reference: str | None = None
    note: str | None = None
    reason: str | None = None


class Assessment(Part, frozen=True, gc=False, kw_only=True):
    """A self-assessment (``decided_by`` None) or the committee's evaluation."""

    rating: Rating
    at: datetime
    summary: str | None = None
    decided_by: str | None = None
    reference: str | None = None
    note: str | None = None


class TaskState(Part, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    registrant: Registrant
    unit: Unit
    title: str
    description: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    deadline: date
    registered_at: datetime
    status: TaskStatus = TaskStatus.pending
    basis: str
    """The id of the event the registration as it stands comes from (registration or amendment)."""
    updated_at: datetime
    """The time of the latest event applied: a new event of the task is never earlier."""
    amendments: int = 0
    verdict: Verdict | None = None
    withdrawal: str | None = None
    progress: Progress = Progress()
    self_assessment: Assessment | None = None
    evaluation: Assessment | None = None

    @property
    def stage(self) -> str:
        """The state's name in the lifecycle: a status, or self_assessed / evaluated."""
        if self.evaluation is not None:
            return "evaluated"
        if self.self_assessment is not None:
            return "self_assessed"
        return self.status.value


Maybe: TypeAlias = TaskState | None


def evolve(state: Maybe, event: Occurrence) -> Maybe:
    """The state after ``event`` (an envelope whose data concerns this task)."""
    changed = _apply(event.data, state, event)
    if changed is None or changed is state:
        return state
    return msgspec.structs.replace(changed, updated_at=max(changed.updated_at, event.time))


@singledispatch
def _apply(_data: object, state: Maybe, _event: Occurrence) -> Maybe:
    return state  # not a task event


@_apply.register
def _registered(data: TaskRegistered, state: Maybe, event: Occurrence) -> Maybe:
    if state is not None:
        return state  # a second registration of one task id: the first counts
    return TaskState(
        task_id=data.task_id,
        year=data.year,
        registrant=data.registrant,
        unit=data.unit,
        title=data.title,
        description=data.description,
        category=data.category,
        kind=data.kind,
        targets=data.targets,
        deadline=data.deadline,
        registered_at=data.registered_at,
        basis=event.id,
        updated_at=event.time,
    )


@_apply.register
def _amended(data: TaskAmended, state: Maybe, event: Occurrence) -> Maybe:
    if state is None or state.status not in {TaskStatus.pending, TaskStatus.returned}:
        return state
    return msgspec.structs.replace(
        state,
        unit=data.unit,
        registrant=msgspec.structs.replace(data.registrant, id=state.registrant.id),
        title=data.title,
        description=data.description,
        category=data.category,
        kind=data.kind,
        targets=data.targets,
        deadline=data.deadline,
        status=TaskStatus.pending,
        basis=event.id,
        amendments=state.amendments + 1,
    )


@_apply.register
def _withdrawn(data: TaskWithdrawn, state: Maybe, _event: Occurrence) -> Maybe:
    if state is None or state.status not in {TaskStatus.pending, TaskStatus.returned}:
        return state
    return msgspec.structs.replace(state, status=TaskStatus.withdrawn, withdrawal=data.reason)


def _verdict(state: Maybe, verdict: Verdict) -> Maybe:
    if state is None or state.status is not TaskStatus.pending:
        return state
    return msgspec.structs.replace(state, status=verdict.status, verdict=verdict)


@_apply.register
def _approved(data: TaskApproved, state: Maybe, _event: Occurrence) -> Maybe:
    return _verdict(
        state,
        Verdict(
            status=TaskStatus.approved,
            decided_by=data.decided_by,
            at=data.approved_at,
            reference=data.reference,
            note=data.note,
        ),
    )


@_apply.register
def _rejected(data: TaskRejected, state: Maybe, _event: Occurrence) -> Maybe:
    verdict = Verdict(
        status=TaskStatus.rejected,
        decided_by=data.decided_by,
        at=data.rejected_at,
        reason=data.reason,
    )
    return _verdict(state, verdict)


@_apply.register
def _returned(data: TaskReturned, state: Maybe, _event: Occurrence) -> Maybe:
    verdict = Verdict(
        status=TaskStatus.returned,
        decided_by=data.decided_by,
        at=data.returned_at,
        reason=data.reason,
    )
    return _verdict(state, verdict)


@_apply.register
def _progress(data: ProgressLogged, state: Maybe, event: Occurrence) -> Maybe:
    """Progress is kept whatever the status (reports count it for approved tasks only), and
    merged whatever the order of the reports (``merge``)."""
    if state is None:
        return state
    return msgspec.structs.replace(state, progress=merge(state.progress, data, event))


@_apply.register
def _self_assessed(data: TaskSelfAssessed, state: Maybe, _event: Occurrence) -> Maybe:
    if state is None or state.status is not TaskStatus.approved or state.evaluation is not None:
        return state
    assessment = Assessment(rating=data.rating, at=data.assessed_at, summary=data.summary)
    return msgspec.structs.replace(state, self_assessment=assessment)


@_apply.register
def _evaluated(data: TaskEvaluated, state: Maybe, _event: Occurrence) -> Maybe:
    if state is None or state.status is not TaskStatus.approved or state.evaluation is not None:
        return state
    evaluation = Assessment(
        rating=data.rating,
        at=data.evaluated_at,
        decided_by=data.decided_by,
        reference=data.reference,
        note=data.note,
    )
    return msgspec.structs.replace(state, evaluation=evaluation)


def canonical(event: Occurrence) -> tuple[bool, datetime, str]:
    """The order a task's events are folded in: its registration first (nothing precedes a
    task's creation, whatever the writers' clocks said), then by (time, event id). A service
    never stamps a task's event earlier than the one before it, so this is the order in which
    they were written."""
    return event.type != "TaskRegistered", event.time, event.id


def fold(events: Iterable[Occurrence]) -> Maybe:
    """A task's state from its events, in canonical order; each event id once."""
    state: Maybe = None
    seen: set[str] = set()
    for event in sorted(events, key=canonical):
        if event.id not in seen:
            seen.add(event.id)
            state = evolve(state, event)
    return state
