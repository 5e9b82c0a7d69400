"""Wires reporting: rebuild the projection from the log, then follow the four streams."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.http import service_app
from shared.runtime import Runtime
from shared.settings import ServiceSettings

from .api import routes
from .live import LiveProjection

NAME = "reporting"


class ReportingSettings(ServiceSettings):
    port: int = Field(default=8003, ge=1, le=65535)


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    runtime = Runtime(NAME, settings)
    projection = LiveProjection(runtime.log)

    async def rebuild_then_follow() -> None:
        await projection.rebuild()
        for event_type, stream in runtime.keys.event_streams.items():
            runtime.follow(
                stream,
                event_type,
                projection.apply,
                after=projection.applied[stream],
                reached=projection.reached(stream),
            )

    runtime.on_start.append(rebuild_then_follow)
    app = service_app(
        name=NAME,
        metrics=runtime.metrics,
        readiness=runtime.readiness,
        lifespan=runtime.lifespan,
        version="1",
        starting=runtime.starting,
    )
    app.include_router(routes(projection, runtime.clock))
    app.state.runtime = runtime
    app.state.projection = projection
    return app
