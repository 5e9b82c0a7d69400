"""A person signs in at the test provider (authorization code with PKCE, walked with plain
httpx as a browser would) and the API accepts the access token they get."""

from __future__ import annotations

import httpx
import pytest

from shared.edge.oidc import VerifiedToken
from tests.support.oidc import OidcProvider
from tests.support.oidc_tokens import MakeVerifier, claims_of, rejected


async def test_a_signed_in_registrant_gets_an_access_token_the_api_accepts(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    tokens = oidc_provider.sign_in("hung")
    access = tokens["access_token"]
    assert claims_of(access)["aud"] == oidc_provider.audience
    assert claims_of(access)["sub"] == "hung"
    by_username = oidc_verifier(person_claim="preferred_username", unit_claim="unit")
    assert await by_username.verify(access) == VerifiedToken(
        "hung", frozenset({"registrant"}), "kim-thanh"
    )
    by_realm = oidc_verifier(roles_claim="realm_access.roles")
    assert (await by_realm.verify(access)).roles == {"registrant"}
    # the ID token is for the portal (aud: its client id), never a key to the API
    assert await rejected(by_username, tokens["id_token"]) == "the token is for another audience"


@pytest.mark.parametrize(
    ("username", "role"), [("thu-ky", "approver"), ("nhan-vien", "viewer"), ("quan-tri", "admin")]
)
async def test_each_fixed_account_signs_in_with_its_role(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier, username: str, role: str
) -> None:
    access = oidc_provider.sign_in(username)["access_token"]
    assert await oidc_verifier().verify(access) == VerifiedToken(username, frozenset({role}), None)


async def test_an_added_account_signs_in(
    oidc_provider: OidcProvider, oidc_verifier: MakeVerifier
) -> None:
    oidc_provider.add_account("lan", ["registrant", "viewer"], unit="thanh-ha", name="Vũ Thị Lan")
    access = oidc_provider.sign_in("lan")["access_token"]
    bearer = await oidc_verifier(unit_claim="unit").verify(access)
    assert bearer == VerifiedToken("lan", frozenset({"registrant", "viewer"}), "thanh-ha")
    assert claims_of(access)["name"] == "Vũ Thị Lan"


def test_an_unknown_user_stays_on_the_login_page(oidc_provider: OidcProvider) -> None:
    with pytest.raises(RuntimeError, match="unknown user: ai-do"):
        oidc_provider.sign_in("ai-do")


def test_a_sign_in_without_pkce_is_refused(
    oidc_provider: OidcProvider,
) -> None:
    """Authorize without a code challenge: the provider sends the browser back refused."""
    redirect_uri = "http://127.0.0.1:9/no-pkce"
    answer = httpx.get(
        f"{oidc_provider.issuer}/auth",
        params={
            "client_id": oidc_provider.browser_client(redirect_uri),
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": "openid",
        },
    )
    assert answer.is_redirect
    back = httpx.URL(answer.headers["location"])
    assert str(back).startswith(redirect_uri)
    assert back.params["error"] == "invalid_request"
    assert "PKCE" in back.params["error_description"]
