"""Wires notifications: settings, Redis, the mailer, the core, the FastStream subscribers and
the HTTP probes (``/healthz``, ``/readyz``, ``/metrics``) on PORT (default 8004)."""

from __future__ import annotations

import socket

import structlog
from fastapi import FastAPI
from pydantic import Field, field_validator, model_validator
from redis.exceptions import ResponseError

from shared.edge.runtime import Runtime
from shared.edge.settings import MailSettings, mailer
from shared.log.eventlog import text

from .notifier import GROUP, NotificationMetrics, Notifier, Policy
from .subscribers import FOLLOWED, broker, stopped, subscribe

NAME = "notifications"
logger = structlog.get_logger()


class NotificationSettings(MailSettings):
    port: int = Field(default=8004, ge=1, le=65535)
    allow_anonymous: bool = Field(
        default=True,
        description="the service serves no API but its probes (/healthz, /readyz, /metrics): "
        "there is nothing to guard",
    )
    portal_url: str | None = Field(
        default=None,
        description="PORTAL_URL: where people reach the portal; each mail then links to the "
        "task's page (PORTAL_URL/tasks/<id>)",
    )
    notification_consumer: str = Field(
        default_factory=socket.gethostname,
        description="NOTIFICATION_CONSUMER: this process's name in the consumer group "
        "(default the host's name: unique per container)",
    )
    notification_attempts: int = Field(
        default=5, ge=1, le=20, description="NOTIFICATION_ATTEMPTS: tries of one mail"
    )
    notification_backoff: float = Field(
        default=2.0,
        gt=0,
        le=600,
        description="NOTIFICATION_BACKOFF: seconds before the second try, doubled after",
    )
    notification_backoff_max: float = Field(
        default=60.0, gt=0, le=3600, description="NOTIFICATION_BACKOFF_MAX: the longest wait"
    )
    notification_max_deliveries: int = Field(
        default=5,
        ge=1,
        le=100,
        description="NOTIFICATION_MAX_DELIVERIES: deliveries of one entry (each died) before "
        "it is parked",
    )
    notification_reclaim_ms: int | None = Field(
        default=None,
        ge=1000,
        description="NOTIFICATION_RECLAIM_MS: an entry left pending this long by a delivery "
        "that died is delivered again; default: the longest a delivery may take, plus 30 s",
    )

    @field_validator("portal_url")
    @classmethod
    def _portal_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("PORTAL_URL must start with https:// (or http://)")
        return value

    @property
    def policy(self) -> Policy:
        return Policy(
            attempts=self.notification_attempts,
            backoff=self.notification_backoff,
            backoff_max=self.notification_backoff_max,
            max_deliveries=self.notification_max_deliveries,
        )

    @property
    def reclaim_ms(self) -> int:
        if self.notification_reclaim_ms is not None:
            return self.notification_reclaim_ms
        return int((self.policy.budget(self.smtp_timeout) + 30) * 1000)

    @model_validator(mode="after")
    def _reclaim_after_a_delivery(self) -> NotificationSettings:
        budget = self.policy.budget(self.smtp_timeout)
        if self.reclaim_ms <= budget * 1000:
            raise ValueError(
                f"NOTIFICATION_RECLAIM_MS ({self.reclaim_ms}) must exceed the longest a delivery "
                f"may take ({budget:.0f} s: NOTIFICATION_ATTEMPTS x SMTP_TIMEOUT and the "
                "waits between), or a delivery still trying would be taken over"
            )
        return self


def create_app(settings: NotificationSettings | None = None) -> FastAPI:
    settings = settings or NotificationSettings()
    sender = mailer(settings)
    if (why := sender.unconfigured()) is not None:
        raise ValueError(f"notifications cannot mail anyone: {why}")
    runtime = Runtime(NAME, settings)
    notifier = Notifier(
        log=runtime.log,
        mailer=sender,
        clock=runtime.clock,
        consumer=settings.notification_consumer,
        policy=settings.policy,
        metrics=NotificationMetrics(runtime.metrics.registry),
        portal_url=settings.portal_url,
    )
    faststream = broker(runtime.log.redis, NAME)
    streams = [runtime.keys.stream(event_type) for event_type in FOLLOWED]
    subscribers = subscribe(
        faststream, notifier, runtime.keys, settings.notification_consumer, settings.reclaim_ms
    )

    async def create_groups() -> None:
        """The group ``notifications`` on each stream, at its end (``$``) when it is first
        made: events appended before the service ever ran are never mailed about."""
        for stream in streams:
            try:
                await runtime.log.redis.xgroup_create(stream, GROUP, id="$", mkstream=True)
            except ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise
                continue
            last = await runtime.log.last_position(stream)
            logger.info("consumer group created", stream=stream, group=GROUP, at=last)

    async def start_subscribers() -> None:
        try:
            await faststream.start()
        except BaseException:
            await faststream.stop()
            raise
        logger.info(
            "following",
            streams=streams,
            group=GROUP,
            consumer=settings.notification_consumer,
            reclaim_ms=settings.reclaim_ms,
        )

    async def subscribers_run() -> str | None:
        return stopped(subscribers)

    async def lag() -> None:
        """At each scrape: entries of each stream not yet delivered to the group."""
        for stream in streams:
            try:
                groups = await runtime.log.redis.xinfo_groups(stream)
            except ResponseError:
                continue
            for group in groups:
                if text(group.get("name")) == GROUP and group.get("lag") is not None:
                    runtime.metrics.lag(stream).set(int(group["lag"]))

    runtime.on_start += [create_groups, start_subscribers]
    runtime.on_stop.append(faststream.stop)
    runtime.checks.append(subscribers_run)
    runtime.metrics.refreshers.append(lag)
    app = runtime.app()
    app.state.runtime = runtime
    app.state.notifier = notifier
    return app
