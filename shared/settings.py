"""Settings read from the environment (pydantic-settings); one subclass per service."""

from __future__ import annotations

import re
import socket
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth import Tokens

_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ServiceSettings(BaseSettings):
    """What every service reads. Names match the contract's environment variables."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    redis_url: str = "redis://localhost:6379/0"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    stream_prefix: str = "breakthrough"
    replica_name: str = Field(
        default_factory=socket.gethostname,
        description="Stable name of this replica: its consumer name in every consumer group.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    batch_size: int = Field(default=500, ge=1, le=10_000, description="entries per consumer read")
    pending_idle_ms: int = Field(
        default=30_000,
        ge=100,
        description="an entry pending this long is taken over by another consumer of the group",
    )
    max_deliveries: int = Field(
        default=5, ge=1, description="deliveries of an entry before it is dead-lettered"
    )
    api_tokens: str = Field(
        default="", repr=False, description="role:token[:name] entries, comma separated"
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

    @field_validator("replica_name")
    @classmethod
    def _replica_is_plain(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError("REPLICA_NAME must be 1-64 of A-Z a-z 0-9 . _ -")
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


def load_tokens(settings: ServiceSettings) -> Tokens | None:
    """The service's tokens; None means anonymous access, only ever by explicit choice."""
    text = settings.api_tokens
    if settings.api_tokens_file is not None:
        text += "\n" + settings.api_tokens_file.read_text(encoding="utf-8")
    tokens = Tokens.parse(text)
    if len(tokens):
        return tokens
    if settings.allow_anonymous:
        return None
    raise NoTokens(
        "no API_TOKENS (or API_TOKENS_FILE) configured: refusing to start an open service; "
        "set tokens as role:token entries, or ALLOW_ANONYMOUS=true for a local demo"
    )
