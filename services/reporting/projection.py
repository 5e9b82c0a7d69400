"""The projection of the log: every task's state (without the words a person reads), every
year's programme and reminders; how events are ordered: docs/architecture.md, "Reporting"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from sys import intern
from typing import Any

import msgspec

from shared.domain.events import STREAMS, AnyEvent, ReminderKind, ReminderSent, Unit
from shared.domain.lifecycle import STAGES, TaskState, TaskStatus, evolve, fold, order
from shared.domain.people import key
from shared.domain.programme import YearState, evolve_year
from shared.log.keys import position_key

CODES = {event_type: chr(ord("a") + index) for index, event_type in enumerate(STREAMS)}
TYPES = {code: event_type for event_type, code in CODES.items()}
TASK_EVENTS = frozenset(name for name, stream in STREAMS.items() if stream.startswith("tasks:"))
LINEAR = TASK_EVENTS - {"TaskRegistered", "ProgressLogged"}
"""A task's events that come in one order after its registration."""
YEAR_EVENTS = frozenset({"RosterPublished", "CommitteesPublished", "YearClosed"})
WORDS: dict[str, dict[str, Any]] = {
    "TaskApproved": {"decided_by": "", "reference": None, "note": None},
    "TaskRejected": {"decided_by": "", "reason": ""},
    "TaskReturned": {"decided_by": "", "reason": ""},
    "TaskWithdrawn": {"reason": ""},
    "ProgressLogged": {"note": None},
    "TaskSelfAssessed": {"summary": ""},
    "TaskEvaluated": {"decided_by": "", "reference": None, "note": None},
}
_UNITS: dict[Unit, Unit] = {}


class Tracked(msgspec.Struct, gc=False):
    """A task as the projection follows it."""

    task_id: str
    state: TaskState | None = None
    positions: str = ""
    """``<type code><entry id>`` of each of its events, space separated."""
    early: tuple[AnyEvent, ...] = ()
    """Its events that came before their turn."""
    misfit: bool = False
    """Whether an event before 1.2 came out of its order, or did not fit the state it met:
    the task is folded again from all its events at each later one."""

    def located(self) -> list[tuple[str, str]]:
        """(event type, entry id) of each of its events."""
        return [(TYPES[part[0]], part[1:]) for part in self.positions.split()]


@dataclass
class Year:
    programme: YearState
    tasks: dict[str, Tracked] = field(default_factory=dict)
    reminded: dict[tuple[str, ReminderKind], datetime] = field(default_factory=dict)
    """When each leader was last reminded of each kind."""
    read: dict[str, tuple[int, int]] = field(default_factory=dict)
    """The position of the last of its programme's events applied, per stream."""
    version: int = 0
    """Moves with every change of the year."""


@dataclass
class Projection:
    tasks: dict[str, Tracked] = field(default_factory=dict)
    years: dict[int, Year] = field(default_factory=dict)
    refolds: set[str] = field(default_factory=set)

    def year(self, number: int) -> Year:
        if number not in self.years:
            self.years[number] = Year(YearState(year=number))
        return self.years[number]

    def apply(self, event: AnyEvent, position: str) -> None:
        """Take one decoded event in, read at ``position`` of its stream."""
        data: Any = event.data
        if event.type in TASK_EVENTS:
            task = self.tasks.get(data.task_id)
            if task is None:
                task = self.tasks[data.task_id] = Tracked(data.task_id)
            task.positions += CODES[event.type] + position + " "
            if data.task_id not in self.refolds:
                self._take(task, lean(event))
        elif event.type in YEAR_EVENTS:
            year, stream, at = self.year(data.year), STREAMS[event.type], position_key(position)
            if at > year.read.get(stream, (0, -1)):  # in its stream's order, each once
                year.read[stream], year.programme = at, evolve_year(year.programme, lean(event))
                year.version += 1
        elif isinstance(data, ReminderSent):
            year, reminder = self.year(data.year), (key(data.leader), data.kind)
            if reminder not in year.reminded or data.sent_at > year.reminded[reminder]:
                year.reminded[reminder] = data.sent_at
                year.version += 1

    def _take(self, task: Tracked, event: AnyEvent) -> None:
        state, number = task.state, event.taskversion
        if state is None:
            if event.type != "TaskRegistered" or number not in (None, 1):
                task.early = (*task.early, event)  # waits for its registration
                return
        elif number is not None:
            if number <= state.version:
                return  # applied before
            if number > state.version + 1:
                task.early = (*task.early, event)  # waits for its turn
                return
        elif event.type in LINEAR and (
            task.misfit or (event.time, STAGES[event.type]) <= reached(state)
        ):
            task.misfit = True  # out of its order (or again): folded again from now on
            self.refolds.add(task.task_id)
            return
        elif event.type == "TaskRegistered":
            self.refolds.add(task.task_id)  # registered again: the fold keeps the first
            return
        moved = evolve(state, event)
        if moved is state and state is not None:
            task.misfit = True  # an event it waits for may come later: fold it again then
            self.refolds.add(task.task_id)
        elif moved is not None:
            self._moved(task, moved)
            if task.early:
                waiting, task.early = sorted(task.early, key=order), ()
                for held in waiting:
                    self._take(task, held)

    def _moved(self, task: Tracked, state: TaskState) -> None:
        task.state = state
        year = self.year(state.year)
        year.tasks[state.task_id] = task
        year.version += 1

    def refold(self, task_id: str, events: list[AnyEvent]) -> None:
        """The task's state anew from all its events (read back from the log)."""
        self.refolds.discard(task_id)
        task, task.early = self.tasks[task_id], ()
        if (state := fold(lean(event) for event in events)) is not None:
            self._moved(task, state)

    def years_known(self) -> list[int]:
        """Every year with a registered task, ascending."""
        return sorted(number for number, year in self.years.items() if year.tasks)


def reached(state: TaskState) -> tuple[datetime, int]:
    """Where a task stands for an event before 1.2: the time of its latest event, and its
    stage as ``STAGES`` ranks the event that made it."""
    if state.evaluation or state.self_assessment:
        rank = STAGES["TaskEvaluated" if state.evaluation else "TaskSelfAssessed"]
    elif state.status is TaskStatus.pending:
        rank = STAGES["TaskAmended" if state.amendments else "TaskRegistered"]
    else:
        rank = STAGES["TaskReturned" if state.status is TaskStatus.returned else "TaskApproved"]
    return state.updated_at, rank


def lean(event: AnyEvent) -> AnyEvent:
    """The event without the words a person reads (``WORDS``; a registration's title,
    description and registrant's name), ids and codes in their canonical form, the names
    many tasks share (units, metrics) held once."""
    data: Any = event.data
    if event.type in ("TaskRegistered", "TaskAmended"):
        registrant = msgspec.structs.replace(
            data.registrant, id=intern(key(data.registrant.id)), name="", position=""
        )
        unit = Unit(code=intern(key(data.unit.code)), name=intern(data.unit.name))
        targets = tuple(
            msgspec.structs.replace(t, metric=intern(t.metric), unit=intern(t.unit))
            for t in data.targets
        )
        words = {"title": "", "description": "", "registrant": registrant, "targets": targets}
        data = msgspec.structs.replace(data, **words, unit=_UNITS.setdefault(unit, unit))
    elif event.type in WORDS:
        data = msgspec.structs.replace(data, **WORDS[event.type])
    elif event.type == "RosterPublished":
        leaders = tuple(
            msgspec.structs.replace(
                leader,
                id=intern(key(leader.id)),
                position=intern(leader.position),
                unit=intern(key(leader.unit)),
            )
            for leader in data.leaders
        )
        data = msgspec.structs.replace(data, leaders=leaders)
    return msgspec.structs.replace(event, data=data)
