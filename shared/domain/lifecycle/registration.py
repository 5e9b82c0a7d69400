"""The rules of a registration: who may register, and what a registration may say (shared by
registering and amending a task)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.context import Context
from shared.domain.events import Registrant, Unit
from shared.domain.people import Actor, Role, key
from shared.domain.programme import YearState
from shared.domain.refusals import Conflict, Forbidden, Refusal

from .commands import Registration
from .state import TaskState

FIRST_YEAR = 2000


class YearAction(StrEnum):
    """What can be done in a year besides acting on a task."""

    register = "register"
    publish_roster = "publish_roster"
    publish_committees = "publish_committees"
    close = "close"


@dataclass(frozen=True, slots=True)
class Holdings:
    """A registrant's live (pending, returned or approved) tasks of a year: their quota."""

    tasks: tuple[str, ...] = ()
    quota: int = 2

    @property
    def full(self) -> bool:
        return len(self.tasks) >= self.quota


def may_register(
    actor: Actor, registrant_id: str, year: YearState, holdings: Holdings
) -> Refusal | None:
    """Why ``actor`` may not register a task for ``registrant_id`` in the year (None: they
    may): the role, themselves only (an admin for anyone), an open year, the quota."""
    if not actor.holds(Role.registrant):
        return Forbidden("registering a task needs the registrant role", code="forbidden")
    if not actor.admin and not actor.is_person(registrant_id):
        return Forbidden(
            f"you register tasks for yourself only ({actor.person}), not for {registrant_id!r}",
            code="not_yourself",
            field=("registrant", "id"),
        )
    if year.closed:
        return Conflict(
            f"year {year.year} is closed: nothing more is written for it",
            code="year_closed",
            year=year.year,
        )
    if holdings.full:
        return Conflict(
            f"registrant {registrant_id!r} already holds {holdings.quota} live (pending, "
            f"returned or approved) tasks for {year.year}; a withdrawn or rejected task frees "
            "its slot",
            code="quota",
            quota=holdings.quota,
        )
    return None


def last_year(today: date) -> int:
    """The latest year tasks may be registered for: next year."""
    return today.year + 1


def in_range(year: int, today: date) -> bool:
    """Whether tasks may be registered for ``year``: from ``FIRST_YEAR`` to next year."""
    return FIRST_YEAR <= year <= last_year(today)


def year_allowed(
    actor: Actor, year: YearState, holdings: Holdings | None, today: date
) -> list[YearAction]:
    """What ``actor`` may do in the year (registering: for themselves, if they are a
    registrant on the roster of a year that has one, in a year in range)."""
    found: list[YearAction] = []
    person = actor.person
    if (
        person is not None
        and in_range(year.year, today)
        and holdings is not None
        and may_register(actor, person, year, holdings) is None
        and (year.roster is None or year.leader(person) is not None)
    ):
        found.append(YearAction.register)
    if actor.admin and not year.closed:
        found += [YearAction.publish_roster, YearAction.publish_committees, YearAction.close]
    return found


@dataclass(frozen=True, slots=True)
class Content:
    """What a registration records (``TaskRegistered``'s and ``TaskAmended``'s data)."""

    registrant: Registrant
    unit: Unit
    managed_by: str
    continues: str | None


def content(
    registration: Registration,
    year: YearState,
    continued: TaskState | None,
    context: Context,
) -> Content:
    """What a registration records, once its content keeps the rules: the year in range, the
    registrant as the roster has them (when the year has one), the task it continues, the
    deadline in the year, no metric twice."""
    latest = last_year(context.today)
    if not in_range(registration.year, context.today):
        raise Refusal(
            f"year must be from {FIRST_YEAR} to {latest}",
            code="year_range",
            field=("year",),
            first=FIRST_YEAR,
            last=latest,
        )
    registrant, unit, managed_by = _who(registration, year)
    if registration.continues is not None:
        _continues(registration, continued, registrant, unit)
    if registration.deadline.year != registration.year:
        raise Refusal(
            f"deadline {registration.deadline} is outside the task's year {registration.year}",
            code="outside_year",
            field=("deadline",),
            year=registration.year,
        )
    seen: set[str] = set()
    for index, target in enumerate(registration.targets):
        if target.metric in seen:
            raise Refusal(
                f"two targets share the metric {target.metric!r}",
                code="duplicate_metric",
                field=("targets", index, "metric"),
            )
        seen.add(target.metric)
    continues = None if continued is None else continued.task_id
    return Content(registrant=registrant, unit=unit, managed_by=managed_by, continues=continues)


def _who(registration: Registration, year: YearState) -> tuple[Registrant, Unit, str]:
    """The registrant, unit and managing committee: as given without a roster; with one, as
    the roster has them (what the body gives must say the same)."""
    if year.roster is None:
        return _as_given(registration), _unit_given(registration), year.root
    leader = year.leader(registration.registrant_id)
    if leader is None:
        raise Refusal(
            f"{registration.registrant_id!r} is not on the {year.year} roster of leaders "
            "expected to register",
            code="not_on_roster",
            field=("registrant", "id"),
        )
    listed = year.unit(leader.unit)
    unit = Unit(code=leader.unit, name=listed.name if listed is not None else leader.unit)
    code = None if registration.unit_code is None else key(registration.unit_code)
    for where, sent, theirs in (
        (("registrant", "name"), registration.name, leader.name),
        (("registrant", "position"), registration.position, leader.position),
        (("registrant", "level"), registration.level, leader.level),
        (("unit", "code"), code, unit.code),
        (("unit", "name"), registration.unit_name, unit.name),
    ):
        if sent is not None and sent != theirs:
            raise Refusal(
                f"the {year.year} roster has {'.'.join(where)} {theirs!r} for {leader.id}: "
                "leave it out or send the same",
                code="roster_mismatch",
                field=where,
                roster=str(theirs),
            )
    registrant = Registrant(
        id=leader.id, name=leader.name, position=leader.position, level=leader.level
    )
    return registrant, unit, year.managed_by(leader)


def _as_given(registration: Registration) -> Registrant:
    name, position, level = registration.name, registration.position, registration.level
    for field, value in (("name", name), ("position", position), ("level", level)):
        if value is None:
            raise Refusal(
                f"registrant {field} is required (the year has no roster to take it from)",
                code="missing",
                field=("registrant", field),
            )
    assert name is not None
    assert position is not None
    assert level is not None
    return Registrant(id=key(registration.registrant_id), name=name, position=position, level=level)


def _unit_given(registration: Registration) -> Unit:
    if registration.unit_code is None or registration.unit_name is None:
        raise Refusal(
            "unit is required (the year has no roster to take it from)",
            code="missing",
            field=("unit",),
        )
    return Unit(code=key(registration.unit_code), name=registration.unit_name)


def _continues(
    registration: Registration, continued: TaskState | None, registrant: Registrant, unit: Unit
) -> None:
    field = ("continues",)
    if continued is None:
        raise Refusal(
            f"no task {registration.continues!r} to continue", code="unknown_task", field=field
        )
    if continued.year >= registration.year:
        raise Refusal(
            f"task {continued.task_id} is of {continued.year}: a task continues one of an "
            "earlier year",
            code="not_earlier",
            field=field,
        )
    same = key(continued.registrant.id) == registrant.id or key(continued.unit.code) == unit.code
    if not same:
        raise Refusal(
            f"task {continued.task_id} is another leader's of another unit: a task continues "
            "one of the same leader or the same unit",
            code="not_related",
            field=field,
        )
