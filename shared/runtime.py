"""One service process: its Redis client, event log, broker, followers and HTTP app, wired in
one place. Nothing here does I/O until ``start`` (called from the app's lifespan)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import structlog
import uvicorn
from fastapi import FastAPI
from faststream.redis import RedisBroker
from redis.exceptions import RedisError

from shared.eventlog import EventLog, connect
from shared.following import BatchHandler, Follower
from shared.keys import Keys
from shared.logging import configure_logging
from shared.metrics import Metrics
from shared.settings import Clock, ServiceSettings

logger = structlog.get_logger()
Check = Callable[[], Awaitable[str | None]]


@dataclass
class Runtime:
    name: str
    settings: ServiceSettings
    keys: Keys = field(init=False)
    log: EventLog = field(init=False)
    metrics: Metrics = field(init=False)
    broker: RedisBroker = field(init=False)
    clock: Clock = field(init=False)
    followers: list[Follower] = field(default_factory=list, init=False)
    checks: list[Check] = field(default_factory=list, init=False)
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.keys = Keys(self.settings.stream_prefix)
        self.metrics = Metrics(self.name)
        self.log = EventLog(connect(self.settings.redis_url), self.keys, self.name, self.metrics)
        self.clock = Clock(self.settings.timezone)
        self.broker = RedisBroker(
            self.settings.redis_url, log_level=logging.DEBUG, graceful_timeout=5.0
        )

    def follow(
        self,
        stream: str,
        event_type: str,
        handler: BatchHandler,
        *,
        after: str | None = None,
        reached: Callable[[str], None] | None = None,
    ) -> Follower:
        """Follow ``stream`` in this service's consumer group, or alone from ``after``."""
        grouped = after is None
        follower = Follower(
            log=self.log,
            metrics=self.metrics,
            stream=stream,
            event_type=event_type,
            handler=handler,
            group=self.keys.group(self.name) if grouped else None,
            consumer=self.settings.replica_name if grouped else None,
            after=after or "$",
            reached=reached,
        )
        follower.attach(self.broker, self.settings.batch_size)
        self.followers.append(follower)
        return follower

    async def start_following(self) -> None:
        for follower in self.followers:
            await follower.prepare()
        await self.broker.start()

    async def stop(self) -> None:
        await self.broker.stop()
        await self.log.redis.aclose()

    async def readiness(self) -> str | None:
        try:
            await self.log.redis.ping()
        except (RedisError, OSError) as error:
            return f"redis does not answer: {error}"
        for follower in self.followers:
            if not follower.running:
                return f"the subscriber of {follower.stream} is not running"
        for check in self.checks:
            if reason := await check():
                return reason
        return None

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        logger.info("starting", port=self.settings.port, prefix=self.settings.stream_prefix)
        try:
            for hook in self.on_start:
                await hook()
            await self.start_following()
            logger.info("ready", followers=[f.stream for f in self.followers])
            yield
        finally:
            await self.stop()
            logger.info("stopped")


def serve(app: FastAPI, settings: ServiceSettings, service: str) -> None:
    configure_logging(service, level=settings.log_level, fmt=settings.log_format)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
