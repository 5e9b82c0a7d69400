"""Settings read from the environment (pydantic-settings); one subclass per service."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from shared.edge.mail import Mailer, SmtpServer, sender_address
from shared.log.connection import Where
from shared.log.replication import Replication

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

    redis_url: str = Field(
        default="redis://localhost:6379/0",
        repr=False,
        description="REDIS_URL: the Redis of the log (ignored with REDIS_SENTINELS)",
    )
    redis_sentinels: str | None = Field(
        default=None,
        description="REDIS_SENTINELS: host:port,host:port... of the Sentinels that name the "
        "primary; with it, REDIS_URL is ignored",
    )
    redis_master_name: str | None = Field(
        default=None, description="REDIS_MASTER_NAME: the primary's name at the Sentinels"
    )
    redis_password: str | None = Field(
        default=None,
        repr=False,
        description="REDIS_PASSWORD: of the primary, its replicas and the Sentinels alike "
        "(a password in REDIS_URL wins)",
    )
    redis_password_file: Path | None = Field(
        default=None, description="REDIS_PASSWORD_FILE: a file holding REDIS_PASSWORD"
    )
    write_replicas: int = Field(
        default=0,
        ge=0,
        le=10,
        description="WRITE_REPLICAS: a write is answered only once this many replicas hold "
        "it (WAIT); otherwise 503",
    )
    write_replicas_timeout_ms: int = Field(
        default=1000,
        ge=1,
        le=4000,
        description="WRITE_REPLICAS_TIMEOUT_MS: how long a write waits for its replicas "
        "(under the 5 s a Redis command may take)",
    )
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
    grace_days: int = Field(
        default=15,
        ge=0,
        le=366,
        description="GRACE_DAYS: a completion recorded later than this after the deadline "
        "is not on time, whatever day it claims",
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
    oidc_committee_claim: str | None = Field(
        default=None,
        description="OIDC_COMMITTEE_CLAIM: the claim naming the person's committee, if any",
    )

    @property
    def redis(self) -> Where:
        """Where the log is: ``REDIS_URL``, or the primary the Sentinels name."""
        return Where.of(
            self.redis_url,
            self.redis_sentinels,
            self.redis_master_name,
            self.redis_password,
            self.redis_password_file,
        )

    @property
    def replication(self) -> Replication:
        return Replication(self.write_replicas, self.write_replicas_timeout_ms)

    @model_validator(mode="after")
    def _redis_is_named(self) -> ServiceSettings:
        self.redis  # noqa: B018 - raises ValueError naming the setting that is wrong
        return self

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


class MailSettings(ServiceSettings):
    """What a service that sends mail reads besides (notifications; approval's reminders):
    the server (``SMTP_URL``, ``SMTP_PASSWORD`` from a secret file or the environment,
    ``SMTP_CA_FILE``, ``SMTP_TIMEOUT``) and the sender (``MAIL_FROM``). ``mailer(settings)``
    makes the sender of mail from them."""

    smtp_url: str | None = Field(
        default=None,
        repr=False,
        description="SMTP_URL: smtp://[user[:password]@]host[:port] (STARTTLS when the server "
        "offers it) or smtps://... (TLS from the start); unset: no mail is sent",
    )
    smtp_password: str | None = Field(
        default=None,
        repr=False,
        description="SMTP_PASSWORD: the password of SMTP_URL's user when the URL carries none "
        "(e.g. the secret file smtp_password)",
    )
    smtp_ca_file: Path | None = Field(
        default=None, description="SMTP_CA_FILE: a certificate authority to trust for the server"
    )
    smtp_timeout: float = Field(
        default=30.0, gt=0, le=600, description="SMTP_TIMEOUT: seconds for one whole mail"
    )
    mail_from: str | None = Field(
        default=None, description="MAIL_FROM: the sender, name@domain or 'Name <name@domain>'"
    )

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_is_one(cls, value: str | None) -> str | None:
        if value is not None:
            SmtpServer.parse(value)
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from_is_an_address(cls, value: str | None) -> str | None:
        if value is not None:
            sender_address(value)
        return value


class Clock:
    """Now (UTC) and today (in the province's time zone); replaced by a fixed clock in tests."""

    def __init__(self, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()

    def end_of(self, day: date) -> datetime:
        """The last instant of ``day`` where the province reckons days, in UTC."""
        try:
            return datetime.combine(day, time.max, tzinfo=self.zone).astimezone(UTC)
        except OverflowError:  # the first or last days a datetime holds
            return (datetime.max if day.year > 1 else datetime.min).replace(tzinfo=UTC)


def mailer(settings: MailSettings) -> Mailer:
    """The mail sender of SMTP_URL (or SMTP_PASSWORD), MAIL_FROM, SMTP_CA_FILE and
    SMTP_TIMEOUT; without SMTP_URL or MAIL_FROM it refuses each mail with that reason
    (``MailNotConfigured``)."""
    return Mailer.from_url(
        settings.smtp_url,
        settings.mail_from,
        password=settings.smtp_password,
        timeout=settings.smtp_timeout,
        ca_file=settings.smtp_ca_file,
    )
