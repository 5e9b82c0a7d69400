"""OpenID Connect JWT access tokens (the contract's Security section, with ``OIDC_ISSUER``).

A bearer token may be a JWT access token from the configured issuer, verified with PyJWT
against the issuer's published keys (``shared.edge.oidc_keys``): an asymmetric signature by a key
the issuer publishes, ``iss`` exactly the issuer, ``aud`` holding ``OIDC_AUDIENCE``, ``exp``
required and ``exp``/``nbf`` checked with a leeway. Only RS*, PS*, ES* and EdDSA are
accepted, never ``none`` or HMAC. The bearer is then read from the claims named by the
``OIDC_*_CLAIM`` settings (``shared.edge.oidc_claims``).

A token must name its signing key (``kid``): every provider this serves (Keycloak, Entra ID,
Auth0, oidc-provider) does, and refusing spares guessing among keys. A token from another
issuer is refused before any key is looked up, so foreign tokens never cause a refetch.
Tokens are never logged; a refusal's message is safe to show the client.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import jwt
import structlog

from shared.edge.oidc_claims import (
    ClaimPaths,
    ProviderUnavailable,
    TokenRejected,
    VerifiedToken,
    bearer_of,
)
from shared.edge.oidc_keys import ASYMMETRIC, IssuerKeys

__all__ = ["OidcVerifier", "ProviderUnavailable", "TokenRejected", "VerifiedToken"]

logger = structlog.get_logger()
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
MAX_TOKEN_LENGTH = 16_384

_REFUSALS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet"),
    (jwt.InvalidAudienceError, "the token is for another audience"),
    (jwt.InvalidIssuerError, "the token was issued by another issuer"),
    (jwt.InvalidSignatureError, "the token's signature is invalid"),
    (jwt.InvalidAlgorithmError, "the token's algorithm is not allowed"),
    (jwt.DecodeError, "the token is not a well-formed JWT"),
)


class OidcVerifier:
    """Verifies access tokens of one issuer for one audience; shared by a service's requests."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        claims: ClaimPaths | None = None,
        client: httpx.AsyncClient | None = None,
        refetch_interval: float = 10.0,
        leeway: float = 30.0,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.claims = claims or ClaimPaths()
        self.leeway = leeway
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._keys = IssuerKeys(issuer, self._client, refetch_interval)

    @staticmethod
    def looks_like_jwt(token: str) -> bool:
        """Three base64url parts (the last may be empty): worth verifying as a JWT."""
        return len(token) <= MAX_TOKEN_LENGTH and _JWS.match(token) is not None

    async def verify(self, token: str) -> VerifiedToken:
        """The token's bearer; ``TokenRejected`` (401) or ``ProviderUnavailable`` (503)."""
        try:
            return await self._verify(token)
        except TokenRejected as refusal:
            logger.info("oidc token rejected", issuer=self.issuer, reason=str(refusal))
            raise

    async def _verify(self, token: str) -> VerifiedToken:
        if not self.looks_like_jwt(token):
            raise TokenRejected("the token is not a well-formed JWT")
        header, unverified = _peek(token)
        algorithm = header.get("alg")
        if algorithm not in ASYMMETRIC:
            raise TokenRejected("the token's algorithm is not allowed")
        if unverified.get("iss") != self.issuer:
            raise TokenRejected("the token was issued by another issuer")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("the token names no signing key (kid)")
        key = (await self._keys.key(kid)).for_algorithm(algorithm)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud"], "verify_sub": False},
            )
        except jwt.MissingRequiredClaimError as error:
            raise TokenRejected(f"the token has no '{error.claim}' claim") from error
        except jwt.PyJWTError as error:
            raise TokenRejected(_refusal(error)) from error
        return bearer_of(claims, self.claims)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before verification: only to refuse early, never to trust."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise TokenRejected("the token is not a well-formed JWT") from error
    return header, claims


def _refusal(error: jwt.PyJWTError) -> str:
    for kind, message in _REFUSALS:
        if isinstance(error, kind):
            return message
    return "the token is not valid"
