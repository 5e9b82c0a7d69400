"""An OpenID provider's published signing keys, found through its discovery document.

Nothing is fetched until a key is first asked for. Keys are cached by ``kid``; a ``kid`` not
in the cache fetches the key set again, at most once per ``refetch_interval`` seconds (every
fetch counts, the first one too), and concurrent callers share one fetch. Only keys for
asymmetric signatures are kept, each with the algorithms it may verify: the JWK's ``alg``
when it names one, else those its key type allows.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt
import structlog

from shared.edge.oidc_claims import ProviderUnavailable, TokenRejected

logger = structlog.get_logger()

ALGORITHMS: dict[str, frozenset[str]] = {
    "RSA": frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}),
    "EC:P-256": frozenset({"ES256"}),
    "EC:P-384": frozenset({"ES384"}),
    "EC:P-521": frozenset({"ES512"}),
    "OKP:Ed25519": frozenset({"EdDSA"}),
}
ASYMMETRIC = frozenset().union(*ALGORITHMS.values())


class SigningKey:
    """One published key and the algorithms it verifies (its PyJWT keys built on first use)."""

    def __init__(self, jwk: dict[str, Any], algorithms: frozenset[str]) -> None:
        self.jwk = jwk
        self.algorithms = algorithms
        self._built: dict[str, jwt.PyJWK] = {}

    def for_algorithm(self, algorithm: str) -> jwt.PyJWK:
        if algorithm not in self.algorithms:
            raise TokenRejected("the token's algorithm does not match its signing key")
        if algorithm not in self._built:
            try:
                self._built[algorithm] = jwt.PyJWK(self.jwk, algorithm)
            except (jwt.PyJWKError, jwt.InvalidKeyError) as error:
                raise TokenRejected("the token's signing key cannot be used") from error
        return self._built[algorithm]


def signing_keys(document: Any) -> dict[str, SigningKey]:
    """The usable keys of a JWKS document by ``kid``; others (no kid, ``enc``, HMAC) dropped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ProviderUnavailable("the provider's key set is not a JWKS document")
    keys: dict[str, SigningKey] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("use", "sig") != "sig":
            continue
        kind = f"{jwk.get('kty')}:{jwk.get('crv')}" if "crv" in jwk else str(jwk.get("kty"))
        allowed = ALGORITHMS.get(kind, frozenset())
        if "alg" in jwk:
            allowed = allowed & {jwk["alg"]}
        if allowed:
            keys[jwk["kid"]] = SigningKey(jwk, allowed)
    return keys


class IssuerKeys:
    def __init__(self, issuer: str, client: httpx.AsyncClient, refetch_interval: float) -> None:
        self.issuer = issuer
        self._client = client
        self._interval = refetch_interval
        self._jwks_uri: str | None = None
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._fetch_failed = False
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> SigningKey:
        """The key named ``kid``; unknown after an allowed refetch: the token is rejected."""
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys:
                await self._refetch_unless_recent()
        if kid not in self._keys:
            raise TokenRejected("the token's signing key is unknown")
        return self._keys[kid]

    async def _refetch_unless_recent(self) -> None:
        if self._fetched_at is not None and time.monotonic() - self._fetched_at < self._interval:
            if self._fetch_failed:
                raise ProviderUnavailable("the OpenID provider's keys cannot be fetched")
            return
        self._fetched_at = time.monotonic()
        self._fetch_failed = True
        if self._jwks_uri is None:
            self._jwks_uri = await self._discover()
        self._keys = signing_keys(await self._get(self._jwks_uri, "key set"))
        self._fetch_failed = False
        logger.info("oidc keys fetched", issuer=self.issuer, kids=sorted(self._keys))

    async def _discover(self) -> str:
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = await self._get(url, "discovery document")
        if not isinstance(document, dict) or document.get("issuer") != self.issuer:
            raise ProviderUnavailable("the provider's discovery document names another issuer")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri:
            raise ProviderUnavailable("the provider's discovery document has no jwks_uri")
        return jwks_uri

    async def _get(self, url: str, what: str) -> Any:
        try:
            answer = await self._client.get(url, headers={"accept": "application/json"})
            answer.raise_for_status()
            return answer.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("oidc fetch failed", issuer=self.issuer, url=url, error=str(error))
            raise ProviderUnavailable(f"the OpenID provider's {what} cannot be fetched") from error
