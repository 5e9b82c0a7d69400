"""Who acts: a person (or, for machines, a named service) holding roles.

Roles: ``registrant`` (a leader who registers and reports on their own tasks), ``approver``
(the Standing Committee's secretariat: decides, returns, evaluates), ``viewer`` (staff who
follow the totals), and ``admin``, which holds them all and may act for anyone.

Registrant ids and unit codes are compared case-insensitively: ``key`` is the one spelling
every comparison, quota and index uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    registrant = "registrant"
    approver = "approver"
    viewer = "viewer"
    admin = "admin"


def key(identifier: str) -> str:
    """The spelling of a registrant id or unit code that comparisons use (``Hung`` = ``hung``)."""
    return identifier.casefold()


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: ``id`` is what events record as their ``actor``.

    ``person`` is the id of the person (compared through ``key``), or None for a service;
    ``unit`` the unit their identity carries, if any (it scopes what a viewer sees)."""

    id: str
    roles: frozenset[Role]
    person: str | None = None
    unit: str | None = None

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
    def unit_scope(self) -> str | None:
        """The one unit this caller may see: set for a caller who is only a viewer and whose
        identity carries a unit (an OIDC unit claim)."""
        if self.unit is None or self.roles != {Role.viewer}:
            return None
        return key(self.unit)
