"""Signing in with the province's OpenID Connect provider: authorization code with PKCE.

The portal is a client of the provider (public, or confidential with a secret). It sends
the browser to the provider's authorization endpoint with ``state``, ``nonce`` and an S256
code challenge, asking for an access token for the API (``resource``: RFC 8707 resource
indicator, the services' ``OIDC_AUDIENCE``); the provider sends the browser back to
``PUBLIC_URL/sign-in/callback`` with a code, which the portal exchanges (with the code
verifier) for the tokens. The ID token is verified (signature by a published key, issuer,
audience, expiry, nonce); the access token is then the person's bearer token for the
services, which verify it themselves (``GET /me`` says who it stands for). While the
session lives, the access token is renewed with the refresh token (``refresh``) shortly
before it expires.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from shared.edge.oidc_claims import ProviderUnavailable
from shared.edge.oidc_keys import ASYMMETRIC, IssuerKeys

from .sessions import Login
from .settings import PortalSettings


class SignInFailed(Exception):
    """The sign-in cannot be completed; the message says why (no secret in it)."""


@dataclass(frozen=True)
class Granted:
    """What the token endpoint gave: the access token, a refresh token (if any), and when
    the access token expires (seconds since the epoch, if the provider said)."""

    access: str
    refresh: str | None
    expires: float | None


def granted(tokens: Any, now: float | None = None) -> Granted:
    if not isinstance(tokens, dict):
        raise SignInFailed("the provider's answer is not a JSON object")
    access = tokens.get("access_token")
    if not isinstance(access, str) or not access:
        raise SignInFailed("the provider gave no access token")
    refresh = tokens.get("refresh_token")
    lifetime = tokens.get("expires_in")
    expires = None
    if isinstance(lifetime, int | float) and not isinstance(lifetime, bool) and lifetime > 0:
        expires = (now if now is not None else time.time()) + float(lifetime)
    return Granted(access, refresh if isinstance(refresh, str) and refresh else None, expires)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_login(next_path: str) -> Login:
    return Login(
        state=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        nonce=secrets.token_urlsafe(24),
        next=next_path,
        started=time.time(),
    )


class Provider:
    def __init__(self, settings: PortalSettings, http: httpx.AsyncClient) -> None:
        assert settings.oidc_issuer
        assert settings.oidc_client_id
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self.secret = settings.oidc_client_secret
        self.scopes = settings.oidc_scopes
        self.resource = settings.oidc_audience
        self.redirect_uri = settings.redirect_uri
        self.http = http
        self.keys = IssuerKeys(self.issuer, http, refetch_interval=10.0)
        self._metadata: dict[str, Any] | None = None

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                answer = await self.http.get(url)
                answer.raise_for_status()
                document = answer.json()
            except (httpx.HTTPError, ValueError) as error:
                raise ProviderUnavailable("the provider's discovery document") from error
            if not isinstance(document, dict) or document.get("issuer") != self.issuer:
                raise ProviderUnavailable("the discovery document names another issuer")
            self._metadata = document
        return self._metadata

    async def authorization_url(self, login: Login, lang: str) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": self.scopes,
            "state": login.state,
            "nonce": login.nonce,
            "code_challenge": challenge_of(login.verifier),
            "code_challenge_method": "S256",
            "ui_locales": lang,
        }
        if self.resource:
            query["resource"] = self.resource
        return f"{endpoint}?{urlencode(query)}"

    async def exchange(self, code: str, login: Login) -> tuple[Granted, dict[str, Any]]:
        """The tokens and the verified ID token's claims for ``code``."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": login.verifier,
        }
        tokens = await self._token(form, "the code")
        claims = await self.verify_id_token(tokens.get("id_token"), login.nonce)
        return granted(tokens), claims

    async def refresh(self, refresh_token: str) -> Granted:
        """New tokens for a refresh token (the provider may rotate it: the old one is then
        spent); SignInFailed when the provider no longer takes it."""
        tokens = await self._token(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}, "the refresh token"
        )
        renewed = granted(tokens)
        return Granted(renewed.access, renewed.refresh or refresh_token, renewed.expires)

    async def _token(self, form: dict[str, str], what: str) -> dict[str, Any]:
        if self.resource:
            form["resource"] = self.resource
        auth = None
        if self.secret:
            auth = httpx.BasicAuth(self.client_id, self.secret)
        else:
            form["client_id"] = self.client_id
        endpoint = (await self.metadata())["token_endpoint"]
        try:
            answer = await self.http.post(
                endpoint, data=form, auth=auth or httpx.USE_CLIENT_DEFAULT
            )
        except httpx.HTTPError as error:
            raise ProviderUnavailable("the provider's token endpoint") from error
        if answer.status_code >= 500:
            raise ProviderUnavailable(f"the provider's token endpoint ({answer.status_code})")
        if answer.status_code != 200:
            raise SignInFailed(f"the provider refused {what} ({answer.status_code})")
        try:
            tokens = answer.json()
        except ValueError as error:
            raise SignInFailed("the provider's answer is not JSON") from error
        if not isinstance(tokens, dict):
            raise SignInFailed("the provider's answer is not a JSON object")
        return tokens

    async def verify_id_token(self, token: object, nonce: str) -> dict[str, Any]:
        if not isinstance(token, str) or not token:
            raise SignInFailed("the provider gave no ID token")
        try:
            header = jwt.get_unverified_header(token)
            algorithm, kid = header.get("alg"), header.get("kid")
            if algorithm not in ASYMMETRIC or not isinstance(kid, str):
                raise SignInFailed("the ID token is not signed with a published key")
            key = (await self.keys.key(kid)).for_algorithm(algorithm)
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.client_id,
                issuer=self.issuer,
                leeway=30,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SignInFailed(f"the ID token is not valid: {type(error).__name__}") from error
        except Exception as error:  # TokenRejected of the key lookup
            if isinstance(error, ProviderUnavailable | SignInFailed):
                raise
            raise SignInFailed("the ID token's key is unknown") from error
        if claims.get("nonce") != nonce:
            raise SignInFailed("the ID token is not for this sign-in (nonce)")
        return claims
