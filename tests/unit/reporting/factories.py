"""Build stored events for reporting tests: deterministic ids, per-stream positions, times."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from shared.events import (
    Actual,
    Category,
    Direction,
    Kind,
    Level,
    ProgressLogged,
    ProgressStatus,
    Registrant,
    StoredEvent,
    Target,
    TaskApproved,
    TaskRegistered,
    TaskRejected,
    Unit,
    new_event,
)

Number = int | float
Data = TypeVar("Data", TaskRegistered, TaskApproved, TaskRejected, ProgressLogged)
YEAR = 2024
START = datetime(2024, 1, 1, tzinfo=UTC)
STREAMS: dict[type, str] = {
    TaskRegistered: "breakthrough:tasks:registered",
    TaskApproved: "breakthrough:tasks:approved",
    TaskRejected: "breakthrough:tasks:rejected",
    ProgressLogged: "breakthrough:tasks:progress",
}


def target(
    metric: str, value: Number, *, unit: str = "item", direction: Direction = Direction.at_least
) -> Target:
    return Target(metric=metric, unit=unit, target=value, direction=direction)


def at(month: int, day: int, hour: int = 12, year: int = YEAR) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


class EventLog:
    """Records events in the order they are made; each stream gets increasing positions.

    Event times default to a clock that advances one minute per event; ids are ``evt-N``.
    """

    def __init__(self, start: datetime = START) -> None:
        self.events: list[StoredEvent] = []
        self._clock = start
        self._next_position = dict.fromkeys(STREAMS.values(), 1)

    def register(
        self,
        task_id: str,
        *,
        year: int = YEAR,
        registrant: str = "r1",
        unit: str = "U01",
        unit_name: str | None = None,
        category: Category = Category.socio_economic,
        targets: Sequence[Target] = (target("projects", 26),),
        deadline: date | None = None,
        time: datetime | None = None,
    ) -> StoredEvent:
        data = TaskRegistered(
            task_id=task_id,
            year=year,
            registrant=Registrant(
                id=registrant,
                name=registrant.upper(),
                position="Director",
                level=Level.department_head,
            ),
            unit=Unit(code=unit, name=unit_name or f"Unit {unit}"),
            title=f"Task {task_id}",
            category=category,
            kind=Kind.breakthrough,
            targets=tuple(targets),
            deadline=deadline or date(year, 12, 31),
            registered_at=time or self._clock,
        )
        return self._store(data, time)

    def approve(
        self, task_id: str, *, year: int = YEAR, time: datetime | None = None
    ) -> StoredEvent:
        data = TaskApproved(
            task_id=task_id, year=year, decided_by="committee", approved_at=time or self._clock
        )
        return self._store(data, time)

    def reject(
        self, task_id: str, *, year: int = YEAR, time: datetime | None = None
    ) -> StoredEvent:
        data = TaskRejected(
            task_id=task_id,
            year=year,
            decided_by="committee",
            reason="not measurable",
            rejected_at=time or self._clock,
        )
        return self._store(data, time)

    def progress(
        self,
        task_id: str,
        *,
        reported_at: date,
        actuals: Mapping[str, Number] | None = None,
        status: ProgressStatus = ProgressStatus.in_progress,
        year: int = YEAR,
        time: datetime | None = None,
        position: str | None = None,
    ) -> StoredEvent:
        data = ProgressLogged(
            task_id=task_id,
            year=year,
            reported_at=reported_at,
            actuals=tuple(Actual(metric=m, value=v) for m, v in (actuals or {}).items()),
            status=status,
        )
        return self._store(data, time, position)

    def _store(
        self,
        data: Data,
        time: datetime | None,
        position: str | None = None,
    ) -> StoredEvent:
        self._clock += timedelta(minutes=1)
        event = new_event(
            data, source="/breakthrough/tests", correlation_id="test", time=time or self._clock
        ).model_copy(update={"id": f"evt-{len(self.events) + 1:05d}"})
        stream = STREAMS[type(data)]
        if position is None:
            position = f"{1_700_000_000_000 + self._next_position[stream]}-0"
            self._next_position[stream] += 1
        stored = StoredEvent(stream, position, event)
        self.events.append(stored)
        return stored
