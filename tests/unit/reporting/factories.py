"""Hand-built event logs for reporting's unit tests: deterministic ids, times and positions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.domain.events import (
    Actual,
    AnyEvent,
    Category,
    Committee,
    CommitteesPublished,
    Direction,
    Event,
    EventData,
    Kind,
    Leader,
    Level,
    ProgressLogged,
    ProgressStatus,
    Quantity,
    Rating,
    Registrant,
    RegistrationData,
    RosterPublished,
    RosterUnit,
    Target,
    TaskAmended,
    TaskApproved,
    TaskEvaluated,
    TaskFact,
    TaskRegistered,
    TaskRejected,
    TaskReturned,
    TaskSelfAssessed,
    TaskWithdrawn,
    Unit,
    YearClosed,
    subject_of,
)

YEAR = 2024
START = datetime(2024, 1, 1, tzinfo=UTC)
TASK_DATA = (RegistrationData, TaskFact)


def target(
    metric: str, value: Quantity, *, unit: str = "item", direction: Direction = Direction.at_least
) -> Target:
    return Target(metric=metric, unit=unit, target=value, direction=direction)


class Log:
    """Records events in the order they are made; each gets the next minute and position, and
    (``numbered``, as since 1.2) the next number of its task."""

    def __init__(self, start: datetime = START, *, numbered: bool = True) -> None:
        self.events: list[tuple[AnyEvent, str]] = []
        self.clock = start
        self.numbered = numbered
        self.versions: dict[str, int] = {}

    def add(
        self,
        data: EventData,
        *,
        at: datetime | None = None,
        actor: str = "a",
        role: str = "registrant",
    ) -> AnyEvent:
        self.clock = at if at is not None else self.clock + timedelta(minutes=1)
        number = len(self.events) + 1
        task = getattr(data, "task_id", None) if isinstance(data, TASK_DATA) else None
        version = None
        if task is not None and self.numbered:
            version = self.versions[task] = self.versions.get(task, 0) + 1
        event: AnyEvent = Event(
            id=f"evt-{number:05d}",
            source="/test",
            type=type(data).__name__,
            subject=subject_of(data),
            time=self.clock,
            correlationid="c",
            actor=actor,
            actorrole=role,
            taskversion=version,
            data=data,
        )
        self.events.append((event, f"{number}-0"))
        return event

    def register(
        self,
        task_id: str,
        *,
        year: int = YEAR,
        registrant: str = "r1",
        unit: str = "U01",
        unit_name: str = "Unit One",
        category: Category = Category.socio_economic,
        targets: Iterable[Target] = (),
        deadline: date | None = None,
        amend: bool = False,
        managed_by: str | None = None,
        continues: str | None = None,
        **extra: Any,
    ) -> AnyEvent:
        content: dict[str, Any] = {
            "managed_by": managed_by,
            "continues": continues,
            "task_id": task_id,
            "year": year,
            "registrant": Registrant(
                id=registrant, name=f"Name {registrant}", position="P", level=Level.department_head
            ),
            "unit": Unit(code=unit, name=unit_name),
            "title": f"Task {task_id}",
            "description": f"About {task_id}",
            "category": category,
            "kind": Kind.breakthrough,
            "targets": tuple(targets) or (target("projects", 10),),
            "deadline": deadline or date(year, 12, 31),
        }
        if amend:
            return self.add(TaskAmended(**content, amended_at=self.clock), **extra)
        return self.add(TaskRegistered(**content, registered_at=self.clock), **extra)

    def approve(self, task_id: str, year: int = YEAR, **extra: Any) -> AnyEvent:
        data = TaskApproved(task_id=task_id, year=year, decided_by="BTV", approved_at=self.clock)
        return self.add(data, **extra)

    def reject(self, task_id: str, year: int = YEAR, **extra: Any) -> AnyEvent:
        data = TaskRejected(
            task_id=task_id, year=year, decided_by="BTV", reason="no", rejected_at=self.clock
        )
        return self.add(data, **extra)

    def return_(self, task_id: str, year: int = YEAR, **extra: Any) -> AnyEvent:
        data = TaskReturned(
            task_id=task_id, year=year, decided_by="BTV", reason="revise", returned_at=self.clock
        )
        return self.add(data, **extra)

    def withdraw(self, task_id: str, year: int = YEAR, **extra: Any) -> AnyEvent:
        data = TaskWithdrawn(task_id=task_id, year=year, reason="r", withdrawn_at=self.clock)
        return self.add(data, **extra)

    def progress(
        self,
        task_id: str,
        *,
        reported_at: date,
        actuals: Mapping[str, Quantity] | None = None,
        status: ProgressStatus = ProgressStatus.in_progress,
        year: int = YEAR,
        **extra: Any,
    ) -> AnyEvent:
        data = ProgressLogged(
            task_id=task_id,
            year=year,
            reported_at=reported_at,
            actuals=tuple(Actual(metric=m, value=v) for m, v in (actuals or {}).items()),
            status=status,
        )
        return self.add(data, **extra)

    def self_assess(self, task_id: str, rating: Rating, year: int = YEAR, **extra: Any) -> AnyEvent:
        data = TaskSelfAssessed(
            task_id=task_id, year=year, rating=rating, summary="s", assessed_at=self.clock
        )
        return self.add(data, **extra)

    def evaluate(self, task_id: str, rating: Rating, year: int = YEAR, **extra: Any) -> AnyEvent:
        data = TaskEvaluated(
            task_id=task_id, year=year, rating=rating, decided_by="BTV", evaluated_at=self.clock
        )
        return self.add(data, **extra)

    def roster(
        self,
        leaders: Mapping[str, str],
        year: int = YEAR,
        *,
        managed_by: Mapping[str, str] | None = None,
        replaces: Mapping[str, tuple[str, ...]] | None = None,
        **extra: Any,
    ) -> AnyEvent:
        """``leaders``: leader id -> unit code; ``managed_by``: leader id -> committee;
        ``replaces``: unit code -> the earlier units it took over."""
        units = tuple(
            RosterUnit(code=code, name=f"Roster {code}", replaces=(replaces or {}).get(code, ()))
            for code in sorted(set(leaders.values()))
        )
        listed = tuple(
            Leader(
                id=leader,
                name=leader,
                position="P",
                level=Level.department_head,
                unit=unit,
                managed_by=(managed_by or {}).get(leader),
            )
            for leader, unit in leaders.items()
        )
        return self.add(RosterPublished(year=year, units=units, leaders=listed), **extra)

    def committees(self, tree: Mapping[str, str | None], year: int = YEAR) -> AnyEvent:
        """``tree``: committee code -> its parent (None for the root)."""
        listed = tuple(
            Committee(code=code, name=f"Committee {code}", parent=parent)
            for code, parent in tree.items()
        )
        return self.add(CommitteesPublished(year=year, committees=listed))

    def close(self, year: int = YEAR, **extra: Any) -> AnyEvent:
        return self.add(YearClosed(year=year, decided_by="admin", closed_at=self.clock), **extra)
