"""Who may do what with a task, and who may read it: each rule once.

``refusal`` says why a person may not take an action on a task now (None: they may); ``decide``
raises it, ``allowed`` lists the actions it lets through, so that a page offers exactly what
the services would accept. ``may_read`` and ``reading_scope`` say what a person may see.
"""

from __future__ import annotations

from enum import StrEnum

from shared.domain.people import Actor, Role, key
from shared.domain.programme import YearState
from shared.domain.refusals import Conflict, Forbidden, Refusal

from .state import EDITABLE, TaskState, TaskStatus


class Action(StrEnum):
    """What can be done with a task."""

    amend = "amend"
    withdraw = "withdraw"
    report_progress = "report_progress"
    self_assess = "self_assess"
    approve = "approve"
    reject = "reject"
    return_ = "return"
    evaluate = "evaluate"


REGISTRANTS = frozenset({Action.amend, Action.withdraw, Action.report_progress, Action.self_assess})
"""The registrant's acts (an admin may take them for anyone); the others are the committee's."""
DECISIONS = frozenset({Action.approve, Action.reject, Action.return_})
VERBS = {
    Action.amend: "amend",
    Action.withdraw: "withdraw",
    Action.report_progress: "report progress on",
    Action.self_assess: "self-assess",
    Action.approve: "decide",
    Action.reject: "decide",
    Action.return_: "decide",
    Action.evaluate: "evaluate",
}


def refusal(action: Action, actor: Actor, state: TaskState, year: YearState) -> Refusal | None:
    """Why ``actor`` may not take ``action`` on the task now, or None when they may. In the
    order a caller is told: who they are (403), the year (409), the task's state (409)."""
    verb = VERBS[action]
    if action in REGISTRANTS:
        own = actor.holds(Role.registrant) and actor.is_person(state.registrant.id)
        if not (actor.admin or own):
            return Forbidden(
                f"only the task's registrant ({state.registrant.id}) or an admin may {verb} it",
                code="not_yours",
                registrant=state.registrant.id,
            )
    else:
        if not actor.holds(Role.approver):
            return Forbidden(f"to {verb} a task needs the approver role", code="forbidden")
        if actor.is_person(state.registrant.id):
            return Forbidden(
                f"you registered task {state.task_id} yourself: another member of the "
                f"committee must {verb} it",
                code="own_task",
            )
        mine, theirs = committee_of(actor, year), year.owner(state.managed_by)
        if not actor.admin and mine != theirs:
            return Forbidden(
                f"task {state.task_id} is managed by committee {theirs}; you act for {mine}",
                code="other_committee",
                committee=theirs,
            )
    if year.closed:
        return Conflict(
            f"year {state.year} is closed: nothing more is written for it",
            code="year_closed",
            year=state.year,
        )
    return _state_refusal(action, state)


def _state_refusal(action: Action, state: TaskState) -> Refusal | None:
    stage = state.stage
    if action in (Action.amend, Action.withdraw):
        if state.status not in EDITABLE:
            return Conflict(
                f"task {state.task_id} is {stage}: only a pending or returned task can be "
                f"{'amended' if action is Action.amend else 'withdrawn'}",
                code="wrong_state",
                state=stage,
            )
    elif action in DECISIONS:
        if state.status is not TaskStatus.pending:
            return Conflict(
                f"task {state.task_id} is {stage}: only a pending task can be decided",
                code="wrong_state",
                state=stage,
            )
    elif state.status is not TaskStatus.approved:
        return Conflict(
            f"task {state.task_id} is {stage}, not approved: only an approved task can be "
            f"{_done(action)}",
            code="not_approved",
            state=stage,
        )
    elif state.evaluation is not None:
        return Conflict(
            f"task {state.task_id} is already evaluated: nothing more can be {_done(action)}",
            code="evaluated",
            state=stage,
        )
    return None


def _done(action: Action) -> str:
    return {
        Action.report_progress: "logged progress",
        Action.self_assess: "self-assessed",
    }.get(action, "evaluated")


def allowed(actor: Actor, state: TaskState, year: YearState) -> list[Action]:
    """What ``actor`` may do with the task now (what the services would accept)."""
    return [action for action in Action if refusal(action, actor, state, year) is None]


def committee_of(actor: Actor, year: YearState) -> str:
    """The committee an approver acts for: their identity's, else the year's root."""
    return key(actor.committee) if actor.committee else year.root


def in_scope(actor: Actor, state: TaskState, year: YearState) -> bool:
    """Whether the task is within the unit and committee the caller's identity carries."""
    if not actor.scoped:
        return True
    if actor.unit is not None and key(state.unit.code) != key(actor.unit):
        return False
    return actor.committee is None or year.owner(state.managed_by) in year.subtree(actor.committee)


def may_read(actor: Actor, state: TaskState, year: YearState) -> bool:
    """Their own tasks, for everyone; every task in their scope, for a viewer or an approver
    (an admin sees everything)."""
    if actor.admin or actor.is_person(state.registrant.id):
        return True
    readers = actor.holds(Role.viewer) or actor.holds(Role.approver)
    return readers and in_scope(actor, state, year)


def reading_scope(
    actor: Actor, unit: str | None, committee: str | None, year: YearState
) -> tuple[str | None, str | None]:
    """The unit and committee a report or list is narrowed to: what the caller asks for,
    within what their identity carries (asking beyond it is a 403)."""
    if actor.scoped and actor.unit is not None:
        if unit is not None and key(unit) != key(actor.unit):
            raise Forbidden(
                f"you see unit {actor.unit} only, not {unit!r}",
                code="other_unit",
                field=("query", "unit"),
            )
        unit = actor.unit
    if actor.scoped and actor.committee is not None:
        if committee is not None and key(committee) not in year.subtree(actor.committee):
            raise Forbidden(
                f"you see committee {actor.committee} and those below it only, not {committee!r}",
                code="other_committee",
                field=("query", "committee"),
            )
        committee = committee or actor.committee
    return (None if unit is None else key(unit)), (None if committee is None else key(committee))
