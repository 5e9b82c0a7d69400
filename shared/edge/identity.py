"""Who is calling: bearer tokens, static or from the province's OpenID Connect provider.

``API_TOKENS`` (or the file named by ``API_TOKENS_FILE``) lists ``role:token:person`` entries,
separated by commas or new lines. The person is the id of the person the token stands for
(for a registrant, their registrant id); an entry without one stands for a service, whose
``actor`` is ``<role>-<first 8 hex of the token's SHA-256>``. A ``registrant`` entry without a
person is refused at start: a registrant is always a person. Tokens are compared in constant
time, and never logged or written anywhere.

With ``OIDC_ISSUER`` set, a bearer token may also be a JWT access token from that issuer
(``shared.edge.oidc``); its person, roles and unit come from the configured claims.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request

from shared.domain.people import Actor, Role, key
from shared.edge.oidc import OidcVerifier, TokenRejected
from shared.edge.oidc import ProviderUnavailable as OidcUnavailable

_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{16,200}$")
IDENTIFIER = r"^[A-Za-z0-9_-]{1,64}$"
"""Person ids, registrant ids, unit codes and task ids: 1-64 of A-Z a-z 0-9 _ -."""
_PERSON = re.compile(IDENTIFIER)

ANONYMOUS = Actor("anonymous", frozenset({Role.admin}))


class TokenError(ValueError):
    """API_TOKENS cannot be read; the message says which entry and why (not the token)."""


class Unauthenticated(Exception):
    """No valid bearer token: 401 with this message."""


class ProviderUnavailable(Exception):
    """The identity provider cannot be asked: 503."""


@dataclass(frozen=True, slots=True)
class _Entry:
    secret: bytes
    actor: Actor


class Tokens:
    """The static tokens, each standing for a person (or a service) in one role."""

    def __init__(self, entries: Iterable[tuple[str, Actor]]) -> None:
        self._entries = tuple(_Entry(token.encode(), actor) for token, actor in entries)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def parse(cls, text: str) -> Tokens:
        entries: list[tuple[str, Actor]] = []
        seen: set[str] = set()
        for number, raw in enumerate(re.split(r"[,\n]", text), start=1):
            entry = raw.strip()
            if not entry or entry.startswith("#"):
                continue
            role_text, _, rest = entry.partition(":")
            token, _, person = rest.partition(":")
            if role_text not in Role.__members__:
                raise TokenError(f"entry {number}: role {role_text!r} is not one of {list(Role)}")
            if not _TOKEN.match(token):
                raise TokenError(f"entry {number}: a token is 16-200 of A-Z a-z 0-9 . _ ~ + / = -")
            if person and not _PERSON.match(person):
                raise TokenError(f"entry {number}: a person is 1-64 of A-Z a-z 0-9 _ -")
            if role_text == Role.registrant and not person:
                raise TokenError(
                    f"entry {number}: a registrant token needs its person "
                    "(registrant:<token>:<registrant id>): a registrant is always a person"
                )
            if token in seen:
                raise TokenError(f"entry {number}: the same token twice")
            seen.add(token)
            role = Role(role_text)
            if person:
                actor = Actor(key(person), frozenset({role}), person=key(person))
            else:
                fingerprint = hashlib.sha256(token.encode()).hexdigest()[:8]
                actor = Actor(f"{role_text}-{fingerprint}", frozenset({role}))
            entries.append((token, actor))
        return cls(entries)

    def find(self, token: str) -> Actor | None:
        """The actor holding ``token``; every entry is compared, in constant time."""
        given = token.encode()
        found: Actor | None = None
        for entry in self._entries:
            if hmac.compare_digest(entry.secret, given):
                found = entry.actor
        return found


class OidcActors:
    """The actors behind OpenID Connect access tokens (``shared.edge.oidc``): the person claim is
    the person's id (compared case-insensitively, as registrant ids are), the roles claim's
    known roles their roles, the unit claim their unit."""

    def __init__(self, verifier: OidcVerifier) -> None:
        self.verifier = verifier

    def looks_like_jwt(self, token: str) -> bool:
        return self.verifier.looks_like_jwt(token)

    async def actor(self, token: str) -> Actor:
        try:
            verified = await self.verifier.verify(token)
        except TokenRejected as refusal:
            raise Unauthenticated(str(refusal)) from refusal
        except OidcUnavailable as error:
            raise ProviderUnavailable(
                f"the identity provider cannot be reached: {error}"
            ) from error
        if not _PERSON.match(verified.person):
            raise Unauthenticated(
                "the token's person claim is not a person id (1-64 of A-Z a-z 0-9 _ -): "
                "configure OIDC_PERSON_CLAIM to name the claim holding the registrant id"
            )
        roles = frozenset(Role(role) for role in verified.roles if role in Role.__members__)
        person = key(verified.person)
        return Actor(person, roles, person=person, unit=verified.unit)

    async def aclose(self) -> None:
        await self.verifier.aclose()


class Verifier(Protocol):
    """Finds the actor behind a token that is not a static one (``OidcActors``)."""

    def looks_like_jwt(self, token: str) -> bool: ...

    async def actor(self, token: str) -> Actor: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Authenticator:
    """Finds the actor behind a request's bearer token. With no tokens and no verifier, every
    request is an anonymous admin: only ever by explicit choice (``ALLOW_ANONYMOUS=true``)."""

    tokens: Tokens | None
    verifier: Verifier | None = None

    @property
    def anonymous(self) -> bool:
        return self.tokens is None and self.verifier is None

    async def actor(self, request: Request) -> Actor:
        if self.anonymous:
            return ANONYMOUS
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("a valid 'Authorization: Bearer <token>' header is needed")
        found = self.tokens.find(token) if self.tokens is not None else None
        if found is not None:
            return found
        if self.verifier is not None and self.verifier.looks_like_jwt(token):
            return await self.verifier.actor(token)
        raise Unauthenticated("the bearer token is not valid")


Guard = Callable[..., Awaitable[Actor]]


class Forbidden(Exception):
    """A valid caller without the role: 403 with this message."""


def requires(authenticator: Authenticator) -> Callable[..., Guard]:
    """``requires(role, ...)`` makes a FastAPI dependency admitting callers who hold one of
    those roles (an admin holds them all; no role named: any caller with a valid token); it
    answers the caller as an ``Actor``."""

    def guard(*roles: Role) -> Guard:
        async def caller(request: Request) -> Actor:
            actor = await authenticator.actor(request)
            if roles and not any(actor.holds(role) for role in roles):
                wanted = " or ".join(role.value for role in roles)
                held = ", ".join(sorted(r.value for r in actor.roles)) or "no role"
                raise Forbidden(f"this needs the {wanted} role; the caller has {held}")
            request.state.actor = actor
            return actor

        return caller

    return guard
