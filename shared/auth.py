"""Bearer tokens and roles (the contract's Security section).

``API_TOKENS`` (or the file named by ``API_TOKENS_FILE``) lists ``role:token`` entries,
separated by commas or new lines; an entry may name its token as ``role:token:name`` (the
name is what events record; by default ``<role>-<first 8 hex of the token's SHA-256>``).
Roles: ``registrant``, ``approver``, ``viewer``, and ``admin``, which holds them all. Tokens
are compared in constant time, and never logged or written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel

from shared.http import ApiError
from shared.idempotency import check_key

_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{16,200}$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class Role(StrEnum):
    registrant = "registrant"
    approver = "approver"
    viewer = "viewer"
    admin = "admin"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is acting: the token's name and the role it holds (never the token)."""

    name: str
    role: Role

    def holds(self, role: Role) -> bool:
        return self.role is Role.admin or self.role is role


ANONYMOUS = Caller("anonymous", Role.admin)


class TokenError(ValueError):
    """API_TOKENS cannot be read; the message says which entry and why (not the token)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    secret: bytes
    caller: Caller


class Tokens:
    def __init__(self, entries: Iterable[tuple[str, Caller]]) -> None:
        self._entries = tuple(_Entry(token.encode(), caller) for token, caller in entries)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def parse(cls, text: str) -> Tokens:
        entries: list[tuple[str, Caller]] = []
        seen: set[str] = set()
        for number, raw in enumerate(re.split(r"[,\n]", text), start=1):
            entry = raw.strip()
            if not entry or entry.startswith("#"):
                continue
            role_text, _, rest = entry.partition(":")
            token, _, name = rest.partition(":")
            if role_text not in Role.__members__:
                raise TokenError(f"entry {number}: role {role_text!r} is not one of {list(Role)}")
            if not _TOKEN.match(token):
                raise TokenError(f"entry {number}: a token is 16-200 of A-Z a-z 0-9 . _ ~ + / = -")
            if name and not _NAME.match(name):
                raise TokenError(f"entry {number}: a name is 1-64 of A-Z a-z 0-9 . _ -")
            if token in seen:
                raise TokenError(f"entry {number}: the same token twice")
            seen.add(token)
            fingerprint = hashlib.sha256(token.encode()).hexdigest()[:8]
            entries.append((token, Caller(name or f"{role_text}-{fingerprint}", Role(role_text))))
        return cls(entries)

    def find(self, token: str) -> Caller | None:
        """The caller holding ``token``; every entry is compared, in constant time."""
        given = token.encode()
        found: Caller | None = None
        for entry in self._entries:
            if hmac.compare_digest(entry.secret, given):
                found = entry.caller
        return found


Guard = Callable[[Request], Awaitable[Caller]]
Requires = Callable[..., Guard]


def guard(tokens: Tokens | None) -> Requires:
    """``requires(role, ...)`` makes a FastAPI dependency admitting callers with one of those
    roles; with ``tokens`` None (``ALLOW_ANONYMOUS=true`` and no tokens) everyone is admin."""

    def requires(*roles: Role) -> Guard:
        async def caller(request: Request) -> Caller:
            if tokens is None:
                request.state.caller = ANONYMOUS
                return ANONYMOUS
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            found = tokens.find(token.strip()) if scheme.lower() == "bearer" else None
            if found is None:
                raise ApiError(401, "a valid 'Authorization: Bearer <token>' header is needed")
            if not any(found.holds(role) for role in roles):
                wanted = " or ".join(role.value for role in roles)
                raise ApiError(403, f"this needs the {wanted} role; the token has {found.role}")
            request.state.caller = found
            return found

        return caller

    return requires


E = TypeVar("E", bound=BaseModel)


def audited(event: E, caller: Caller) -> E:
    """The event with who wrote it: the token's name and role, as CloudEvents extensions."""
    return event.model_copy(update={"actor": caller.name, "actorrole": caller.role.value})


def scoped(caller: Caller, idempotency_key: str | None) -> str | None:
    """Idempotency keys are per caller: two tokens using one key do not see each other."""
    if idempotency_key is None:
        return None
    return f"{caller.name}/{check_key(idempotency_key)}"
