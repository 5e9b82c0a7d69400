"""``decide``: the event a command makes of a task, or a refusal saying why not.

Pure: it reads the command, the context (who asks, when) and a small read model, the
``Situation``: the task, its year, the registrant's live tasks, the task a registration
continues. Every rule is checked here, and only here; the store then appends the event only
if nothing ``decide`` read has moved since (their versions), and otherwise decides again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.domain.context import Context
from shared.domain.events import (
    AnyEvent,
    EventData,
    ProgressLogged,
    TaskAmended,
    TaskApproved,
    TaskEvaluated,
    TaskRegistered,
    TaskRejected,
    TaskReturned,
    TaskSelfAssessed,
    TaskWithdrawn,
    new_event,
)
from shared.domain.people import Role
from shared.domain.programme import YearState
from shared.domain.refusals import Conflict, NotFound, Refusal

from .commands import (
    Amend,
    Approve,
    Command,
    Evaluate,
    LogProgress,
    Register,
    Reject,
    Return,
    SelfAssess,
    Withdraw,
)
from .registration import Holdings, content, may_register
from .rules import Action, refusal
from .state import TaskState

ACTIONS: dict[type[Any], Action] = {
    Amend: Action.amend,
    Withdraw: Action.withdraw,
    LogProgress: Action.report_progress,
    SelfAssess: Action.self_assess,
    Approve: Action.approve,
    Reject: Action.reject,
    Return: Action.return_,
    Evaluate: Action.evaluate,
}


@dataclass(frozen=True, slots=True)
class Situation:
    """What ``decide`` reads besides the command: the task (None: no such task yet), its
    year, the registrant's live tasks of that year (a registration's quota), and the task a
    registration says it continues (None: none, or no such task)."""

    task: TaskState | None
    year: YearState
    holdings: Holdings = field(default_factory=Holdings)
    continued: TaskState | None = None


def decide(situation: Situation, command: Command, context: Context) -> AnyEvent:
    """The event ``command`` makes of the task (the next of its ``taskversion``)."""
    state, year = situation.task, situation.year
    if isinstance(command, Register):
        if state is not None:
            raise Conflict(f"task {command.task_id} already exists", code="exists")
        return _event(_registered(command, situation, context), context, 1, Role.registrant)
    if state is None:
        raise NotFound("no such task", code="not_found")
    action = ACTIONS[type(command)]
    if (why := refusal(action, context.actor, state, year)) is not None:
        raise why
    data, role = _made(command, state, situation, context)
    cause = state.basis if action in (Action.approve, Action.reject, Action.return_) else None
    return _event(data, context, state.version + 1, role, cause)


def _event(
    data: EventData, context: Context, version: int, role: Role, cause: str | None = None
) -> AnyEvent:
    return new_event(
        data,
        source=context.source,
        correlation_id=context.correlation_id,
        time=context.now,
        actor=context.actor.id,
        actor_role=context.actor.acting_as(role).value,
        causation_id=cause,
        task_version=version,
        imported_at=context.imported_at,
    )


def _registered(command: Register, situation: Situation, context: Context) -> TaskRegistered:
    registration, year = command.registration, situation.year
    if why := may_register(context.actor, registration.registrant_id, year, situation.holdings):
        raise why
    made = content(registration, year, situation.continued, context)
    return TaskRegistered(
        task_id=command.task_id,
        year=registration.year,
        registrant=made.registrant,
        unit=made.unit,
        managed_by=made.managed_by,
        continues=made.continues,
        title=registration.title,
        description=registration.description,
        category=registration.category,
        kind=registration.kind,
        targets=registration.targets,
        deadline=registration.deadline,
        registered_at=context.now,
    )


def _made(
    command: Command, state: TaskState, situation: Situation, context: Context
) -> tuple[EventData, Role]:
    whose: dict[str, Any] = {
        "task_id": state.task_id,
        "year": state.year,
        "registrant": state.registrant,
        "unit": state.unit,
        "managed_by": situation.year.owner(state.managed_by),
    }
    committee = situation.year.owner(state.managed_by)
    at = context.now
    if isinstance(command, Amend):
        return _amended(command, state, situation, context), Role.registrant
    if isinstance(command, Withdraw):
        return TaskWithdrawn(**whose, reason=command.reason, withdrawn_at=at), Role.registrant
    if isinstance(command, Approve):
        data: EventData = TaskApproved(
            **whose,
            decided_by=command.decided_by,
            reference=command.reference,
            note=command.note,
            approved_at=at,
            committee=committee,
        )
        return data, Role.approver
    if isinstance(command, Reject):
        data = TaskRejected(
            **whose,
            decided_by=command.decided_by,
            reason=command.reason,
            rejected_at=at,
            committee=committee,
        )
        return data, Role.approver
    if isinstance(command, Return):
        data = TaskReturned(
            **whose,
            decided_by=command.decided_by,
            reason=command.reason,
            returned_at=at,
            committee=committee,
        )
        return data, Role.approver
    if isinstance(command, LogProgress):
        _progress(command, state, context)
        data = ProgressLogged(
            **whose,
            reported_at=command.reported_at,
            actuals=command.actuals,
            status=command.status,
            note=command.note,
        )
        return data, Role.registrant
    if isinstance(command, SelfAssess):
        data = TaskSelfAssessed(
            **whose, rating=command.rating, summary=command.summary, assessed_at=at
        )
        return data, Role.registrant
    assert isinstance(command, Evaluate)
    data = TaskEvaluated(
        **whose,
        rating=command.rating,
        decided_by=command.decided_by,
        reference=command.reference,
        note=command.note,
        evaluated_at=at,
        committee=committee,
    )
    return data, Role.approver


def _amended(
    command: Amend, state: TaskState, situation: Situation, context: Context
) -> TaskAmended:
    registration = command.registration
    if registration.registrant_id.casefold() != state.registrant.id.casefold():
        raise Refusal(
            f"a task's registrant cannot change (it is {state.registrant.id}); withdraw it and "
            "register a new one",
            code="registrant_fixed",
            field=("registrant", "id"),
        )
    if registration.year != state.year:
        raise Refusal(
            f"a task's year cannot change (it is {state.year}); withdraw it and register anew",
            code="year_fixed",
            field=("year",),
        )
    made = content(registration, situation.year, situation.continued, context)
    return TaskAmended(
        task_id=state.task_id,
        year=state.year,
        registrant=made.registrant,
        unit=made.unit,
        managed_by=made.managed_by,
        continues=made.continues,
        title=registration.title,
        description=registration.description,
        category=registration.category,
        kind=registration.kind,
        targets=registration.targets,
        deadline=registration.deadline,
        amended_at=context.now,
    )


def _progress(command: LogProgress, state: TaskState, context: Context) -> None:
    day = command.reported_at
    if day.year != state.year:
        raise Refusal(
            f"reported_at {day} is outside the task's year {state.year}",
            code="outside_year",
            field=("reported_at",),
            year=state.year,
        )
    if day > context.today:
        raise Refusal(
            f"reported_at {day} is after today ({context.today})",
            code="in_future",
            field=("reported_at",),
            today=context.today.isoformat(),
        )
    registered_on = _day(state.registered_at, context)
    if not context.actor.admin and day < registered_on:
        raise Refusal(
            f"reported_at {day} is before the task was registered ({registered_on})",
            code="before_registration",
            field=("reported_at",),
            registered=registered_on.isoformat(),
        )
    metrics = {target.metric for target in state.targets}
    seen: set[str] = set()
    for index, actual in enumerate(command.actuals):
        where = ("actuals", index, "metric")
        if actual.metric not in metrics:
            raise Refusal(
                f"the task has no target for metric {actual.metric!r} "
                f"(its metrics: {', '.join(sorted(metrics))})",
                code="unknown_metric",
                field=where,
                metric=actual.metric,
            )
        if actual.metric in seen:
            raise Refusal(
                f"metric {actual.metric!r} reported twice", code="duplicate_metric", field=where
            )
        seen.add(actual.metric)


def _day(moment: datetime, context: Context) -> date:
    return moment.astimezone(context.zone).date()


RANK = {404: 0, 403: 1, 409: 2, 422: 3}


def refused_batch(refused: list[tuple[str, Refusal]]) -> Refusal:
    """A batch is all or nothing: the one refusal of a batch whose tasks were refused,
    naming every task refused the first way (unknown, then not the caller's to decide, then
    in a state that cannot be decided, then anything else)."""
    first = min(refused, key=lambda pair: RANK.get(pair[1].status, 4))[1]
    named = [(task, why) for task, why in refused if why.status == first.status]
    tasks = [task for task, _ in named]
    shown = ", ".join(
        f"{task} ({why.ctx['state']})" if "state" in why.ctx else task for task, why in named
    )
    return type(first)(
        f"{len(named)} of the tasks cannot be decided: {shown}; nothing was written",
        code=first.code,
        tasks=tasks,
    )
