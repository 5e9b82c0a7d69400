"""Who acts: a person (or, for machines, a named service) holding roles, maybe of a unit or a
committee.

Roles: ``registrant`` (a leader who registers and reports on their own tasks), ``approver``
(a Standing Committee's secretariat: decides, returns, evaluates), ``viewer`` (staff who
follow the totals), and ``admin``, which holds them all and may act for anyone.

Identifiers (person ids, registrant ids, unit and committee codes) are 1-64 of
``A-Z a-z 0-9 _ -`` and are compared without case: ``key`` is their one canonical form, the
form they are stored in and compared by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

IDENTIFIER = r"^[A-Za-z0-9_-]{1,64}$"
"""The JSON Schema pattern of an identifier (a request's, a path's)."""
_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_identifier(value: object) -> bool:
    """Whether ``value`` is wholly an identifier (``re.fullmatch``: no trailing newline)."""
    return isinstance(value, str) and _IDENTIFIER.fullmatch(value) is not None


def key(identifier: str) -> str:
    """The canonical form of an identifier (``Hung`` and ``hung`` are one person)."""
    return identifier.casefold()


class Role(StrEnum):
    registrant = "registrant"
    approver = "approver"
    viewer = "viewer"
    admin = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: ``id`` is what events record as their ``actor``.

    ``person`` is the id of the person (canonical), or None for a service; ``unit`` and
    ``committee`` what their identity carries, if anything (canonical): they scope what the
    caller reads and, for an approver, which committee's tasks they decide."""

    id: str
    roles: frozenset[Role]
    person: str | None = None
    unit: str | None = None
    committee: str | None = None

    @property
    def admin(self) -> bool:
        return Role.admin in self.roles

    def holds(self, role: Role) -> bool:
        return self.admin or role in self.roles

    def acting_as(self, role: Role) -> Role:
        """The role recorded for an act that needs ``role``: that role if held, else admin."""
        return role if role in self.roles else Role.admin

    def is_person(self, identifier: str) -> bool:
        return self.person is not None and key(self.person) == key(identifier)

    @property
    def scoped(self) -> bool:
        """Whether what the caller reads is narrowed by a unit or a committee of their
        identity (an admin's never is)."""
        return not self.admin and (self.unit is not None or self.committee is not None)
