"""Registration's pure core: the commands, their rules, and the events they produce.

``decide_registration`` and ``decide_progress`` take what the service knows (a clock, the
task as registration sees it) and a command, and return the event to append or raise a
``Refusal``. The per-registrant quota is decided here for a clear early answer and enforced
again atomically by the adapter's Lua script, which is what holds across replicas.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from shared.commands import Command, Conflict, Note, Refusal, Text
from shared.events import (
    Actual,
    Category,
    CloudEvent,
    Direction,
    Kind,
    Level,
    ProgressLogged,
    ProgressStatus,
    Quantity,
    Registrant,
    Target,
    TaskApproved,
    TaskRegistered,
    TaskRejected,
    Unit,
    new_event,
)
from shared.tasks import KnownTask, TaskStatus

SOURCE = "/breakthrough/registration"
MAX_TARGETS = 10
ELIGIBLE = ", ".join(level.value for level in Level)


class RegistrantIn(Command):
    id: Annotated[Text, Field(max_length=100)]
    name: Annotated[Text, Field(max_length=200)]
    position: Annotated[Text, Field(max_length=300)]
    level: Annotated[Text, Field(max_length=50)]


class UnitIn(Command):
    code: Annotated[Text, Field(max_length=50)]
    name: Annotated[Text, Field(max_length=300)]


class TargetIn(Command):
    metric: Annotated[Text, Field(max_length=200)]
    unit: Annotated[Text, Field(max_length=50)]
    target: Annotated[Quantity, Field(gt=0)]
    direction: Direction = Direction.at_least


class RegisterTask(Command):
    """The body of ``POST /tasks``."""

    year: int
    registrant: RegistrantIn
    unit: UnitIn
    title: Annotated[Text, Field(max_length=300)]
    description: Annotated[str, Field(max_length=5000)] = ""
    category: Category
    kind: Kind
    targets: Annotated[list[TargetIn], Field(min_length=1, max_length=MAX_TARGETS)]
    deadline: date


class ActualIn(Command):
    metric: Annotated[Text, Field(max_length=200)]
    value: Annotated[Quantity, Field(ge=0)]


class LogProgress(Command):
    """The body of ``POST /tasks/{task_id}/progress``."""

    reported_at: date
    actuals: Annotated[list[ActualIn], Field(max_length=MAX_TARGETS)]
    status: ProgressStatus
    note: Note | None = None


class QuotaExceeded(Conflict):
    """The registrant holds the maximum of live tasks for the year."""


class NotApproved(Conflict):
    """Progress is logged only against approved tasks."""


def decide_registration(
    command: RegisterTask,
    *,
    task_id: str,
    now: datetime,
    today: date,
    live_tasks: int,
    max_tasks: int,
    correlation_id: str,
) -> CloudEvent[TaskRegistered]:
    check_registration(command, today)
    if live_tasks >= max_tasks:
        raise QuotaExceeded(quota_message(command.registrant.id, command.year, max_tasks))
    data = TaskRegistered(
        task_id=task_id,
        year=command.year,
        registrant=Registrant(**command.registrant.model_dump()),
        unit=Unit(**command.unit.model_dump()),
        title=command.title,
        description=command.description,
        category=command.category,
        kind=command.kind,
        targets=tuple(Target(**t.model_dump()) for t in command.targets),
        deadline=command.deadline,
        registered_at=now,
    )
    return new_event(data, source=SOURCE, correlation_id=correlation_id, time=now)


def check_registration(command: RegisterTask, today: date) -> None:
    if command.registrant.level not in {level.value for level in Level}:
        raise Refusal(
            f"level {command.registrant.level!r} is not eligible: only leaders and managers "
            f"from deputy department head up register ({ELIGIBLE})",
            ("registrant", "level"),
        )
    if not 2000 <= command.year <= today.year + 1:
        raise Refusal(f"year must be from 2000 to {today.year + 1}", ("year",))
    if command.deadline.year != command.year:
        raise Refusal(
            f"deadline {command.deadline} is outside the task's year {command.year}",
            ("deadline",),
        )
    seen: set[str] = set()
    for index, target in enumerate(command.targets):
        if target.metric in seen:
            raise Refusal(
                f"two targets share the metric {target.metric!r}", ("targets", index, "metric")
            )
        seen.add(target.metric)


def quota_message(registrant_id: str, year: int, max_tasks: int) -> str:
    return (
        f"registrant {registrant_id!r} already holds {max_tasks} live (pending or approved) "
        f"tasks for {year}; a rejected task frees its slot"
    )


def decide_progress(
    task: KnownTask, command: LogProgress, *, now: datetime, correlation_id: str
) -> CloudEvent[ProgressLogged]:
    registered = task.registration.data
    if task.status is not TaskStatus.approved:
        raise NotApproved(f"task {registered.task_id} is {task.status.value}, not approved")
    if command.reported_at.year != registered.year:
        raise Refusal(
            f"reported_at {command.reported_at} is outside the task's year {registered.year}",
            ("reported_at",),
        )
    metrics = {target.metric for target in registered.targets}
    seen: set[str] = set()
    for index, actual in enumerate(command.actuals):
        if actual.metric not in metrics:
            raise Refusal(
                f"the task has no target for metric {actual.metric!r} "
                f"(its metrics: {', '.join(sorted(metrics))})",
                ("actuals", index, "metric"),
            )
        if actual.metric in seen:
            raise Refusal(f"metric {actual.metric!r} reported twice", ("actuals", index, "metric"))
        seen.add(actual.metric)
    data = ProgressLogged(
        task_id=registered.task_id,
        year=registered.year,
        reported_at=command.reported_at,
        actuals=tuple(Actual(metric=a.metric, value=a.value) for a in command.actuals),
        status=command.status,
        note=command.note,
    )
    return new_event(data, source=SOURCE, correlation_id=correlation_id, time=now)


def status_after(decision: TaskApproved | TaskRejected) -> TaskStatus:
    """The status a decision event gives a task (registration follows the decisions)."""
    return TaskStatus.approved if isinstance(decision, TaskApproved) else TaskStatus.rejected
