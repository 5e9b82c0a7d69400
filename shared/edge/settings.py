"""Settings read from the environment (pydantic-settings); one subclass per service."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from shared.edge.identity import Authenticator, OidcActors, Tokens, Verifier
from shared.edge.oidc import OidcVerifier

_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class _SecretFiles(SecretsSettingsSource):
    """A file per setting in a folder, named after the setting; an empty file is unset."""

    def __call__(self) -> dict[str, Any]:
        return {name: value for name, value in super().__call__().items() if value != ""}


class ServiceSettings(BaseSettings):
    """What every service reads. Names match the contract's environment variables.

    A setting comes from the environment, else from a file named after it (``api_tokens``,
    ``redis_url``, ``oidc_issuer``...) in the folder ``SECRETS_DIR`` names, if any: docker
    compose mounts its secrets in ``/run/secrets``. An empty variable or file counts as unset.
    """

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, env_ignore_empty=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        if folder := os.environ.get("SECRETS_DIR"):
            file_secret_settings = _SecretFiles(settings_cls, secrets_dir=folder)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    redis_url: str = "redis://localhost:6379/0"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    stream_prefix: str = "breakthrough"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    batch_size: int = Field(
        default=500, ge=1, le=10_000, description="entries reporting reads per stream at once"
    )
    api_tokens: str = Field(
        default="", repr=False, description="role:token:person entries, comma separated"
    )
    api_tokens_file: Path | None = Field(
        default=None, description="a file of API_TOKENS entries (one per line), e.g. a secret"
    )
    allow_anonymous: bool = Field(
        default=False, description="with no tokens at all, let every request in (local demos)"
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh", description="where 'today' and 'end of a day' are reckoned"
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="OIDC_ISSUER: also accept JWT access tokens from this OpenID Connect issuer",
    )
    oidc_audience: str | None = Field(
        default=None, description="OIDC_AUDIENCE: the audience (aud) an access token must carry"
    )
    oidc_person_claim: str = Field(
        default="sub", description="OIDC_PERSON_CLAIM: the claim naming the person"
    )
    oidc_roles_claim: str = Field(
        default="roles",
        description="OIDC_ROLES_CLAIM: the claim listing roles; a dotted path reaches into "
        "nested claims (Keycloak: realm_access.roles)",
    )
    oidc_unit_claim: str | None = Field(
        default=None, description="OIDC_UNIT_CLAIM: the claim naming the person's unit, if any"
    )

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"TIMEZONE {value!r} is not a known time zone") from error
        return value

    @field_validator("stream_prefix")
    @classmethod
    def _prefix_is_plain(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError("STREAM_PREFIX: 1-64 of A-Z a-z 0-9 . _ - (no braces or colons)")
        return value


class Clock:
    """Now (UTC) and today (in the province's time zone); replaced by a fixed clock in tests."""

    def __init__(self, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()


class NoTokens(RuntimeError):
    """The service would be open to anyone, and nobody said that is wanted."""


def authenticator(settings: ServiceSettings) -> Authenticator:
    """Who may call the service: its static tokens and, with OIDC_ISSUER, the province's
    identity provider; open to all only by explicit choice."""
    text = settings.api_tokens
    if settings.api_tokens_file is not None:
        text += "\n" + settings.api_tokens_file.read_text(encoding="utf-8")
    tokens = Tokens.parse(text)
    verifier = oidc_actors(settings)
    if len(tokens) or verifier is not None:
        return Authenticator(tokens if len(tokens) else None, verifier)
    if settings.allow_anonymous:
        return Authenticator(None)
    raise NoTokens(
        "no API_TOKENS (or API_TOKENS_FILE) and no OIDC_ISSUER configured: refusing to start "
        "an open service; set tokens as role:token:person entries, or ALLOW_ANONYMOUS=true "
        "for a local demo"
    )


def oidc_actors(settings: ServiceSettings) -> Verifier | None:
    """The actors of OpenID Connect access tokens, when OIDC_ISSUER is set."""
    verifier = OidcVerifier.from_settings(settings)
    return None if verifier is None else OidcActors(verifier)
