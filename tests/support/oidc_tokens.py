"""Helpers for tests of OpenID Connect tokens: reading a token's claims unverified, making
tokens no provider issued (signed with a key of our own, or with HMAC), and expecting a
refusal whose message never echoes the token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from shared.edge.oidc import OidcVerifier
from shared.edge.oidc_claims import ClaimPaths, TokenRejected
from tests.support.oidc import OidcProvider

MakeVerifier = Callable[..., OidcVerifier]
OWN_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OWN_CURVES = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}


@pytest.fixture
async def oidc_verifier(oidc_provider: OidcProvider) -> AsyncIterator[MakeVerifier]:
    """Makes verifiers for the provider's issuer and audience (or as given); closes them."""
    made: list[OidcVerifier] = []

    def make(**options: Any) -> OidcVerifier:
        options.setdefault("issuer", oidc_provider.issuer)
        options.setdefault("audience", oidc_provider.audience)
        paths = {
            name: options.pop(f"{name}_claim")
            for name in ("person", "roles", "unit", "committee")
            if f"{name}_claim" in options
        }
        issuer, audience = options.pop("issuer"), options.pop("audience")
        made.append(OidcVerifier(issuer, audience, claims=ClaimPaths(**paths), **options))
        return made[-1]

    yield make
    for each in made:
        await each.aclose()


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def forged(claims: dict[str, Any], algorithm: str = "RS256", **header: Any) -> str:
    """A token signed with a key of our own (for ``algorithm``), never published anywhere."""
    key: Any = OWN_RSA_KEY
    if algorithm in OWN_CURVES:
        key = ec.generate_private_key(OWN_CURVES[algorithm])
    elif algorithm == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
    return jwt.encode(claims, key, algorithm=algorithm, headers=header or None)


def _part(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def hmac_token(claims: dict[str, Any], header: dict[str, Any], secret: bytes) -> str:
    """An HS256 token by hand (PyJWT refuses a PEM public key as an HMAC secret)."""
    signing_input = f"{_part(header)}.{_part(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def unsigned_token(claims: dict[str, Any], header: dict[str, Any]) -> str:
    return f"{_part(header)}.{_part(claims)}."


class Counting(httpx.AsyncBaseTransport):
    """Passes requests on to ``transport`` and keeps the path of each one."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self.transport.aclose()


async def rejected(verifier: OidcVerifier, token: str) -> str:
    """The refusal's message (which must not contain the token)."""
    with pytest.raises(TokenRejected) as refusal:
        await verifier.verify(token)
    assert not token or token not in str(refusal.value)
    return str(refusal.value)
