"""The portal as an OpenID client: PKCE and the authorization request."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.portal.openid import Provider, challenge_of, new_login
from services.portal.settings import PortalSettings


def test_the_code_challenge_is_s256_of_the_verifier() -> None:
    # RFC 7636, appendix B
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert challenge_of(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def test_the_authorization_request_asks_for_a_code_with_pkce_for_the_api() -> None:
    settings = PortalSettings(
        oidc_issuer="https://id.example.vn/realms/tinh",
        oidc_client_id="portal",
        oidc_audience="https://api.example.vn",
        public_url="https://nhiemvu.example.vn/",
    )
    async with httpx.AsyncClient() as http:
        provider = Provider(settings, http)
        provider._metadata = {
            "issuer": settings.oidc_issuer,
            "authorization_endpoint": "https://id.example.vn/auth",
        }
        login = new_login("/dashboard")
        url = await provider.authorization_url(login, "vi")
    sent = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(sent.query).items()}
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == "https://id.example.vn/auth"
    assert query == {
        "client_id": "portal",
        "response_type": "code",
        "redirect_uri": "https://nhiemvu.example.vn/sign-in/callback",
        "scope": "openid profile",
        "state": login.state,
        "nonce": login.nonce,
        "code_challenge": challenge_of(login.verifier),
        "code_challenge_method": "S256",
        "ui_locales": "vi",
        "resource": "https://api.example.vn",
    }
    assert login.verifier not in url


def test_a_configuration_nobody_can_sign_in_with_is_refused() -> None:
    with pytest.raises(ValueError, match="nobody could sign in"):
        PortalSettings(token_sign_in=False).check()
    with pytest.raises(ValueError, match="OIDC_CLIENT_ID, OIDC_AUDIENCE, PUBLIC_URL"):
        PortalSettings(oidc_issuer="https://id.example.vn").check()
    PortalSettings().check()
