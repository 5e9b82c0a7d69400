"""Clients of the test OpenID provider (``tests/support/oidc.py``), over plain HTTP.

``ServiceClient``: registered by dynamic client registration, gets access tokens by the
client-credentials grant. ``SignIn``: the authorization-code flow with PKCE, walked the way
a browser walks it: authorize, follow redirects, post the login form, post the consent
form, and exchange the code (with the PKCE verifier) at the token endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

_ACTION = re.compile(r'<form method="post" action="([^"]+)"')
ANY_PASSWORD = "any"  # the test provider takes any password


@dataclass
class ServiceClient:
    http: httpx.Client
    client_id: str
    client_secret: str
    audience: str

    @classmethod
    def register(
        cls, http: httpx.Client, claims: dict[str, object], ttl: int | None, audience: str
    ) -> ServiceClient:
        metadata: dict[str, object] = {
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
            "token_endpoint_auth_method": "client_secret_basic",
            "access_token_claims": claims,
        }
        if ttl is not None:
            metadata["access_token_ttl"] = ttl
        answer = http.post("/reg", json=metadata)
        answer.raise_for_status()
        body = answer.json()
        return cls(http, body["client_id"], body["client_secret"], audience)

    def token(self, audience: str | None = None) -> str:
        """A fresh access token (a JWT for ``audience``, by default the client's)."""
        answer = self.http.post(
            "/token",
            data={"grant_type": "client_credentials", "resource": audience or self.audience},
            auth=(self.client_id, self.client_secret),
        )
        answer.raise_for_status()
        token: str = answer.json()["access_token"]
        return token


class SignIn:
    """One sign-in of one account through the login and consent pages."""

    def __init__(self, issuer: str, client_id: str, redirect_uri: str, audience: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.audience = audience
        self.verifier = secrets.token_urlsafe(48)
        self.state = secrets.token_urlsafe(16)

    @staticmethod
    def register(
        http: httpx.Client,
        redirect_uri: str,
        *,
        refresh: bool = False,
        access_token_ttl: int | None = None,
    ) -> str:
        """A public client (no secret, PKCE) redirecting to ``redirect_uri``; ``refresh``:
        it also gets refresh tokens; ``access_token_ttl``: seconds its access tokens last."""
        metadata: dict[str, object] = {
            "client_name": "Breakthrough portal (test)",
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", *(["refresh_token"] if refresh else [])],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        }
        if access_token_ttl is not None:
            metadata["access_token_ttl"] = access_token_ttl
        answer = http.post("/reg", json=metadata)
        answer.raise_for_status()
        client_id: str = answer.json()["client_id"]
        return client_id

    def run(self, username: str, password: str = ANY_PASSWORD) -> dict[str, str]:
        challenge = hashlib.sha256(self.verifier.encode()).digest()
        with httpx.Client(base_url=self.issuer, timeout=10.0) as browser:
            page = browser.get(
                "/auth",
                params={
                    "client_id": self.client_id,
                    "response_type": "code",
                    "redirect_uri": self.redirect_uri,
                    "scope": "openid profile api",
                    "resource": self.audience,
                    "state": self.state,
                    "nonce": secrets.token_urlsafe(16),
                    "code_challenge": base64.urlsafe_b64encode(challenge).rstrip(b"=").decode(),
                    "code_challenge_method": "S256",
                },
            )
            for _ in range(10):
                if page.is_redirect:
                    target = str(page.url.join(page.headers["location"]))
                    if target.startswith(self.redirect_uri):
                        return self._exchange(browser, target)
                    page = browser.get(target)
                elif page.status_code == 200 and 'name="username"' in page.text:
                    login = {"username": username, "password": password}
                    page = browser.post(self._action(page), data=login)
                elif page.status_code == 200 and "/confirm" in page.text:
                    page = browser.post(self._action(page))
                else:
                    break
        raise RuntimeError(f"the sign-in stopped at {page.url} ({page.status_code}): {page.text}")

    @staticmethod
    def _action(page: httpx.Response) -> str:
        found = _ACTION.search(page.text)
        if found is None:
            raise RuntimeError(f"no form on {page.url}: {page.text}")
        return str(page.url.join(found.group(1)))

    def _exchange(self, browser: httpx.Client, redirected: str) -> dict[str, str]:
        query = parse_qs(urlsplit(redirected).query)
        if "error" in query or query.get("state") != [self.state]:
            raise RuntimeError(f"the provider redirected back with {query}")
        answer = browser.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": self.redirect_uri,
                "client_id": self.client_id,
                "code_verifier": self.verifier,
            },
        )
        answer.raise_for_status()
        tokens: dict[str, str] = answer.json()
        return tokens
