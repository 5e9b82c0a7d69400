"""Who is calling: bearer tokens, static or from the province's OpenID Connect provider.

``API_TOKENS`` (or the file named by ``API_TOKENS_FILE``) lists ``role:token:person:committee``
entries, separated by commas or new lines. The person is the id of the person the token
stands for (for a registrant, their registrant id), the committee the one they belong to (an
approver decides that committee's tasks); an entry without a person stands for a service,
whose ``actor`` is ``<role>-<first 8 hex of the token's SHA-256>``. A ``registrant`` entry without a
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
from typing import TYPE_CHECKING, Protocol

from fastapi import Request

from shared.domain.people import Actor, Role, is_identifier, key
from shared.edge.oidc_claims import ClaimPaths, TokenRejected
from shared.edge.oidc_claims import ProviderUnavailable as OidcUnavailable
from shared.edge.settings import ServiceSettings

if TYPE_CHECKING:  # imported when OpenID Connect is configured (PyJWT, cryptography, httpx)
    from shared.edge.oidc import OidcVerifier

_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{16,200}")

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
            token, _, rest = rest.partition(":")
            person, _, committee = rest.partition(":")
            if role_text not in Role.__members__:
                raise TokenError(f"entry {number}: role {role_text!r} is not one of {list(Role)}")
            if not _TOKEN.fullmatch(token):
                raise TokenError(f"entry {number}: a token is 16-200 of A-Z a-z 0-9 . _ ~ + / = -")
            if person and not is_identifier(person):
                raise TokenError(f"entry {number}: a person is 1-64 of A-Z a-z 0-9 _ -")
            if committee and not (person and is_identifier(committee)):
                raise TokenError(
                    f"entry {number}: a committee (1-64 of A-Z a-z 0-9 _ -) follows a person"
                )
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
                actor = Actor(
                    key(person),
                    frozenset({role}),
                    person=key(person),
                    committee=key(committee) if committee else None,
                )
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
        if not is_identifier(verified.person):
            raise Unauthenticated(
                "the token's person claim is not a person id (1-64 of A-Z a-z 0-9 _ -): "
                "configure OIDC_PERSON_CLAIM to name the claim holding the registrant id"
            )
        for what, value in (("unit", verified.unit), ("committee", verified.committee)):
            if value is not None and not is_identifier(value):
                raise Unauthenticated(
                    f"the token's {what} claim is not a code (1-64 of A-Z a-z 0-9 _ -)"
                )
        roles = frozenset(Role(role) for role in verified.roles if role in Role.__members__)
        person = key(verified.person)
        return Actor(
            person,
            roles,
            person=person,
            unit=None if verified.unit is None else key(verified.unit),
            committee=None if verified.committee is None else key(verified.committee),
        )

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


class NoTokens(RuntimeError):
    """The service would be open to anyone, and nobody said that is wanted."""


def authenticator(settings: ServiceSettings) -> Authenticator:
    """Who may call the service: its static tokens and, with OIDC_ISSUER, the province's
    identity provider; open to all only by explicit choice."""
    text = settings.api_tokens
    if settings.api_tokens_file is not None:
        text += "\n" + settings.api_tokens_file.read_text(encoding="utf-8")
    tokens = Tokens.parse(text)
    verifier = oidc_actors(settings)
    if len(tokens) or verifier is not None:
        return Authenticator(tokens if len(tokens) else None, verifier)
    if settings.allow_anonymous:
        return Authenticator(None)
    raise NoTokens(
        "no API_TOKENS (or API_TOKENS_FILE) and no OIDC_ISSUER configured: refusing to start "
        "an open service; set tokens as role:token:person entries, or ALLOW_ANONYMOUS=true "
        "for a local demo"
    )


def oidc_verifier(settings: ServiceSettings) -> OidcVerifier | None:
    """The verifier ``OIDC_*`` describe; None without ``OIDC_ISSUER``."""
    if not settings.oidc_issuer:
        return None
    if not settings.oidc_audience:
        raise ValueError(
            "OIDC_ISSUER is set but OIDC_AUDIENCE is not: set the audience (aud) "
            "the access tokens for this service carry"
        )
    paths = ClaimPaths(
        person=settings.oidc_person_claim,
        roles=settings.oidc_roles_claim,
        unit=settings.oidc_unit_claim,
        committee=settings.oidc_committee_claim,
    )
    from shared.edge.oidc import OidcVerifier

    return OidcVerifier(settings.oidc_issuer, settings.oidc_audience, claims=paths)


def oidc_actors(settings: ServiceSettings) -> Verifier | None:
    """The actors of OpenID Connect access tokens, when OIDC_ISSUER is set."""
    verifier = oidc_verifier(settings)
    return None if verifier is None else OidcActors(verifier)
