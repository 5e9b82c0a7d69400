"""The projection: every task's state as its events make it, and each year's roster and closure.

Per task it keeps its state, its ``Progress``, the time of the last lifecycle event applied,
and where each of its events is in the log (positions, in one string). A lifecycle event
(registration, amendment, decision, return, withdrawal, self-assessment, evaluation) later
than every one before it is applied with ``evolve``; one read before the task's
registration waits in memory and is folded with it; one as early as one applied (a
duplicate; a hand-written log) marks the task for a re-fold: the reader reads the task's
lifecycle events back from the log by their positions and hands them to ``refold``, which
``fold``s them (each id once, in canonical order). Progress reports are ``merge``d into the
task's progress (commutative, idempotent): they are not kept. So any interleaving of the
streams, with any duplicates, gives the same projection, and memory holds states, not events
(measured: bench/README.md).

Per year: the registered tasks, grouped in *buckets* by (unit, category) so that a report
recounts only the buckets whose tasks changed (``domain.report``); the roster in force (the
latest ``RosterPublished`` by time, then event id) and the closure (the earliest
``YearClosed``). ``version`` moves with every change of the year. While ``indexing`` is off
(a rebuild), tasks are placed in their years once, by ``index``, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from sys import intern
from typing import Any

import msgspec

from shared.domain.events import (
    STREAMS,
    Actual,
    AnyEvent,
    ProgressLogged,
    Target,
    TaskAmended,
    TaskApproved,
    TaskEvaluated,
    TaskRegistered,
    TaskRejected,
    TaskReturned,
)
from shared.domain.lifecycle import Progress, TaskState, evolve, fold, merge
from shared.domain.people import key
from shared.domain.programme import Roster

Bucket = tuple[str, str]
"""(unit key, category) of a task: the part of a year a report recounts as one."""
Place = tuple[int, Bucket]
CODES = {event_type: chr(ord("a") + index) for index, event_type in enumerate(STREAMS)}
TYPES = {code: event_type for event_type, code in CODES.items()}
PROGRESS = "ProgressLogged"


class Fact(msgspec.Struct, frozen=True, gc=False):
    """A lifecycle event as ``evolve`` reads it (its id, type, time and data)."""

    id: str
    type: str
    time: datetime
    data: Any

    @classmethod
    def of(cls, event: AnyEvent) -> Fact:
        return cls(event.id, TYPES[CODES[event.type]], event.time, kept(event.data))


class Task(msgspec.Struct, gc=False):
    task_id: str
    state: TaskState | None = None
    progress: Progress = Progress()
    last: datetime | None = None
    """The time of the latest lifecycle event applied (or ignored: ``evolve``)."""
    waiting: tuple[Fact, ...] = ()
    """Its lifecycle events read before its registration (streams are read apart)."""
    positions: str = ""
    """``<type code><entry id>`` of each event, space separated (``located``)."""
    place: Place | None = None
    """Where the task is counted (None: not registered, or not indexed yet)."""

    def located(self, *, lifecycle: bool = False) -> list[tuple[str, str]]:
        """(event type, entry id) of the task's events (``lifecycle``: not its progress)."""
        found = [(TYPES[part[0]], part[1:]) for part in self.positions.split()]
        return [pair for pair in found if pair[0] != PROGRESS] if lifecycle else found


_PLACES: dict[tuple[int, str, str], Place] = {}


def place(state: TaskState) -> Place:
    """The year and bucket of a task (one tuple for all the tasks of a place)."""
    code, category = state.unit.code, state.category.value
    found = _PLACES.get((state.year, code, category))
    if found is None:
        found = _PLACES[(state.year, code, category)] = (state.year, (key(code), category))
    return found


_SHARED: dict[Any, Any] = {}


def shared(value: Any) -> Any:
    """One object for equal units (a unit's tasks) and dates. Registrants are not shared: a
    leader has one or two tasks, and the table costs more than it saves (bench/README.md)."""
    found = _SHARED.get(value)
    if found is None:
        found = _SHARED[value] = value
    return found


def kept(data: Any) -> Any:
    """What a state keeps of an event's data: what many tasks share (a registrant, a unit,
    metric names, dates, who decided and under which decision) once, and none of the text a
    person reads (a title, a description, the registrant's name, a progress report's note):
    the views read that back from the log, by position (measured: bench/README.md)."""
    if isinstance(data, ProgressLogged):
        actuals = tuple(Actual(metric=intern(a.metric), value=a.value) for a in data.actuals)
        day = shared(data.reported_at)
        return msgspec.structs.replace(data, actuals=actuals, reported_at=day, note=None)
    if isinstance(data, TaskRegistered | TaskAmended):
        return msgspec.structs.replace(
            data,
            unit=shared(data.unit),
            registrant=msgspec.structs.replace(
                data.registrant, name="", position=intern(data.registrant.position)
            ),
            targets=tuple(
                Target(
                    metric=intern(t.metric),
                    unit=intern(t.unit),
                    target=t.target,
                    direction=t.direction,
                )
                for t in data.targets
            ),
            deadline=shared(data.deadline),
            title="",
            description="",
        )
    if isinstance(data, TaskApproved | TaskEvaluated):
        reference = None if data.reference is None else intern(data.reference)
        return msgspec.structs.replace(
            data, decided_by=intern(data.decided_by), reference=reference
        )
    if isinstance(data, TaskRejected | TaskReturned):
        return msgspec.structs.replace(data, decided_by=intern(data.decided_by))
    return data


@dataclass
class Year:
    buckets: dict[Bucket, dict[str, Task]] = field(default_factory=dict)
    roster: Roster | None = None
    roster_stamp: tuple[datetime, str] | None = None
    closed: tuple[datetime, str] | None = None
    version: int = 0
    touched: dict[Bucket, int] = field(default_factory=dict)
    """Each bucket's own version: a report recounts the buckets whose version moved."""

    def registered(self) -> dict[str, Task]:
        """The registered tasks of the year, by id (gathered from the buckets: call once)."""
        return {task_id: task for tasks in self.buckets.values() for task_id, task in tasks.items()}

    def touch(self, bucket: Bucket) -> None:
        self.touched[bucket] = self.touched.get(bucket, 0) + 1
        self.version += 1


@dataclass
class Projection:
    tasks: dict[str, Task] = field(default_factory=dict)
    years: dict[int, Year] = field(default_factory=dict)
    indexing: bool = True
    refolds: set[str] = field(default_factory=set)
    """Tasks whose lifecycle events must be read back from the log and ``refold``ed."""

    def year(self, year: int) -> Year:
        found = self.years.get(year)
        if found is None:
            found = self.years[year] = Year()
        return found

    def apply(self, event: AnyEvent, position: str) -> None:
        """Take one decoded event in (read at ``position`` of its stream)."""
        kind, data = event.type, event.data
        if kind == "RosterPublished":
            year, stamp = self.year(data.year), (event.time, event.id)
            if year.roster_stamp is None or stamp > year.roster_stamp:
                year.roster, year.roster_stamp = Roster.of(data), stamp
                year.version += 1
            return
        if kind == "YearClosed":
            year, stamp = self.year(data.year), (event.time, event.id)
            if year.closed is None or stamp < year.closed:
                year.closed = stamp
                year.version += 1
            return
        task = self.tasks.get(data.task_id)
        if task is None:
            task = self.tasks[data.task_id] = Task(data.task_id)
        task.positions += CODES[kind] + position + " "
        if kind == PROGRESS:
            task.progress = merge(task.progress, kept(data), event)
            if task.place is not None:
                self.years[task.place[0]].touch(task.place[1])
            return
        if task.task_id in self.refolds:
            return
        if task.state is None:  # its events wait for its registration, then fold with it
            facts = (*task.waiting, Fact.of(event))
            task.waiting = () if kind == "TaskRegistered" else facts
            if kind == "TaskRegistered":
                self._folded(task, facts)
        elif event.time > (task.last or event.time):  # later than every event before it
            task.last = event.time
            state = evolve(task.state, Fact.of(event))
            if state is not task.state:
                task.state = state
                self._moved(task)
        else:  # as early as one already applied (writers stamp increasing times): re-fold
            self.refolds.add(task.task_id)

    def _folded(self, task: Task, facts: Sequence[Fact]) -> None:
        task.state = fold(facts)
        task.last = max((fact.time for fact in facts), default=None)
        self._moved(task)

    def refold(self, task_id: str, events: Iterable[AnyEvent]) -> None:
        """The task's state anew from all its lifecycle events (as read back from the log)."""
        self.refolds.discard(task_id)
        task = self.tasks[task_id]
        task.waiting = ()
        self._folded(task, [Fact.of(event) for event in events if event.type != PROGRESS])

    def _moved(self, task: Task) -> None:
        """Count a task whose state changed where it now belongs."""
        if not self.indexing:
            return
        now = None if task.state is None else place(task.state)
        was = task.place
        if was is not None:
            year = self.years[was[0]]
            year.touch(was[1])
            if now != was:
                year.buckets[was[1]].pop(task.task_id, None)
        task.place = now
        if now is not None:
            year = self.year(now[0])
            year.buckets.setdefault(now[1], {})[task.task_id] = task
            year.touch(now[1])

    def index(self) -> None:
        """Place every task in its year and bucket (after a rebuild), and index from now on."""
        self.indexing = True
        for task in self.tasks.values():
            self._moved(task)

    def years_known(self) -> list[int]:
        """Every year with a registered task, ascending."""
        return sorted(number for number, year in self.years.items() if any(year.buckets.values()))
