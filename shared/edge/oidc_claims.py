"""What a verified OpenID Connect access token says about its bearer: person, roles, unit.

Pure functions over the token's claims (already verified); no I/O. A claim is named by a
path: the whole name first (so a namespaced claim such as ``https://example.vn/roles`` is
one claim), else dotted segments reaching into nested objects (Keycloak's
``realm_access.roles``); a segment may itself hold dots (``resource_access.my.app.roles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ProviderUnavailable(Exception):
    """The provider's discovery document or key set cannot be fetched (HTTP 503)."""


class TokenRejected(Exception):
    """The token is not accepted (HTTP 401); the message is safe to show the client."""


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """Who the bearer of a verified token is: the person, their roles, and maybe a unit."""

    person: str
    roles: frozenset[str]
    unit: str | None
    committee: str | None = None


_MISSING: Any = object()


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` in ``claims``, or ``None`` when there is none."""
    found = _walk(claims, path)
    return None if found is _MISSING else found


def _walk(node: Mapping[str, Any], path: str) -> Any:
    if path in node:
        return node[path]
    dot = path.find(".")
    while dot > 0:
        head, rest = path[:dot], path[dot + 1 :]
        child = node.get(head)
        if isinstance(child, Mapping) and rest:
            found = _walk(child, rest)
            if found is not _MISSING:
                return found
        dot = path.find(".", dot + 1)
    return _MISSING


def person_of(claims: Mapping[str, Any], path: str) -> str:
    value = claim_at(claims, path)
    if not isinstance(value, str) or not value.strip():
        raise TokenRejected(f"the token names no person (claim '{path}')")
    return value


def roles_of(claims: Mapping[str, Any], path: str) -> frozenset[str]:
    """A list of strings, or one string as one role; none at all is no roles."""
    value = claim_at(claims, path)
    if value is None:
        return frozenset()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise TokenRejected(f"the token's roles (claim '{path}') are not a list of names")
    return frozenset(values)


def name_of(claims: Mapping[str, Any], path: str | None, what: str) -> str | None:
    """An optional claim holding a name (a unit's, a committee's); None where it is absent."""
    if path is None:
        return None
    value = claim_at(claims, path)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise TokenRejected(f"the token's {what} (claim '{path}') is not a name")
    return value


@dataclass(frozen=True, slots=True)
class ClaimPaths:
    """Where a token names its bearer: ``OIDC_PERSON_CLAIM``, ``OIDC_ROLES_CLAIM``,
    ``OIDC_UNIT_CLAIM``, ``OIDC_COMMITTEE_CLAIM``."""

    person: str = "sub"
    roles: str = "roles"
    unit: str | None = None
    committee: str | None = None


def bearer_of(claims: Mapping[str, Any], paths: ClaimPaths) -> VerifiedToken:
    """The bearer named by the claims at these paths; a malformed claim rejects the token."""
    return VerifiedToken(
        person_of(claims, paths.person),
        roles_of(claims, paths.roles),
        name_of(claims, paths.unit, "unit"),
        name_of(claims, paths.committee, "committee"),
    )
