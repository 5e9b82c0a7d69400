"""The people of an end-to-end test: static tokens bound to persons (``role:token:person``).

A secured system is started with ``API_TOKENS`` naming every caller below. The tests share a
system (and so every registrant's yearly quota), so a test that registers takes registrants
of its own from a pool: ``Pool.registrant()`` hands out a person no other test has used, and
``Pool.member()`` a member of the committee who is both an approver and a registrant (two
tokens, one person).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """One token: the role it holds and the person it stands for (None: a service)."""

    role: str
    token: str
    person: str | None = None

    @property
    def entry(self) -> str:
        return f"{self.role}:{self.token}" + (f":{self.person}" if self.person else "")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> str:
        """The registrant id of a person (what a body's ``registrant.id`` names)."""
        assert self.person is not None, f"{self.role} token stands for no person"
        return self.person


def caller(role: str, person: str | None, name: str | None = None) -> Caller:
    return Caller(role, f"{role}-{name or person or 'service'}-token-0123456789", person)


APPROVER = caller("approver", "thu-ky")
"""The Standing Committee's secretariat; registers nothing."""
OTHER_APPROVER = caller("approver", "pho-ban")
VIEWER = caller("viewer", None)
"""Staff: a service token (no person)."""
ADMIN = caller("admin", "quan-tri")
SERVICE_APPROVER = caller("approver", None, "robot")
"""An approver token without a person: a service (its actor is derived from the token)."""
FIXED = (APPROVER, OTHER_APPROVER, VIEWER, ADMIN, SERVICE_APPROVER)

REGISTRANTS = 400
MEMBERS = 20


def pooled_registrant(number: int) -> Caller:
    return caller("registrant", f"leader-{number:03d}")


def pooled_member(number: int) -> tuple[Caller, Caller]:
    """(as approver, as registrant): one person, two tokens."""
    person = f"member-{number:02d}"
    return caller("approver", person), caller("registrant", person, f"{person}-own")


def api_tokens() -> str:
    """API_TOKENS for a system every caller here may call."""
    callers = [*FIXED]
    callers += [pooled_registrant(n) for n in range(REGISTRANTS)]
    callers += [token for n in range(MEMBERS) for token in pooled_member(n)]
    return ",".join(c.entry for c in callers)


class Pool:
    """Hands out people no other test has used (their quota is whole)."""

    def __init__(self) -> None:
        self._registrants = itertools.count()
        self._members = itertools.count()

    def registrant(self) -> Caller:
        number = next(self._registrants)
        assert number < REGISTRANTS, "the pool of registrants is used up: raise REGISTRANTS"
        return pooled_registrant(number)

    def member(self) -> tuple[Caller, Caller]:
        number = next(self._members)
        assert number < MEMBERS, "the pool of committee members is used up: raise MEMBERS"
        return pooled_member(number)
