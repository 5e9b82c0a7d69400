"""OidcVerifier against an issuer served by ``httpx.MockTransport`` (no network): tokens no
real provider would issue (no exp, no aud), key sets of every shape, failed fetches."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from shared.edge.oidc import OidcVerifier, ProviderUnavailable, TokenRejected

ISSUER = "https://id.haiduong.example/realms/tinh-uy"
AUDIENCE = "breakthrough-api"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def rsa_jwk(kid: str = "k1", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key(), as_dict=True)
    return {**data, "kid": kid, **extra}


def ec_jwk(kid: str = "e1", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key(), as_dict=True)
    return {**data, "kid": kid, **extra}


class Issuer:
    """The discovery document and key set of a Keycloak-like issuer; counts requests."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.paths: list[str] = []
        self.failing = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if self.failing:
            return httpx.Response(502)
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json={"issuer": ISSUER, "jwks_uri": f"{ISSUER}/certs"})
        if request.url.path.endswith("/certs"):
            return httpx.Response(200, json={"keys": self.keys})
        return httpx.Response(404)

    def verifier(self, **options: Any) -> OidcVerifier:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return OidcVerifier(ISSUER, AUDIENCE, client=client, **options)


def claims(exp_in: int = 60, nbf_in: int | None = None, **changes: Any) -> dict[str, Any]:
    """Claims of a token made now (``exp``/``nbf`` seconds from now); None drops a claim."""
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "hung", "iat": now, "exp": now + exp_in}
    if nbf_in is not None:
        base["nbf"] = now + nbf_in
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def signed(payload: dict[str, Any], kid: str = "k1", algorithm: str = "RS256") -> str:
    key = EC_KEY if algorithm.startswith("ES") else RSA_KEY
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


@pytest.fixture
def issuer() -> Issuer:
    return Issuer([rsa_jwk(alg="RS256"), ec_jwk()])


async def test_nothing_is_fetched_before_the_first_token(issuer: Issuer) -> None:
    verifier = issuer.verifier()
    assert issuer.paths == []
    assert (await verifier.verify(signed(claims()))).person == "hung"
    assert issuer.paths == [
        "/realms/tinh-uy/.well-known/openid-configuration",
        "/realms/tinh-uy/certs",
    ]
    await verifier.verify(signed(claims(sub="thu-ky")))
    await verifier.verify(signed(claims(), kid="e1", algorithm="ES256"))
    assert len(issuer.paths) == 2
    await verifier.aclose()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exp": None}, "the token has no 'exp' claim"),
        ({"aud": None}, "the token has no 'aud' claim"),
        ({"iss": None}, "the token was issued by another issuer"),
        ({"iss": ISSUER + "/"}, "the token was issued by another issuer"),
        ({"aud": "breakthrough"}, "the token is for another audience"),
        ({"aud": ["account", "portal"]}, "the token is for another audience"),
        ({"exp_in": -600}, "the token has expired"),
        ({"nbf_in": 600}, "the token is not valid yet"),
        ({"sub": None}, "the token names no person (claim 'sub')"),
        ({"roles": [1, 2]}, "the token's roles (claim 'roles') are not a list of names"),
    ],
)
async def test_claims_that_refuse_a_token(
    issuer: Issuer, changes: dict[str, Any], message: str
) -> None:
    verifier = issuer.verifier()
    with pytest.raises(TokenRejected) as refusal:
        await verifier.verify(signed(claims(**changes)))
    assert str(refusal.value) == message
    await verifier.aclose()


async def test_within_the_leeway_and_an_audience_list(issuer: Issuer) -> None:
    verifier = issuer.verifier(leeway=30)
    late = claims(exp_in=-20, aud=["account", AUDIENCE], roles="viewer")
    bearer = await verifier.verify(signed(late))
    assert bearer.roles == {"viewer"}
    await verifier.aclose()


async def test_a_key_without_alg_verifies_what_its_type_allows() -> None:
    issuer = Issuer([rsa_jwk()])
    verifier = issuer.verifier()
    for algorithm in ("RS256", "RS512", "PS256"):
        assert await verifier.verify(signed(claims(), algorithm=algorithm))
    with pytest.raises(TokenRejected, match="does not match its signing key"):
        await verifier.verify(signed(claims(), algorithm="ES256"))
    await verifier.aclose()


async def test_a_key_with_alg_verifies_only_that_algorithm(issuer: Issuer) -> None:
    verifier = issuer.verifier()
    with pytest.raises(TokenRejected, match="does not match its signing key"):
        await verifier.verify(signed(claims(), algorithm="PS256"))
    await verifier.aclose()


@pytest.mark.parametrize(
    "jwk",
    [
        rsa_jwk(use="enc"),
        rsa_jwk(alg="RSA-OAEP"),
        rsa_jwk(alg="HS256"),
        {"kty": "oct", "kid": "k1", "k": "c2VjcmV0"},
        {"kty": "RSA", "kid": "k1", "n": "AQAB"},
        {**rsa_jwk(), "kid": None},
    ],
)
async def test_keys_not_for_signatures_or_unreadable_are_never_used(jwk: dict[str, Any]) -> None:
    issuer = Issuer([jwk])
    verifier = issuer.verifier()
    with pytest.raises(TokenRejected, match=r"signing key is unknown|cannot be used"):
        await verifier.verify(signed(claims()))
    await verifier.aclose()


async def test_a_failed_fetch_is_retried_only_after_the_interval(issuer: Issuer) -> None:
    verifier = issuer.verifier(refetch_interval=0.5)
    issuer.failing = True
    for _ in range(3):
        with pytest.raises(ProviderUnavailable):
            await verifier.verify(signed(claims()))
    assert len(issuer.paths) == 1
    issuer.failing = False
    await asyncio.sleep(0.55)
    assert (await verifier.verify(signed(claims()))).person == "hung"
    assert len(issuer.paths) == 3
    await verifier.aclose()


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"issuer": ISSUER}),
        httpx.Response(200, json={"issuer": "https://elsewhere", "jwks_uri": "https://x/certs"}),
    ],
)
async def test_a_discovery_document_that_cannot_be_used(answer: httpx.Response) -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: answer))
    verifier = OidcVerifier(ISSUER, AUDIENCE, client=client)
    with pytest.raises(ProviderUnavailable):
        await verifier.verify(signed(claims()))
    await client.aclose()
