"""The rules of a registration's content, shared by registering and amending a task."""

from __future__ import annotations

from datetime import datetime

from shared.domain.events import Registrant, TaskAmended, TaskRegistered, Unit
from shared.domain.people import Role, key
from shared.domain.programme import Roster
from shared.domain.refusals import Forbidden, Refusal

from .commands import Amend, Context, Register, Registration
from .state import TaskState

FIRST_YEAR = 2000


def registered(command: Register, context: Context, roster: Roster | None) -> TaskRegistered:
    content = command.registration
    actor = context.actor
    if not actor.holds(Role.registrant):
        raise Forbidden("registering a task needs the registrant role", code="forbidden")
    if not actor.admin and not actor.is_person(content.registrant_id):
        raise Forbidden(
            f"you register tasks for yourself only ({actor.person}), not for "
            f"{content.registrant_id!r}",
            code="not_yourself",
            field=("registrant", "id"),
        )
    registrant, unit = _who(content, roster)
    _check(content, context)
    return TaskRegistered(
        task_id=command.task_id,
        year=content.year,
        registrant=registrant,
        unit=unit,
        title=content.title,
        description=content.description,
        category=content.category,
        kind=content.kind,
        targets=content.targets,
        deadline=content.deadline,
        registered_at=context.now,
    )


def amended(
    command: Amend, state: TaskState, context: Context, roster: Roster | None, at: datetime
) -> TaskAmended:
    content = command.registration
    if key(content.registrant_id) != key(state.registrant.id):
        raise Refusal(
            f"a task's registrant cannot change (it is {state.registrant.id}); withdraw it and "
            "register a new one",
            code="registrant_fixed",
            field=("registrant", "id"),
        )
    if content.year != state.year:
        raise Refusal(
            f"a task's year cannot change (it is {state.year}); withdraw it and register anew",
            code="year_fixed",
            field=("year",),
        )
    registrant, unit = _who(content, roster)
    _check(content, context)
    return TaskAmended(
        task_id=state.task_id,
        year=state.year,
        registrant=registrant,
        unit=unit,
        title=content.title,
        description=content.description,
        category=content.category,
        kind=content.kind,
        targets=content.targets,
        deadline=content.deadline,
        amended_at=at,
    )


def _who(content: Registration, roster: Roster | None) -> tuple[Registrant, Unit]:
    """The registrant and unit: as given, completed from the roster when the year has one."""
    leader = None
    if roster is not None:
        leader = roster.leader(content.registrant_id)
        if leader is None:
            raise Refusal(
                f"{content.registrant_id!r} is not on the {content.year} roster of leaders "
                "expected to register",
                code="not_on_roster",
                field=("registrant", "id"),
            )
    name = content.name or (leader.name if leader else None)
    position = content.position or (leader.position if leader else None)
    level = content.level or (leader.level if leader else None)
    unit = content.unit
    if unit is None and leader is not None and roster is not None:
        unit = roster.unit(leader.unit)
    missing = [
        field
        for field, value in (("name", name), ("position", position), ("level", level))
        if value is None
    ]
    if missing:
        raise Refusal(
            f"registrant {missing[0]} is required (the year has no roster to take it from)",
            code="missing",
            field=("registrant", missing[0]),
        )
    if unit is None:
        raise Refusal(
            "unit is required (the year has no roster to take it from)",
            code="missing",
            field=("unit",),
        )
    assert name is not None
    assert position is not None
    assert level is not None
    registrant = Registrant(id=content.registrant_id, name=name, position=position, level=level)
    return registrant, unit


def _check(content: Registration, context: Context) -> None:
    latest = context.today.year + 1
    if not FIRST_YEAR <= content.year <= latest:
        raise Refusal(
            f"year must be from {FIRST_YEAR} to {latest}",
            code="year_range",
            field=("year",),
            first=FIRST_YEAR,
            last=latest,
        )
    if content.deadline.year != content.year:
        raise Refusal(
            f"deadline {content.deadline} is outside the task's year {content.year}",
            code="outside_year",
            field=("deadline",),
            year=content.year,
        )
    seen: set[str] = set()
    for index, target in enumerate(content.targets):
        if target.metric in seen:
            raise Refusal(
                f"two targets share the metric {target.metric!r}",
                code="duplicate_metric",
                field=("targets", index, "metric"),
            )
        seen.add(target.metric)
