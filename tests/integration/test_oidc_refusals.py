"""OidcVerifier refuses what no good provider issues (HMAC, ``none``, foreign keys, garbage)
and says so when the provider cannot be reached; ``oidc_verifier`` reads OIDC_*."""

from __future__ import annotations

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from shared.edge.identity import oidc_verifier
from shared.edge.oidc import OidcVerifier, ProviderUnavailable, VerifiedToken
from shared.edge.settings import ServiceSettings
from tests.support.oidc import OidcProvider
from tests.support.oidc_tokens import (
    Counting,
    MakeVerifier,
    claims_of,
    forged,
    hmac_token,
    rejected,
    unsigned_token,
)
from tests.support.redis_server import free_port


@pytest.fixture
def good(oidc_provider: OidcProvider) -> str:
    return oidc_provider.service_token("hung", ["admin"])


async def test_hmac_and_none_are_refused_even_naming_a_published_key(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier, good: str
) -> None:
    checking = oidc_verifier()
    assert await checking.verify(good)  # the published key is cached now
    kid = jwt.get_unverified_header(good)["kid"]
    public = published_pem(oidc_provider, kid).encode()
    claims = claims_of(good)
    for token in (
        hmac_token(claims, {"alg": "HS256", "kid": kid, "typ": "JWT"}, b"a shared secret"),
        hmac_token(claims, {"alg": "HS256", "kid": kid, "typ": "JWT"}, public),
        unsigned_token(claims, {"alg": "none", "kid": kid}),
        unsigned_token(claims, {"alg": "None", "kid": kid}),
    ):
        assert await rejected(checking, token) == "the token's algorithm is not allowed"


def published_pem(provider: OidcProvider, kid: str) -> str:
    """The provider's published key ``kid`` as PEM: what an algorithm-confusion attack uses."""
    keys = provider.http.get("/jwks").json()["keys"]
    jwk = next(key for key in keys if key["kid"] == kid)
    public = jwt.PyJWK(jwk).key
    return public.public_bytes(  # type: ignore[no-any-return]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


async def test_a_signature_by_another_key_or_over_changed_claims_is_refused(
    oidc_verifier: MakeVerifier, good: str
) -> None:
    checking = oidc_verifier()
    header = jwt.get_unverified_header(good)
    claims = claims_of(good)
    impostor = forged(claims, header["alg"], kid=header["kid"])
    assert await rejected(checking, impostor) == "the token's signature is invalid"
    head, _, signature = good.split(".")
    promoted = forged({**claims, "roles": ["admin", "approver"]}).split(".")[1]
    changed = f"{head}.{promoted}.{signature}"
    assert await rejected(checking, changed) == "the token's signature is invalid"


async def test_an_algorithm_other_than_the_keys_is_refused(
    oidc_verifier: MakeVerifier, good: str
) -> None:
    header = jwt.get_unverified_header(good)
    claims = claims_of(good)
    other = "ES256" if header["alg"] != "ES256" else "RS256"
    relabelled = forged(claims, kid=header["kid"]).split(".")
    relabelled[0] = unsigned_token({}, {**header, "alg": other}).split(".")[0]
    message = await rejected(oidc_verifier(), ".".join(relabelled))
    assert message == "the token's algorithm does not match its signing key"


async def test_a_token_naming_no_key_is_refused(oidc_verifier: MakeVerifier, good: str) -> None:
    message = await rejected(oidc_verifier(), forged(claims_of(good)))
    assert message == "the token names no signing key (kid)"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "registrant-token-0123456789",
        "not.a.jwt",
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        "eyJub3QiOiJjbG9zZWQ.eyJzdWIiOiJ4In0.c2ln",
        "x" * 20_000,
    ],
)
async def test_garbage_is_refused_without_asking_the_provider(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier, token: str
) -> None:
    before = oidc_provider.counters()
    assert await rejected(oidc_verifier(), token) == "the token is not a well-formed JWT"
    assert oidc_provider.counters() == before


async def test_an_unreachable_provider_is_unavailable_not_a_refusal(good: str) -> None:
    issuer = f"http://127.0.0.1:{free_port()}"
    token = forged({**claims_of(good), "iss": issuer}, kid="key-1")
    attempts = Counting(httpx.AsyncHTTPTransport())
    async with httpx.AsyncClient(transport=attempts) as client:
        nowhere = OidcVerifier(issuer, "https://breakthrough.test/api", client=client)
        with pytest.raises(ProviderUnavailable, match="discovery document cannot be fetched"):
            await nowhere.verify(token)
        with pytest.raises(ProviderUnavailable, match="keys cannot be fetched"):
            await nowhere.verify(token)  # within the interval: no second attempt
    assert attempts.paths == ["/.well-known/openid-configuration"]


async def test_a_discovery_document_of_another_issuer_is_unavailable(
    oidc_provider: OidcProvider, good: str
) -> None:
    """The provider at ``localhost`` calls itself ``127.0.0.1``: its keys are not trusted."""
    issuer = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    token = forged({**claims_of(good), "iss": issuer}, kid=jwt.get_unverified_header(good)["kid"])
    misnamed = OidcVerifier(issuer, oidc_provider.audience)
    try:
        with pytest.raises(ProviderUnavailable, match="names another issuer"):
            await misnamed.verify(token)
    finally:
        await misnamed.aclose()


async def test_from_settings(oidc_provider: OidcProvider) -> None:
    assert oidc_verifier(ServiceSettings(oidc_issuer=None)) is None
    with pytest.raises(ValueError, match="OIDC_AUDIENCE"):
        oidc_verifier(ServiceSettings(oidc_issuer=oidc_provider.issuer))
    settings = ServiceSettings(
        oidc_issuer=oidc_provider.issuer,
        oidc_audience=oidc_provider.audience,
        oidc_person_claim="preferred_username",
        oidc_roles_claim="realm_access.roles",
        oidc_unit_claim="unit",
    )
    verifier = oidc_verifier(settings)
    assert verifier is not None
    try:
        token = oidc_provider.service_token(
            "hung",
            ["viewer"],
            person_claim="preferred_username",
            realm_roles=["registrant"],
            unit="kim-thanh",
        )
        bearer = await verifier.verify(token)
        assert bearer == VerifiedToken("hung", frozenset({"registrant"}), "kim-thanh")
    finally:
        await verifier.aclose()
