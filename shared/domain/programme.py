"""The year's programme beside its tasks: the roster of who is expected to register, and the
year's closure. Pure rules, like ``shared.domain.lifecycle``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from shared.domain.events import (
    AnyEvent,
    Event,
    Leader,
    RosterPublished,
    Unit,
    YearClosed,
    new_event,
)
from shared.domain.lifecycle.commands import Context
from shared.domain.people import Role, key
from shared.domain.refusals import Conflict, Forbidden, Refusal


@dataclass(frozen=True, slots=True)
class Roster:
    """The units and leaders expected to register in ``year`` (the latest one published)."""

    year: int
    units: tuple[Unit, ...]
    leaders: tuple[Leader, ...]
    _leaders: dict[str, Leader] = field(init=False, repr=False, compare=False)
    _units: dict[str, Unit] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_leaders", {key(leader.id): leader for leader in self.leaders})
        object.__setattr__(self, "_units", {key(unit.code): unit for unit in self.units})

    @classmethod
    def of(cls, data: RosterPublished) -> Roster:
        return cls(data.year, data.units, data.leaders)

    def leader(self, leader_id: str) -> Leader | None:
        return self._leaders.get(key(leader_id))

    def unit(self, code: str) -> Unit | None:
        return self._units.get(key(code))


def publish_roster(
    year: int,
    units: tuple[Unit, ...],
    leaders: tuple[Leader, ...],
    context: Context,
) -> Event[RosterPublished]:
    """The roster as an event, once its rules hold: every leader's unit is listed, and no id
    or code appears twice (compared case-insensitively). A later roster replaces it."""
    if not context.actor.admin:
        raise Forbidden("publishing a roster needs the admin role", code="forbidden")
    codes: set[str] = set()
    for index, unit in enumerate(units):
        if key(unit.code) in codes:
            raise Refusal(
                f"unit {unit.code!r} is listed twice",
                code="duplicate_unit",
                field=("units", index, "code"),
                unit=unit.code,
            )
        codes.add(key(unit.code))
    ids: set[str] = set()
    for index, leader in enumerate(leaders):
        if key(leader.id) in ids:
            raise Refusal(
                f"leader {leader.id!r} is listed twice",
                code="duplicate_leader",
                field=("leaders", index, "id"),
                leader=leader.id,
            )
        ids.add(key(leader.id))
        if key(leader.unit) not in codes:
            raise Refusal(
                f"leader {leader.id!r} belongs to unit {leader.unit!r}, which the roster does "
                "not list",
                code="unknown_unit",
                field=("leaders", index, "unit"),
                unit=leader.unit,
            )
    data = RosterPublished(year=year, units=units, leaders=leaders)
    return _event(data, context, Role.admin)


def close_year(
    year: int, closed: bool, decided_by: str, reference: str | None, context: Context
) -> Event[YearClosed]:
    """The year's closure: from then on nothing of that year is written, its reports final."""
    if not context.actor.admin:
        raise Forbidden("closing a year needs the admin role", code="forbidden")
    if closed:
        raise Conflict(f"year {year} is already closed", code="year_closed", year=year)
    data = YearClosed(year=year, decided_by=decided_by, reference=reference, closed_at=context.now)
    return _event(data, context, Role.admin)


D = TypeVar("D", RosterPublished, YearClosed)


def _event(data: D, context: Context, role: Role) -> Event[D]:
    return new_event(
        data,
        source=context.source,
        correlation_id=context.correlation_id,
        time=context.now,
        actor=context.actor.id,
        actor_role=context.actor.acting_as(role).value,
    )


def latest_roster(events: list[AnyEvent]) -> Roster | None:
    """The roster in force: the latest RosterPublished by (time, event id)."""
    published = [e for e in events if isinstance(e.data, RosterPublished)]
    if not published:
        return None
    newest = max(published, key=lambda e: (e.time, e.id))
    assert isinstance(newest.data, RosterPublished)
    return Roster.of(newest.data)


def closing(events: list[AnyEvent]) -> datetime | None:
    """When the year was closed: its earliest YearClosed, if any."""
    times = [e.time for e in events if isinstance(e.data, YearClosed)]
    return min(times) if times else None
