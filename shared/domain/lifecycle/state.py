"""A task's state, ``evolve`` (the state after one more event), and ``fold`` (the state from all
its events, whatever order they came in).

```
registered(pending) ──approve──▶ approved ──progress…──▶ self-assessed ──evaluate──▶ evaluated
   │  ▲      │ └─reject──▶ rejected                 (evaluate may come without self-assessment)
   │  │      └─return──▶ returned ──amend──▶ pending
   │  └─amend (while pending)
   └─withdraw (while pending or returned) ──▶ withdrawn
```

Every event of a task carries its ``taskversion`` (1 for the registration, then +1 each), and
events are applied in that order: ``order`` says where an event stands, ``fold`` sorts and
applies each once. Events written before 1.2 carry none; they stand before any numbered one,
the registration first and the others by time (equal times in the lifecycle's order), as
they always were.

``evolve`` is total: whatever the log holds, it answers a state and never raises. The events a
service writes are always legal (``decide`` made them); an event that does not fit the state
it meets changes nothing but the version, and an unnumbered one nothing at all: ``evolve``
answers the very state it was given (a reader may take that as a sign of an event out of
its order).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from functools import singledispatch
from typing import TypeAlias

import msgspec

from shared.domain.events import (
    Category,
    Kind,
    ProgressLogged,
    Rating,
    Registrant,
    RegistrationData,
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

from .progress import Occurrence, Progress, merge


class TaskStatus(StrEnum):
    """Where a registration stands with its committee (or its registrant)."""

    pending = "pending"
    returned = "returned"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


LIVE = frozenset({TaskStatus.pending, TaskStatus.returned, TaskStatus.approved})
"""The statuses that hold one of the registrant's slots for the year."""
EDITABLE = frozenset({TaskStatus.pending, TaskStatus.returned})
"""The statuses in which the registrant may still amend or withdraw the registration."""


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
    committee: str | None = None


class Assessment(Part, frozen=True, gc=False, kw_only=True):
    """A self-assessment (``decided_by`` None) or the committee's evaluation."""

    rating: Rating
    at: datetime
    summary: str | None = None
    decided_by: str | None = None
    reference: str | None = None
    note: str | None = None
    committee: str | None = None


class TaskState(Part, frozen=True, gc=False, kw_only=True):
    """A task as its events make it: the one shape of a task, from the writers that decide
    on it to the reader that counts it."""

    task_id: str
    year: int
    registrant: Registrant
    unit: Unit
    managed_by: str | None = None
    """The committee that approves it (None: the root of its year, for tasks before 1.2)."""
    continues: str | None = None
    title: str
    description: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    deadline: date
    registered_at: datetime
    status: TaskStatus = TaskStatus.pending
    version: int
    """The number of the latest event applied (its ``taskversion``; 0 while a task registered
    before 1.2 has had no numbered event)."""
    basis: str
    """The id of the event the registration as it stands comes from (registration or
    amendment)."""
    updated_at: datetime
    """The time of the latest event applied."""
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

    @property
    def live(self) -> bool:
        return self.status in LIVE


Maybe: TypeAlias = TaskState | None


def evolve(state: Maybe, event: Occurrence) -> Maybe:
    """The state after ``event`` (an event of this task, the next in its order). A task's
    version is the number of its latest event; events before 1.2 have none, and leave it as
    it was (0 for a task registered before 1.2: its first numbered event is 1)."""
    changed = _apply(event.data, state, event)
    if changed is None or (changed is state and event.taskversion is None):
        return changed
    version = event.taskversion if event.taskversion is not None else changed.version
    updated = event.time if state is None else max(state.updated_at, event.time)
    return msgspec.structs.replace(changed, version=version, updated_at=updated)


@singledispatch
def _apply(_data: object, state: Maybe, _event: Occurrence) -> Maybe:
    return state  # not a task's event


@_apply.register
def _registered(data: TaskRegistered, state: Maybe, event: Occurrence) -> Maybe:
    if state is not None:
        return state  # a second registration of one task id: the first counts
    return TaskState(
        task_id=data.task_id,
        year=data.year,
        registrant=data.registrant,
        unit=data.unit,
        managed_by=data.managed_by,
        continues=data.continues,
        title=data.title,
        description=data.description,
        category=data.category,
        kind=data.kind,
        targets=data.targets,
        deadline=data.deadline,
        registered_at=data.registered_at,
        basis=event.id,
        version=0,
        updated_at=event.time,
    )


def _content(data: RegistrationData) -> dict[str, object]:
    """What an amendment replaces: the registration's content (its registrant's id stays)."""
    return {
        "registrant": data.registrant,
        "unit": data.unit,
        "managed_by": data.managed_by,
        "continues": data.continues,
        "title": data.title,
        "description": data.description,
        "category": data.category,
        "kind": data.kind,
        "targets": data.targets,
        "deadline": data.deadline,
    }


@_apply.register
def _amended(data: TaskAmended, state: Maybe, event: Occurrence) -> Maybe:
    if state is None or state.status not in EDITABLE:
        return state
    content = _content(data) | {
        "registrant": msgspec.structs.replace(data.registrant, id=state.registrant.id)
    }
    return msgspec.structs.replace(
        state,
        status=TaskStatus.pending,
        basis=event.id,
        amendments=state.amendments + 1,
        **content,
    )


@_apply.register
def _withdrawn(data: TaskWithdrawn, state: Maybe, _event: Occurrence) -> Maybe:
    if state is None or state.status not in EDITABLE:
        return state
    return msgspec.structs.replace(state, status=TaskStatus.withdrawn, withdrawal=data.reason)


def _verdict(state: Maybe, verdict: Verdict) -> Maybe:
    if state is None or state.status is not TaskStatus.pending:
        return state
    return msgspec.structs.replace(state, status=verdict.status, verdict=verdict)


@_apply.register
def _approved(data: TaskApproved, state: Maybe, _event: Occurrence) -> Maybe:
    verdict = Verdict(
        status=TaskStatus.approved,
        decided_by=data.decided_by,
        at=data.approved_at,
        reference=data.reference,
        note=data.note,
        committee=data.committee,
    )
    return _verdict(state, verdict)


@_apply.register
def _rejected(data: TaskRejected, state: Maybe, _event: Occurrence) -> Maybe:
    verdict = Verdict(
        status=TaskStatus.rejected,
        decided_by=data.decided_by,
        at=data.rejected_at,
        reason=data.reason,
        committee=data.committee,
    )
    return _verdict(state, verdict)


@_apply.register
def _returned(data: TaskReturned, state: Maybe, _event: Occurrence) -> Maybe:
    verdict = Verdict(
        status=TaskStatus.returned,
        decided_by=data.decided_by,
        at=data.returned_at,
        reason=data.reason,
        committee=data.committee,
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
        committee=data.committee,
    )
    return msgspec.structs.replace(state, evaluation=evaluation)


Place = tuple[int, int, datetime, int, str]
STAGES = {
    name: rank
    for rank, names in enumerate(
        (
            ("TaskRegistered",),
            ("TaskReturned",),
            ("TaskAmended",),
            ("TaskApproved", "TaskRejected", "TaskWithdrawn"),
            ("ProgressLogged",),
            ("TaskSelfAssessed",),
            ("TaskEvaluated",),
        )
    )
    for name in names
}
"""Where each type of event comes in a task's life: the order of events of equal times."""


def order(event: Occurrence) -> Place:
    """Where an event stands in its task's life. Numbered events (1.2) by their number, after
    every event written before 1.2; those by the registration first, then by time, equal
    times in the lifecycle's order (``STAGES``), then by id."""
    if event.taskversion is not None:
        return 2, event.taskversion, event.time, 0, event.id
    first = 0 if event.type == "TaskRegistered" else 1
    return first, 0, event.time, STAGES.get(event.type, 0), event.id


def fold(events: Iterable[Occurrence]) -> Maybe:
    """A task's state from its events, in their order, each once (by id; a number two events
    claim, only a damaged log has: the first in order counts)."""
    state: Maybe = None
    seen: set[str] = set()
    numbers: set[int] = set()
    for event in sorted(events, key=order):
        number = event.taskversion
        if event.id in seen or (number is not None and number in numbers):
            continue
        seen.add(event.id)
        if number is not None:
            numbers.add(number)
        state = evolve(state, event)
    return state
