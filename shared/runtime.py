"""One service process: its Redis client, event log, broker, followers and HTTP app, wired in
one place. Nothing here does I/O until ``start``, which the app's lifespan runs in the
background: the HTTP API answers (503 "starting") while Redis is awaited."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import structlog
import uvicorn
from fastapi import FastAPI
from faststream.redis import RedisBroker
from redis.exceptions import RedisError

from shared.auth import TokenError
from shared.eventlog import EventLog, connect
from shared.following import BatchHandler, Follower
from shared.http import Lifespan, service_app
from shared.keys import Keys
from shared.logging import configure_logging
from shared.metrics import Metrics
from shared.observability import StreamGauges
from shared.settings import Clock, NoTokens, ServiceSettings

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
    started: bool = field(default=False, init=False)
    _waiting_for: str = field(default="starting", init=False)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.keys = Keys(self.settings.stream_prefix)
        self.metrics = Metrics(self.name)
        self.log = EventLog(connect(self.settings.redis_url), self.keys, self.name, self.metrics)
        self.clock = Clock(self.settings.timezone)
        self.broker = RedisBroker(
            self.settings.redis_url,
            # through the root handler: one JSON line per record, like every other log line
            logger=logging.getLogger("breakthrough.broker"),
            log_level=logging.DEBUG,
            graceful_timeout=5.0,
        )
        self.metrics.refreshers.append(StreamGauges(self.broker, self.log, self.metrics).refresh)

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
            pending_idle_ms=self.settings.pending_idle_ms,
            max_deliveries=self.settings.max_deliveries,
        )
        follower.attach(self.broker, self.settings.batch_size)
        self.followers.append(follower)
        return follower

    async def start(self) -> None:
        """Run the start hooks once each, prepare the followers and start the broker;
        retried with backoff until Redis answers, so the process never exits for want of it."""
        delay, hooks = 0.2, list(self.on_start)
        while not self.started:
            try:
                while hooks:
                    await hooks[0]()
                    hooks.pop(0)
                for follower in self.followers:
                    await follower.prepare()
                await self.broker.start()
            except (RedisError, OSError, TimeoutError) as error:
                self._waiting_for = f"starting: waiting for Redis ({error})"
                logger.warning("start failed, retrying", error=str(error), retry_in=delay)
                await self.broker.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            self.started = True
            # Everything built so far (FastAPI, pydantic schemas, a rebuilt projection) lives
            # as long as the process: keep it out of the collector's full passes, which
            # otherwise walk it all every so often in the middle of a request
            gc.freeze()
            logger.info("ready", followers=[f.stream for f in self.followers])
        self._tasks.append(asyncio.create_task(self._upkeep()))

    async def _upkeep(self) -> None:
        """Claim stale pending entries, keep checkpoints, revive lost groups; forever."""
        interval = min(self.settings.pending_idle_ms / 2000, 5.0)
        while True:
            await asyncio.sleep(interval)
            for follower in self.followers:
                try:
                    await follower.maintain()
                except (RedisError, OSError) as error:
                    logger.warning("upkeep failed", stream=follower.stream, error=str(error))
                except Exception:
                    logger.exception("upkeep failed", stream=follower.stream)

    def starting(self) -> str | None:
        """Why the service does not serve yet, or None once it does."""
        return None if self.started else self._waiting_for

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.broker.stop()
        await self.log.redis.aclose()

    async def readiness(self) -> str | None:
        if not self.started:
            return self._waiting_for
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

    def app(self, lifespan: Lifespan | None = None) -> FastAPI:
        """The service's HTTP app: probes, metrics, refusals, the start-up gate."""
        return service_app(
            name=self.name,
            metrics=self.metrics,
            readiness=self.readiness,
            lifespan=lifespan or self.lifespan,
            version="1",
            starting=self.starting,
        )

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        logger.info("starting", port=self.settings.port, prefix=self.settings.stream_prefix)
        self._tasks.append(asyncio.create_task(self.start()))
        try:
            yield
        finally:
            await self.stop()
            logger.info("stopped")


COLLECTOR_THRESHOLDS = (50_000, 50, 10)
"""The cyclic collector's thresholds for a service (CPython's defaults: 700, 10, 10).

A consumer with a backlog allocates tens of container objects per event (the validated
envelope, the facts), and reporting's projection grows by every task it follows: with the
defaults, full collections walked the whole projection again every time it grew by a
quarter, and took half of the time reporting spent following a backlog of 100,000
registrations (7,300 events/s; 21,400 with these). Young cycles are still collected (every
50,000 allocations, a pass of a few milliseconds); older ones after 2.5 million."""


def serve(create: Callable[[], FastAPI], settings: ServiceSettings, service: str) -> None:
    """Run the service; a configuration it must not run with ends it with a message."""
    configure_logging(service, level=settings.log_level, fmt=settings.log_format)
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        app = create()
    except (NoTokens, TokenError, OSError) as error:
        logger.critical("refusing to start", reason=str(error))
        raise SystemExit(2) from error
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
