"""Fold the four event streams into a ``ProjectionState``, commutatively and idempotently.

``evolve`` applies one stored event, ``apply_batch`` many, ``fold`` is ``apply_batch`` from
an empty state. The fold is built so that the result depends only on the *set* of events:

- idempotent by event ``id``: an id already applied to a task leaves the state unchanged;
- commutative: each event becomes a fact inserted at its canonical place (see ``state``),
  never a counter update, so any interleaving of the streams gives an equal state, and a
  decision or a progress report may arrive before the registration of its task.

Efficiency: task entries are immutable and shared between states; an event creates one
new ``TaskFacts`` whose tuples are copied (O(facts of that task): a registration, a decision
and a handful of progress reports). The top-level mapping is copied once per call, so
``evolve`` costs O(number of tasks) and ``apply_batch``/``fold`` O(number of events): catch
up with ``apply_batch`` over batches of events, not with one ``evolve`` per event. Measured
(one core): 200,000 events over 20,000 tasks fold in about 2 s in stream order and 4 s
fully shuffled; over 2,000 tasks (100 events each) in about 3-5 s. Roughly half of that
is the cyclic garbage collector walking the live heap.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from functools import singledispatch
from operator import attrgetter
from types import MappingProxyType

from shared.events import (
    ProgressLogged,
    StoredEvent,
    TaskApproved,
    TaskRegistered,
    TaskRejected,
    position_key,
)

from .state import Decision, ProgressReport, ProjectionState, Registration, TaskFacts, as_utc

EMPTY = ProjectionState()
_ORDER = attrgetter("order")


def evolve(state: ProjectionState, stored: StoredEvent) -> ProjectionState:
    """The state after ``stored``; ``state`` itself when the event id was already applied."""
    return apply_batch(state, (stored,))


def apply_batch(state: ProjectionState, events: Iterable[StoredEvent]) -> ProjectionState:
    """Apply many events with a single copy of the top-level mapping.

    Returns ``state`` itself (the same object) when no event changed anything.
    """
    tasks: dict[str, TaskFacts] | None = None
    for stored in events:
        task_id = stored.event.data.task_id
        current = (tasks if tasks is not None else state.tasks).get(task_id)
        updated = _apply(current or TaskFacts(task_id=task_id), stored)
        if updated is current:
            continue
        if tasks is None:
            tasks = dict(state.tasks)
        tasks[task_id] = updated
    if tasks is None:
        return state
    return ProjectionState(tasks=MappingProxyType(tasks))


def fold(events: Iterable[StoredEvent], state: ProjectionState | None = None) -> ProjectionState:
    """Fold ``events`` onto ``state`` (default: the empty state)."""
    return apply_batch(EMPTY if state is None else state, events)


def _apply(task: TaskFacts, stored: StoredEvent) -> TaskFacts:
    event_id = stored.event.id
    if event_id in task.event_ids:
        return task
    return _with_event(stored.event.data, task, stored, task.event_ids | {event_id})


@singledispatch
def _with_event(
    data: object, task: TaskFacts, stored: StoredEvent, event_ids: frozenset[str]
) -> TaskFacts:
    """``task`` with the fact carried by ``stored`` (an unknown data type: only its id)."""
    return _facts(task, event_ids)


@_with_event.register
def _registered(
    data: TaskRegistered, task: TaskFacts, stored: StoredEvent, event_ids: frozenset[str]
) -> TaskFacts:
    new = Registration(event_id=stored.event.id, time=as_utc(stored.event.time), data=data)
    if task.registration is not None and task.registration.order <= new.order:
        return _facts(task, event_ids)
    return _facts(task, event_ids, registration=new)


def _decided(
    data: TaskApproved | TaskRejected,
    task: TaskFacts,
    stored: StoredEvent,
    event_ids: frozenset[str],
) -> TaskFacts:
    time = as_utc(stored.event.time)
    new = Decision(event_id=stored.event.id, time=time, data=data, order=(time, stored.event.id))
    decisions = list(task.decisions)
    insort(decisions, new, key=_ORDER)
    return _facts(task, event_ids, decisions=tuple(decisions))


_with_event.register(TaskApproved, _decided)
_with_event.register(TaskRejected, _decided)


@_with_event.register
def _progress(
    data: ProgressLogged, task: TaskFacts, stored: StoredEvent, event_ids: frozenset[str]
) -> TaskFacts:
    position = position_key(stored.position)
    new = ProgressReport(
        event_id=stored.event.id,
        time=as_utc(stored.event.time),
        position=position,
        data=data,
        order=(data.reported_at, position, stored.event.id),
    )
    reports = list(task.reports)
    insort(reports, new, key=_ORDER)
    return _facts(task, event_ids, reports=tuple(reports))


def _facts(
    task: TaskFacts,
    event_ids: frozenset[str],
    *,
    registration: Registration | None = None,
    decisions: tuple[Decision, ...] | None = None,
    reports: tuple[ProgressReport, ...] | None = None,
) -> TaskFacts:
    return TaskFacts(
        task_id=task.task_id,
        event_ids=event_ids,
        registration=registration or task.registration,
        decisions=task.decisions if decisions is None else decisions,
        reports=task.reports if reports is None else reports,
    )
