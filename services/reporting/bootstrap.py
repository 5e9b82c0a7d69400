"""Wires reporting: load the snapshot and fold the log's tail, then follow the four streams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import Field

from shared.auth import guard
from shared.runtime import Runtime
from shared.settings import ServiceSettings, load_tokens

from .api import routes
from .dashboard import dashboard_routes
from .live import LiveProjection
from .snapshots import SnapshotStore

NAME = "reporting"


class ReportingSettings(ServiceSettings):
    port: int = Field(default=8003, ge=1, le=65535)
    snapshot_every: int = Field(
        default=10_000,
        ge=0,
        description=(
            "SNAPSHOT_EVERY: events applied between two snapshots (at least, and at least as"
            " many as the tasks held); 0 turns snapshots off"
        ),
    )
    rebuild_page_size: int = Field(
        default=10_000,
        ge=100,
        le=100_000,
        description="REBUILD_PAGE_SIZE: entries one XRANGE reads while catching up on start",
    )


def projection_for(runtime: Runtime, settings: ReportingSettings) -> LiveProjection:
    store = SnapshotStore(runtime.log.redis, settings.stream_prefix)
    return LiveProjection(
        runtime.log,
        snapshots=store if settings.snapshot_every else None,
        snapshot_every=settings.snapshot_every,
        page_size=settings.rebuild_page_size,
        redis_url=settings.redis_url,
    )


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    requires = guard(load_tokens(settings))
    runtime = Runtime(NAME, settings)
    projection = projection_for(runtime, settings)

    async def rebuild_then_follow() -> None:
        await projection.start()
        for event_type, stream in runtime.keys.event_streams.items():
            runtime.follow(
                stream,
                event_type,
                projection.apply,
                after=projection.applied[stream],
                reached=projection.freshness.reached(stream),
            )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan(app):
            yield
            await projection.close()

    runtime.on_start.append(rebuild_then_follow)
    app = runtime.app(lifespan)
    app.include_router(routes(projection, runtime.clock, runtime.log, requires))
    app.include_router(dashboard_routes(projection, runtime.clock))
    app.state.runtime = runtime
    app.state.projection = projection
    return app
