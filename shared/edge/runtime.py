"""One service process: its settings, Redis client, event log, callers and HTTP app, wired in
one place. Nothing here does I/O until ``start``, which the app's lifespan runs in the
background: the HTTP API answers (503 "starting") while Redis is awaited."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
import uvicorn
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel
from redis.exceptions import RedisError

from shared.domain.people import Actor, Role
from shared.edge.http import Lifespan, answers, service_app
from shared.edge.identity import (
    Authenticator,
    Guard,
    NoTokens,
    TokenError,
    authenticator,
    requires,
)
from shared.edge.settings import Clock, ServiceSettings
from shared.log.eventlog import EventLog, connect
from shared.log.faults import health
from shared.log.gauges import StreamGauges
from shared.log.keys import Keys
from shared.log.store import Store
from shared.ops.logging import configure_logging
from shared.ops.metrics import Metrics

logger = structlog.get_logger()
Check = Callable[[], Awaitable[str | None]]
Hook = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    name: str
    settings: ServiceSettings
    keys: Keys = field(init=False)
    log: EventLog = field(init=False)
    metrics: Metrics = field(init=False)
    clock: Clock = field(init=False)
    gauges: StreamGauges = field(init=False)
    callers: Authenticator = field(init=False)
    checks: list[Check] = field(default_factory=list, init=False)
    """Readiness checks besides Redis: each answers why the service is not ready, or None."""
    on_start: list[Hook] = field(default_factory=list, init=False)
    """Run once each, in order, before the service serves (retried while Redis is away)."""
    on_stop: list[Hook] = field(default_factory=list, init=False)
    started: bool = field(default=False, init=False)
    _waiting_for: str = field(default="starting", init=False)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.keys = Keys(self.settings.stream_prefix)
        self.metrics = Metrics(self.name)
        self.log = EventLog(
            connect(self.settings.redis),
            self.keys,
            self.name,
            self.metrics,
            self.settings.replication,
        )
        self.clock = Clock(self.settings.timezone)
        self.callers = authenticator(self.settings)
        self.gauges = StreamGauges(self.log, self.metrics)
        self.metrics.refreshers.append(self.gauges.refresh)

    def store(self, quota: int = 2) -> Store:
        """The writers' store over this process's log (WRITE_REPLICAS: the log's)."""
        return Store(self.log, quota=quota)

    def requires(self, *roles: Role) -> Guard:
        """A FastAPI dependency admitting callers with one of ``roles``, as an ``Actor``."""
        return requires(self.callers)(*roles)

    async def start(self) -> None:
        """Run the start hooks once each; retried with backoff until Redis answers, so the
        process never exits for want of it."""
        delay, hooks = 0.2, list(self.on_start)
        while hooks:
            try:
                await hooks[0]()
                hooks.pop(0)
            except (RedisError, OSError, TimeoutError) as error:
                self._waiting_for = f"starting: waiting for Redis ({error})"
                logger.warning("start failed, retrying", error=str(error), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.started = True
        logger.info("ready")

    def background(self, job: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``job`` for as long as the service runs; stopped with it."""
        self._tasks.append(asyncio.create_task(job()))

    def starting(self) -> str | None:
        """Why the service does not serve yet, or None once it does."""
        return None if self.started else self._waiting_for

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for hook in self.on_stop:
            await hook()
        if self.callers.verifier is not None:
            await self.callers.verifier.aclose()
        await self.log.redis.aclose()

    async def readiness(self) -> str | None:
        if not self.started:
            return self._waiting_for
        try:
            async with asyncio.timeout(3):
                state = await health(self.log.redis, self.log.replication)
        except (RedisError, OSError, TimeoutError) as error:
            said = str(error) or type(error).__name__
            return f"redis does not answer ({self.settings.redis.describe()}): {said}"
        if state.refuses:
            return state.refuses
        for check in self.checks:
            if reason := await check():
                return reason
        return None

    def app(self, lifespan: Lifespan | None = None) -> FastAPI:
        """The service's HTTP app: probes, metrics, refusals, the start-up gate, and
        ``GET /me`` (who the caller's token stands for)."""
        app = service_app(
            name=self.name,
            metrics=self.metrics,
            readiness=self.readiness,
            lifespan=lifespan or self.lifespan,
            version="1.1",
            starting=self.starting,
        )
        app.include_router(me_route(self.requires()))
        return app

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        logger.info("starting", port=self.settings.port, prefix=self.settings.stream_prefix)
        self._tasks.append(asyncio.create_task(self.start()))
        try:
            yield
        finally:
            await self.stop()
            logger.info("stopped")


class Me(BaseModel):
    """Who a token stands for: ``actor`` is what events record."""

    actor: str
    person: str | None
    roles: list[Role]
    unit: str | None
    committee: str | None = None


def me_route(anyone: Guard) -> APIRouter:
    router = APIRouter(tags=["people"])
    caller = Depends(anyone)

    @router.get("/me", response_model=Me, responses=answers(validated=False))
    async def me(actor: Actor = caller) -> Me:
        """Who the caller's token stands for: a person (or a service), their roles (maybe
        none), and the unit and committee their identity carries, if any."""
        return Me(
            actor=actor.id,
            person=actor.person,
            roles=sorted(actor.roles),
            unit=actor.unit,
            committee=actor.committee,
        )

    return router


def serve(
    create: Callable[[], FastAPI], settings: ServiceSettings, service: str, **options: Any
) -> None:
    """Run the service (``options``: uvicorn's, e.g. for a proxy in front); a configuration
    it must not run with ends it with a message."""
    configure_logging(service, level=settings.log_level, fmt=settings.log_format)
    logging.getLogger("breakthrough").setLevel(logging.INFO)
    try:
        app = create()
    except (NoTokens, TokenError, OSError, ValueError) as error:
        logger.critical("refusing to start", reason=str(error))
        raise SystemExit(2) from error
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
        **options,
    )
