"""OidcVerifier against a real OpenID provider (oidc-provider over HTTP): real tokens from
its token endpoint, its discovery document and its published keys."""

from __future__ import annotations

import asyncio
import time
import uuid

import jwt
import pytest

from shared.edge.oidc import VerifiedToken
from tests.support.oidc import OidcProvider
from tests.support.oidc_tokens import MakeVerifier, claims_of, forged, rejected


@pytest.mark.parametrize("role", ["registrant", "approver", "viewer", "admin"])
async def test_a_good_token_names_the_person_the_role_and_the_unit(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier, role: str
) -> None:
    token = oidc_provider.service_token(
        "hung", [role], person_claim="preferred_username", unit="kim-thanh"
    )
    bearer = await oidc_verifier(person_claim="preferred_username", unit_claim="unit").verify(token)
    assert bearer == VerifiedToken("hung", frozenset({role}), "kim-thanh")


async def test_the_person_from_sub_several_roles_unknown_ones_kept_and_no_unit_claim(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    roles = ["registrant", "viewer", "uma_authorization"]
    token = oidc_provider.service_token("pham-quang-hung", roles, unit="kim-thanh")
    assert claims_of(token)["sub"] == "pham-quang-hung"
    bearer = await oidc_verifier().verify(token)
    assert bearer == VerifiedToken("pham-quang-hung", frozenset(roles), None)


async def test_roles_through_a_dotted_path_into_nested_claims(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    token = oidc_provider.service_token("thu-ky", ["viewer"], realm_roles=["approver"])
    assert (await oidc_verifier(roles_claim="realm_access.roles").verify(token)).roles == {
        "approver"
    }
    assert (await oidc_verifier().verify(token)).roles == {"viewer"}


async def test_a_token_without_the_person_claim_is_rejected(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    token = oidc_provider.service_token("hung", ["viewer"], person_claim="preferred_username")
    message = await rejected(oidc_verifier(person_claim="email"), token)
    assert message == "the token names no person (claim 'email')"


async def test_an_expired_token_is_rejected_unless_within_the_leeway(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    strict = oidc_verifier(leeway=0)
    client = oidc_provider.service_client("hung", ["registrant"], ttl=3)
    assert await strict.verify(client.token())  # the keys are cached from now on
    token = client.token()
    assert await strict.verify(token)  # valid for 2-3 s (iat is in whole seconds)
    await asyncio.sleep(max(0.0, claims_of(token)["exp"] - time.time()) + 0.2)
    assert await rejected(strict, token) == "the token has expired"
    assert (await oidc_verifier(leeway=30).verify(token)).person == "hung"


async def test_a_token_not_valid_yet_is_rejected(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    token = oidc_provider.service_token("hung", ["viewer"], claims={"nbf": int(time.time()) + 600})
    assert await rejected(oidc_verifier(), token) == "the token is not valid yet"


async def test_a_token_for_another_audience_is_rejected(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    token = oidc_provider.service_token("hung", ["viewer"], audience="https://other.test/api")
    assert claims_of(token)["aud"] == "https://other.test/api"
    assert await rejected(oidc_verifier(), token) == "the token is for another audience"


async def test_an_audience_list_must_hold_ours(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    ours = oidc_provider.service_token(
        "hung", ["viewer"], claims={"aud": ["https://other.test/api", oidc_provider.audience]}
    )
    assert (await oidc_verifier().verify(ours)).person == "hung"
    theirs = oidc_provider.service_token(
        "hung", ["viewer"], claims={"aud": ["https://other.test/api", "https://x.test"]}
    )
    assert await rejected(oidc_verifier(), theirs) == "the token is for another audience"


async def test_a_token_of_another_issuer_is_rejected_without_fetching_keys(
    oidc_provider: OidcProvider, other_oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    token = other_oidc_provider.service_token("hung", ["admin"])
    before = oidc_provider.counters()
    assert await rejected(oidc_verifier(), token) == "the token was issued by another issuer"
    assert oidc_provider.counters()["jwks"] == before["jwks"]
    trusting_other = oidc_verifier(issuer=other_oidc_provider.issuer)
    assert (await trusting_other.verify(token)).roles == {"admin"}


async def test_a_rotated_key_is_fetched_once_for_concurrent_tokens(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    client = oidc_provider.service_client("hung", ["registrant"])
    checking = oidc_verifier(refetch_interval=0.5)
    old = client.token()
    assert (await checking.verify(old)).person == "hung"
    await asyncio.sleep(0.6)
    kid = oidc_provider.rotate_key()
    new = client.token()
    assert jwt.get_unverified_header(new)["kid"] == kid
    before = oidc_provider.counters()["jwks"]
    bearers = await asyncio.gather(*(checking.verify(new) for _ in range(20)))
    assert {bearer.person for bearer in bearers} == {"hung"}
    assert oidc_provider.counters()["jwks"] == before + 1
    assert (await checking.verify(old)).person == "hung"  # the old key is still published
    assert oidc_provider.counters()["jwks"] == before + 1


async def test_a_burst_of_unknown_kids_fetches_the_keys_at_most_once_per_interval(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    good = oidc_provider.service_token("hung", ["viewer"])
    burst = [forged(claims_of(good), kid=uuid.uuid4().hex) for _ in range(30)]
    checking = oidc_verifier(refetch_interval=2.0)
    assert await checking.verify(good)
    before = oidc_provider.counters()["jwks"]
    refusals = await asyncio.gather(*(rejected(checking, token) for token in burst))
    assert set(refusals) == {"the token's signing key is unknown"}
    assert oidc_provider.counters()["jwks"] == before  # fetched moments ago
    await asyncio.sleep(2.1)
    refusals = await asyncio.gather(*(rejected(checking, token) for token in burst))
    assert set(refusals) == {"the token's signing key is unknown"}
    assert oidc_provider.counters()["jwks"] == before + 1
