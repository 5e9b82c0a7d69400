"""A year's programme beside its tasks: who is expected to register (the roster), which
committees approve whom (the committees, a tree under one root), and whether the year is
closed. ``YearState`` is the year as its events make it (``evolve_year``); ``decide_year``
answers an admin's command about the year with its event, or a refusal.

The year's events are applied in the order of their stream (the roster and committees share
one): the latest roster and the latest committees are in force; the first closure counts.
A year that published no committees has one, the root, code ``root``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import msgspec

from shared.domain.events import (
    ROOT,
    AnyEvent,
    Committee,
    CommitteesPublished,
    Leader,
    RosterPublished,
    RosterUnit,
    YearClosed,
    new_event,
)
from shared.domain.people import Role, is_identifier, key
from shared.domain.refusals import Conflict, Forbidden, Refusal

from .context import Context

MAX_COMMITTEES = 1_000
Where = Callable[[str, int, str], tuple[str | int, ...]]
"""Names the place of a refused item: (its list, its index, its field) -> a ``loc``."""


def listed(part: str, index: int, name: str) -> tuple[str | int, ...]:
    """Where an item of a JSON body is: ``units``/``leaders``/``committees``, index, field."""
    return part, index, name


class YearState(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    year: int
    roster: RosterPublished | None = None
    roster_event: str | None = None
    committees: tuple[Committee, ...] = ()
    committees_event: str | None = None
    closure: YearClosed | None = None
    closure_event: str | None = None
    version: int = 0
    """How many of the year's events made this state (the store checks it did not move)."""

    @property
    def closed(self) -> bool:
        return self.closure is not None

    @property
    def root(self) -> str:
        """The code of the year's root committee (``root`` while none was published)."""
        return next((c.code for c in self.committees if c.parent is None), ROOT)

    def leader(self, leader_id: str) -> Leader | None:
        if self.roster is None:
            return None
        wanted = key(leader_id)
        return next((x for x in self.roster.leaders if key(x.id) == wanted), None)

    def unit(self, code: str) -> RosterUnit | None:
        if self.roster is None:
            return None
        wanted = key(code)
        return next((u for u in self.roster.units if key(u.code) == wanted), None)

    def committee(self, code: str) -> Committee | None:
        if not self.committees:
            return Committee(code=ROOT, name="", parent=None) if key(code) == ROOT else None
        wanted = key(code)
        return next((c for c in self.committees if c.code == wanted), None)

    def owner(self, managed_by: str | None) -> str:
        """The committee that manages a task said to be managed by ``managed_by``: that one
        while the year lists it, else the root (a task before 1.2; a committee dropped)."""
        if managed_by is not None and self.committee(managed_by) is not None:
            return key(managed_by)
        return self.root

    def subtree(self, code: str) -> frozenset[str]:
        """``code`` and every committee below it."""
        found = {key(code)}
        grew = True
        while grew:
            below = {c.code for c in self.committees if c.parent in found} - found
            found |= below
            grew = bool(below)
        return frozenset(found)

    def managed_by(self, leader: Leader | None) -> str:
        """The committee a roster leader is managed by (the root when it names none)."""
        if leader is None or leader.managed_by is None:
            return self.root
        return self.owner(leader.managed_by)


def evolve_year(state: YearState, event: AnyEvent) -> YearState:
    data = event.data
    bumped = state.version + 1
    if isinstance(data, RosterPublished):
        return msgspec.structs.replace(state, roster=data, roster_event=event.id, version=bumped)
    if isinstance(data, CommitteesPublished):
        return msgspec.structs.replace(
            state, committees=data.committees, committees_event=event.id, version=bumped
        )
    if isinstance(data, YearClosed) and state.closure is None:
        return msgspec.structs.replace(state, closure=data, closure_event=event.id, version=bumped)
    return msgspec.structs.replace(state, version=bumped)


@dataclass(frozen=True, slots=True)
class PublishRoster:
    units: tuple[RosterUnit, ...]
    leaders: tuple[Leader, ...]
    where: Where = listed


@dataclass(frozen=True, slots=True)
class PublishCommittees:
    committees: tuple[Committee, ...]
    where: Where = listed


@dataclass(frozen=True, slots=True)
class CloseYear:
    decided_by: str
    reference: str | None = None


YearCommand = PublishRoster | PublishCommittees | CloseYear


def decide_year(state: YearState, command: YearCommand, context: Context) -> AnyEvent | None:
    """The event an admin's command makes of the year, or None when it would publish what is
    in force already (nothing to write: the answer is the event in force)."""
    if not context.actor.admin:
        raise Forbidden("this needs the admin role", code="forbidden")
    if state.closed:
        verb = "is already closed" if isinstance(command, CloseYear) else "is closed"
        raise Conflict(f"year {state.year} {verb}", code="year_closed", year=state.year)
    if isinstance(command, CloseYear):
        data: YearClosed | RosterPublished | CommitteesPublished = YearClosed(
            year=state.year,
            decided_by=command.decided_by,
            reference=command.reference,
            closed_at=context.now,
        )
    elif isinstance(command, PublishRoster):
        data = roster_of(state, command)
        if state.roster == data:
            return None
    else:
        data = committees_of(state.year, command)
        if state.committees == data.committees:
            return None
    return new_event(
        data,
        source=context.source,
        correlation_id=context.correlation_id,
        time=context.now,
        actor=context.actor.id,
        actor_role=Role.admin.value,
        imported_at=context.imported_at,
    )


def roster_of(state: YearState, command: PublishRoster) -> RosterPublished:
    """The roster in canonical form, once its rules hold: ids and codes unique (without
    case), every leader's unit listed, their committee one of the year's."""
    where = command.where
    units: list[RosterUnit] = []
    codes: dict[str, int] = {}
    for index, unit in enumerate(command.units):
        code = key(unit.code)
        _once(code, index, codes, command.where, ("units", "code"), f"unit {unit.code!r}")
        replaces = tuple(dict.fromkeys(key(c) for c in unit.replaces))
        if code in replaces:
            raise Refusal(
                f"unit {unit.code!r} cannot replace itself",
                code="replaces_itself",
                field=where("units", index, "replaces"),
            )
        units.append(RosterUnit(code=code, name=unit.name, replaces=replaces))
    leaders: list[Leader] = []
    ids: dict[str, int] = {}
    for index, leader in enumerate(command.leaders):
        ident = key(leader.id)
        _once(ident, index, ids, command.where, ("leaders", "id"), f"leader {leader.id!r}")
        if key(leader.unit) not in codes:
            raise Refusal(
                f"leader {leader.id!r} belongs to unit {leader.unit!r}, which the roster "
                "does not list",
                code="unknown_unit",
                field=where("leaders", index, "unit"),
                unit=leader.unit,
            )
        managed_by = None if leader.managed_by is None else key(leader.managed_by)
        if managed_by is not None and state.committee(managed_by) is None:
            raise Refusal(
                f"leader {leader.id!r} is managed by committee {leader.managed_by!r}, which "
                f"{state.year} does not list (publish the committees first)",
                code="unknown_committee",
                field=where("leaders", index, "managed_by"),
                committee=leader.managed_by,
            )
        leaders.append(
            msgspec.structs.replace(leader, id=ident, unit=key(leader.unit), managed_by=managed_by)
        )
    return RosterPublished(year=state.year, units=tuple(units), leaders=tuple(leaders))


def committees_of(year: int, command: PublishCommittees) -> CommitteesPublished:
    """The committees in canonical form, once they make one tree: codes unique (without
    case), exactly one root, every other parent listed, no cycle."""
    where, entries = command.where, command.committees
    if not entries:
        raise Refusal("no committee is listed", code="missing", field=("committees",))
    codes: dict[str, int] = {}
    for index, committee in enumerate(entries):
        what = f"committee {committee.code!r}"
        _once(key(committee.code), index, codes, where, ("committees", "code"), what)
    roots = [i for i, c in enumerate(entries) if c.parent is None]
    if len(roots) != 1:
        index = roots[1] if roots else 0
        message = "exactly one committee has no parent (the root); "
        message += f"{len(roots)} have none" if roots else "every one has a parent"
        field = where("committees", index, "parent")
        raise Refusal(message, code="roots", field=field, roots=len(roots))
    parent_of = {key(c.code): None if c.parent is None else key(c.parent) for c in entries}
    for index, committee in enumerate(entries):
        parent = parent_of[key(committee.code)]
        if parent is not None and parent not in parent_of:
            raise Refusal(
                f"committee {committee.code!r} names parent {committee.parent!r}, which is "
                "not listed",
                code="unknown_parent",
                field=where("committees", index, "parent"),
            )
    for index, committee in enumerate(entries):
        seen: set[str] = set()
        code: str | None = key(committee.code)
        while code is not None:
            if code in seen:
                raise Refusal(
                    f"committee {committee.code!r} is below itself (a cycle of parents)",
                    code="cycle",
                    field=where("committees", index, "parent"),
                )
            seen.add(code)
            code = parent_of[code]
    return CommitteesPublished(
        year=year,
        committees=tuple(
            Committee(
                code=key(c.code), name=c.name, parent=None if c.parent is None else key(c.parent)
            )
            for c in entries
        ),
    )


def _once(
    value: str,
    index: int,
    seen: dict[str, int],
    where: Where,
    place: tuple[str, str],
    what: str,
) -> None:
    """``value`` (an id or code, canonical) not listed before, or a refusal naming both
    places (``place``: the list and the field)."""
    part, name = place
    if value in seen:
        first = where(part, seen[value], name)
        also = f"on row {first[1]}" if first[0] == "row" else f"at {first[0]}[{first[1]}]"
        raise Refusal(
            f"{what} is listed twice (also {also})",
            code=f"duplicate_{part.removesuffix('s')}",
            field=where(part, index, name),
        )
    seen[value] = index


def check_identifiers(values: Sequence[tuple[tuple[str | int, ...], str]]) -> None:
    """Every value wholly an identifier (edges check this; here for a CSV's cells)."""
    for field, value in values:
        if not is_identifier(value):
            raise Refusal(
                "an identifier is 1-64 of A-Z a-z 0-9 _ -",
                code="string_pattern_mismatch",
                field=field,
            )


def replaced_by(states: Sequence[YearState]) -> dict[str, str]:
    """Earlier units' codes -> the code of the unit that took them over, transitively, from
    the rosters of ``states`` (years in any order; a later year's roster wins)."""
    direct: dict[str, str] = {}
    for state in sorted(states, key=lambda s: s.year):
        if state.roster is not None:
            for unit in state.roster.units:
                for old in unit.replaces:
                    direct[old] = unit.code
    mapped: dict[str, str] = {}
    for old in direct:
        current, seen = old, {old}
        while current in direct and direct[current] not in seen:
            current = direct[current]
            seen.add(current)
        mapped[old] = current
    return mapped
