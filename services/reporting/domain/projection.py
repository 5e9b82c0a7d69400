"""Fold the four event streams into a ``ProjectionState``, commutatively and idempotently.

``evolve`` applies one stored event, ``apply_batch`` many, ``fold`` is ``apply_batch`` from
an empty state. The fold is built so that the result depends only on the *set* of events:

- idempotent by event ``id``: an id already applied to a task leaves the state unchanged
  (the same id at two positions keeps the lower one, whichever came first);
- commutative: each event becomes a fact inserted at its canonical place (see ``state``),
  never a counter update, so any interleaving of the streams gives an equal state, and a
  decision or a progress report may arrive before the registration of its task.

Efficiency: task entries are immutable and shared between states; an event creates one
new ``TaskFacts`` whose tuples are copied (O(facts of that task): a registration, a decision
and a handful of progress reports). The top-level mapping is copied once per call, so
``evolve`` costs O(number of tasks) and ``apply_batch``/``fold`` O(number of events): catch
up with ``apply_batch`` over batches of events, not with one ``evolve`` per event.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import TypeVar

from shared.events import Position, StoredEvent

from .facts import fact_of
from .state import (
    Decision,
    Fact,
    ProgressReport,
    ProjectionState,
    Registration,
    TaskFacts,
    TaskMap,
)

EMPTY = ProjectionState()
_ORDER = attrgetter("order")
Listed = TypeVar("Listed", Decision, ProgressReport)


def evolve(state: ProjectionState, stored: StoredEvent) -> ProjectionState:
    """The state after ``stored``; ``state`` itself when the event id was already applied."""
    return apply_batch(state, (stored,))


def apply_batch(state: ProjectionState, events: Iterable[StoredEvent]) -> ProjectionState:
    """Apply many events with a single copy of the top-level mapping.

    Returns ``state`` itself (the same object) when no event changed anything.
    """
    return apply_facts(state, ((stored.event.data.task_id, fact_of(stored)) for stored in events))


def apply_facts(state: ProjectionState, facts: Iterable[tuple[str, Fact]]) -> ProjectionState:
    """``apply_batch`` for facts already made from events: (task id, fact) pairs."""
    changes: dict[str, TaskFacts] = {}
    for task_id, fact in facts:
        current = changes.get(task_id)
        if current is None:
            current = state.tasks.get(task_id)
        updated = with_fact(current or TaskFacts(task_id=task_id), fact)
        if updated is not current:
            changes[task_id] = updated
    if not changes:
        return state
    return ProjectionState(tasks=TaskMap.of(state.tasks).updated(changes))


def gather(tasks: dict[str, TaskFacts], events: Iterable[StoredEvent]) -> set[str]:
    """``apply_batch`` into a mutable mapping (a rebuild's, not yet a state anyone reads), with
    no copy; the ids of the tasks that changed."""
    return gather_facts(tasks, ((stored.event.data.task_id, fact_of(stored)) for stored in events))


def gather_facts(tasks: dict[str, TaskFacts], facts: Iterable[tuple[str, Fact]]) -> set[str]:
    """``gather`` for facts already made from events: (task id, fact) pairs."""
    changed = set()
    for task_id, fact in facts:
        current = tasks.get(task_id)
        updated = with_fact(current or TaskFacts(task_id, None, (), ()), fact)
        if updated is not current:
            tasks[task_id] = updated
            changed.add(task_id)
    return changed


def fold(events: Iterable[StoredEvent], state: ProjectionState | None = None) -> ProjectionState:
    """Fold ``events`` onto ``state`` (default: the empty state)."""
    return apply_batch(EMPTY if state is None else state, events)


def with_fact(task: TaskFacts, fact: Fact) -> TaskFacts:
    """``task`` with ``fact`` in its canonical place; ``task`` itself when nothing changes."""
    if isinstance(fact, Registration):
        current = task.registration
        if current is not None and _registration_key(current) <= _registration_key(fact):
            return task
        return TaskFacts(task.task_id, fact, task.decisions, task.reports)
    if isinstance(fact, Decision):
        decisions = _merged(task.decisions, fact)
        if decisions is None:
            return task
        return TaskFacts(task.task_id, task.registration, decisions, task.reports)
    reports = _merged(task.reports, fact)
    if reports is None:
        return task
    return TaskFacts(task.task_id, task.registration, task.decisions, reports)


def _registration_key(fact: Registration) -> tuple[datetime, str, Position]:
    return fact.time, fact.event_id, fact.position


def _merged(existing: tuple[Listed, ...], new: Listed) -> tuple[Listed, ...] | None:
    """``existing`` with ``new`` inserted in order, or ``None`` if its id is already there
    at the same or a lower position (the fact at a higher position is replaced)."""
    for index, fact in enumerate(existing):
        if fact.event_id == new.event_id:
            if fact.position <= new.position:
                return None
            existing = existing[:index] + existing[index + 1 :]
            break
    if not existing or existing[-1].order <= new.order:  # usual: the log is read in order
        return existing + (new,)  # noqa: RUF005 (mypy refuses the starred form here)
    listed = list(existing)
    insort(listed, new, key=_ORDER)
    return tuple(listed)
