"""The portal's settings, from the environment (README.md in this folder lists them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from shared.edge.settings import ServiceSettings


class PortalSettings(ServiceSettings):
    """``REDIS_URL`` and ``STREAM_PREFIX`` say where sessions live; ``OIDC_ISSUER`` and
    ``OIDC_AUDIENCE`` are the provider and the API's resource, as for the services."""

    port: int = Field(default=8000, ge=1, le=65535)
    registration_url: str = Field(default="http://127.0.0.1:8001", description="REGISTRATION_URL")
    approval_url: str = Field(default="http://127.0.0.1:8002", description="APPROVAL_URL")
    reporting_url: str = Field(default="http://127.0.0.1:8003", description="REPORTING_URL")
    api_timeout: float = Field(default=15.0, gt=0, le=120, description="API_TIMEOUT, seconds")
    public_url: str | None = Field(
        default=None,
        description="PUBLIC_URL: where people reach the portal (https://...); the OpenID "
        "redirect URI is PUBLIC_URL/sign-in/callback",
    )
    oidc_client_id: str | None = Field(default=None, description="OIDC_CLIENT_ID")
    oidc_client_secret: str | None = Field(
        default=None, repr=False, description="OIDC_CLIENT_SECRET: none for a public client"
    )
    oidc_scopes: str = Field(default="openid profile", description="OIDC_SCOPES")
    token_sign_in: Literal["link", "form", "off"] = Field(
        default="link",
        description="TOKEN_SIGN_IN: signing in with a bearer token the services take: 'link' "
        "(pasted in the form, or in a /#token= link, confirmed on a page), 'form' (pasted "
        "only), 'off'; true means link, false off",
    )
    session_key: str | None = Field(
        default=None,
        repr=False,
        description="SESSION_KEY: the secret sealing the tokens sessions keep in Redis "
        "(at least 32 characters); unset, with no SESSION_KEY_FILE: one made at start",
    )
    session_key_file: Path | None = Field(
        default=None, description="SESSION_KEY_FILE: a file holding SESSION_KEY"
    )
    sign_in_attempts: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description="SIGN_IN_ATTEMPTS: failed sign-ins allowed per client address (and per "
        "account tried) within SIGN_IN_WINDOW; more are refused with 429",
    )
    sign_in_window: int = Field(
        default=900, ge=10, le=86_400, description="SIGN_IN_WINDOW: seconds failures count"
    )
    session_ttl: int = Field(
        default=8 * 3600, ge=60, le=30 * 86400, description="SESSION_TTL: seconds idle"
    )
    secure_cookies: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="SECURE_COOKIES: auto marks cookies Secure when the request came over "
        "TLS (directly or as X-Forwarded-Proto from a proxy in FORWARDED_ALLOW_IPS)",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1,::1",
        description="FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-Proto/-For are believed",
    )

    @field_validator("token_sign_in", mode="before")
    @classmethod
    def _token_modes(cls, value: Any) -> Any:
        words = {"true": "link", "1": "link", "yes": "link", "false": "off", "0": "off"}
        if isinstance(value, bool):
            return "link" if value else "off"
        if isinstance(value, str):
            return words.get(value.strip().lower(), value.strip().lower())
        return value

    @field_validator("registration_url", "approval_url", "reporting_url", "public_url")
    @classmethod
    def _plain_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def token_form(self) -> bool:
        """A pasted token signs in."""
        return self.token_sign_in != "off"  # noqa: S105 (a mode, not a secret)

    @property
    def token_links(self) -> bool:
        """A ``/#token=`` link offers to sign in (the person confirms)."""
        return self.token_sign_in == "link"  # noqa: S105 (a mode, not a secret)

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/sign-in/callback"

    def check(self) -> None:
        """Refuse a configuration nobody can sign in with, or a half-configured provider."""
        if not self.oidc_enabled and not self.token_form:
            raise ValueError(
                "nobody could sign in: set OIDC_ISSUER (with OIDC_CLIENT_ID, OIDC_AUDIENCE "
                "and PUBLIC_URL) or TOKEN_SIGN_IN=form (or link)"
            )
        if self.oidc_enabled:
            missing = [
                name
                for name, value in (
                    ("OIDC_CLIENT_ID", self.oidc_client_id),
                    ("OIDC_AUDIENCE", self.oidc_audience),
                    ("PUBLIC_URL", self.public_url),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"OIDC_ISSUER is set, so set {', '.join(missing)} too")
