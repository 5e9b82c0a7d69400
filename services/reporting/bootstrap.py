"""Wires reporting: rebuild the projection from the whole log on start, then follow it."""

from __future__ import annotations

import gc
import time

import structlog
from fastapi import FastAPI
from pydantic import Field

from shared.edge.runtime import Runtime
from shared.edge.settings import ServiceSettings
from shared.log.gauges import StreamGauges

from .api import routes
from .dashboard import dashboard_routes
from .domain.tasks import Projection
from .follower import Follower
from .service import Reporting

NAME = "reporting"
logger = structlog.get_logger()


class ReportingSettings(ServiceSettings):
    port: int = Field(default=8003, ge=1, le=65535)
    rebuild_page_size: int = Field(
        default=1_000,
        ge=100,
        le=100_000,
        description="REBUILD_PAGE_SIZE: entries one XRANGE reads while rebuilding on start",
    )


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    runtime = Runtime(NAME, settings)
    projection = Projection()
    follower = Follower(runtime.log, projection, page_size=settings.rebuild_page_size)
    reporting = Reporting(projection, follower, runtime.clock)

    async def rebuild() -> None:
        # Nothing a rebuild makes holds a cycle, and the collector would walk each page's
        # young objects again and again: ~10 % of the rebuild's CPU (bench/README.md)
        gc.disable()
        started = time.perf_counter()
        try:
            events = await follower.rebuild()
        finally:
            gc.enable()
        seconds = round(time.perf_counter() - started, 3)
        logger.info("projection ready", events=events, tasks=len(projection.tasks), seconds=seconds)
        runtime.background(lambda: follower.follow(count=settings.batch_size))

    async def follower_runs() -> str | None:
        return None if follower.running else "the follower of the log is not running"

    runtime.on_start.append(rebuild)
    runtime.checks.append(follower_runs)
    gauges = StreamGauges(runtime.log, runtime.metrics, lambda: follower.positions)
    runtime.metrics.refreshers.append(gauges.refresh)
    app = runtime.app()
    app.include_router(routes(runtime, reporting))
    app.include_router(dashboard_routes(projection, runtime.clock))
    app.state.runtime = runtime
    app.state.reporting = reporting
    return app
