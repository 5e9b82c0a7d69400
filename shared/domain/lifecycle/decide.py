"""``decide``: the event a command makes of a task's state, or a refusal saying why not.

Pure: it reads the state, the command, the roster and the context (who asks, when), and does
no I/O. What must hold across replicas (the registrant's quota, one decision per task, a
closed year) is enforced again, atomically, where the events are appended
(``shared.log.store``); a write that loses such a race is decided again on the new state.

An event of an existing task is stamped no earlier than the task's latest event, so the
order of a task's events by time is the order in which they were decided, whatever clocks
the services' hosts keep.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import singledispatch

from shared.domain.events import (
    AnyEvent,
    EventData,
    ProgressLogged,
    TaskApproved,
    TaskEvaluated,
    TaskRejected,
    TaskReturned,
    TaskSelfAssessed,
    TaskWithdrawn,
    new_event,
)
from shared.domain.people import Role
from shared.domain.programme import Roster
from shared.domain.refusals import Conflict, Forbidden, NotFound, Refusal

from .commands import (
    Amend,
    Approve,
    Command,
    Context,
    Evaluate,
    LogProgress,
    Register,
    Reject,
    Return,
    SelfAssess,
    Withdraw,
)
from .registration import amended, registered
from .state import TaskState, TaskStatus

TICK = timedelta(microseconds=1)
EDITABLE = frozenset({TaskStatus.pending, TaskStatus.returned})


def decide(
    state: TaskState | None, command: Command, context: Context, roster: Roster | None = None
) -> AnyEvent:
    """The event ``command`` makes of the task in ``state`` (None: no such task yet)."""
    if isinstance(command, Register):
        if state is not None:
            raise Conflict(f"task {command.task_id} already exists", code="exists")
        return _event(registered(command, context, roster), context, context.now, Role.registrant)
    if state is None:
        raise NotFound("no such task", code="not_found")
    at = max(context.now, state.updated_at + TICK)
    data, role = _decided(command, state, context, roster, at)
    cause = state.basis if isinstance(command, Approve | Reject | Return) else None
    return _event(data, context, at, role, cause)


def _event(
    data: EventData, context: Context, at: datetime, role: Role, cause: str | None = None
) -> AnyEvent:
    return new_event(
        data,
        source=context.source,
        correlation_id=context.correlation_id,
        time=at,
        actor=context.actor.id,
        actor_role=context.actor.acting_as(role).value,
        causation_id=cause,
    )


Made = tuple[EventData, Role]


@singledispatch
def _decided(
    command: object, state: TaskState, context: Context, roster: Roster | None, at: datetime
) -> Made:
    raise TypeError(f"not a command: {type(command).__name__}")


@_decided.register
def _amend(
    command: Amend, state: TaskState, context: Context, roster: Roster | None, at: datetime
) -> Made:
    _own(state, context, "amend")
    _in(state, EDITABLE, "only a pending or returned task can be amended")
    return amended(command, state, context, roster, at), Role.registrant


@_decided.register
def _withdraw(
    command: Withdraw, state: TaskState, context: Context, _roster: Roster | None, at: datetime
) -> Made:
    _own(state, context, "withdraw")
    _in(state, EDITABLE, "only a pending or returned task can be withdrawn")
    data = TaskWithdrawn(
        task_id=state.task_id, year=state.year, reason=command.reason, withdrawn_at=at
    )
    return data, Role.registrant


@_decided.register(Approve)
@_decided.register(Reject)
@_decided.register(Return)
def _decision(
    command: Approve | Reject | Return,
    state: TaskState,
    context: Context,
    _roster: Roster | None,
    at: datetime,
) -> Made:
    _impartial(state, context, "decide")
    _in(state, {TaskStatus.pending}, "only a pending task can be decided")
    task, year = state.task_id, state.year
    if isinstance(command, Approve):
        data: EventData = TaskApproved(
            task_id=task,
            year=year,
            decided_by=command.decided_by,
            reference=command.reference,
            note=command.note,
            approved_at=at,
        )
    elif isinstance(command, Reject):
        data = TaskRejected(
            task_id=task,
            year=year,
            decided_by=command.decided_by,
            reason=command.reason,
            rejected_at=at,
        )
    else:
        data = TaskReturned(
            task_id=task,
            year=year,
            decided_by=command.decided_by,
            reason=command.reason,
            returned_at=at,
        )
    return data, Role.approver


@_decided.register
def _progress(
    command: LogProgress, state: TaskState, context: Context, _roster: Roster | None, at: datetime
) -> Made:
    _own(state, context, "report progress on")
    _approved(state, "logged progress")
    if command.reported_at.year != state.year:
        raise Refusal(
            f"reported_at {command.reported_at} is outside the task's year {state.year}",
            code="outside_year",
            field=("reported_at",),
            year=state.year,
        )
    if command.reported_at > context.today:
        raise Refusal(
            f"reported_at {command.reported_at} is after today ({context.today})",
            code="in_future",
            field=("reported_at",),
            today=context.today.isoformat(),
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
    data = ProgressLogged(
        task_id=state.task_id,
        year=state.year,
        reported_at=command.reported_at,
        actuals=command.actuals,
        status=command.status,
        note=command.note,
    )
    return data, Role.registrant


@_decided.register
def _self_assess(
    command: SelfAssess, state: TaskState, context: Context, _roster: Roster | None, at: datetime
) -> Made:
    _own(state, context, "self-assess")
    _approved(state, "self-assessed")
    data = TaskSelfAssessed(
        task_id=state.task_id,
        year=state.year,
        rating=command.rating,
        summary=command.summary,
        assessed_at=at,
    )
    return data, Role.registrant


@_decided.register
def _evaluate(
    command: Evaluate, state: TaskState, context: Context, _roster: Roster | None, at: datetime
) -> Made:
    _impartial(state, context, "evaluate")
    _approved(state, "evaluated")
    data = TaskEvaluated(
        task_id=state.task_id,
        year=state.year,
        rating=command.rating,
        decided_by=command.decided_by,
        reference=command.reference,
        note=command.note,
        evaluated_at=at,
    )
    return data, Role.approver


def _own(state: TaskState, context: Context, verb: str) -> None:
    """A registrant acts on their own tasks only; an admin for anyone."""
    actor = context.actor
    if actor.admin or (actor.holds(Role.registrant) and actor.is_person(state.registrant.id)):
        return
    raise Forbidden(
        f"only the task's registrant ({state.registrant.id}) or an admin may {verb} it",
        code="not_yours",
        registrant=state.registrant.id,
    )


def _impartial(state: TaskState, context: Context, verb: str) -> None:
    """The committee's acts need the approver role, and never on one's own registration."""
    actor = context.actor
    if not actor.holds(Role.approver):
        raise Forbidden(f"to {verb} a task needs the approver role", code="forbidden")
    if actor.is_person(state.registrant.id):
        raise Forbidden(
            f"you registered task {state.task_id} yourself: another member of the committee "
            f"must {verb} it",
            code="own_task",
        )


def _in(state: TaskState, allowed: frozenset[TaskStatus] | set[TaskStatus], rule: str) -> None:
    if state.status not in allowed or state.evaluation is not None:
        raise Conflict(
            f"task {state.task_id} is {state.stage}: {rule}",
            code="wrong_state",
            state=state.stage,
        )


def _approved(state: TaskState, done: str) -> None:
    if state.status is not TaskStatus.approved:
        raise Conflict(
            f"task {state.task_id} is {state.stage}, not approved: only an approved task can be "
            f"{done}",
            code="not_approved",
            state=state.stage,
        )
    if state.evaluation is not None:
        raise Conflict(
            f"task {state.task_id} is already evaluated: nothing more can be {done}",
            code="evaluated",
            state=state.stage,
        )
