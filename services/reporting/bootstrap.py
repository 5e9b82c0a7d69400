"""Wires reporting: the projection rebuilt from the whole log on start, then followed."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.edge.runtime import Runtime
from shared.edge.settings import ServiceSettings

from .api import routes
from .follower import Follower
from .reading import Reading

NAME = "reporting"


class ReportingSettings(ServiceSettings):
    port: int = Field(default=8003, ge=1, le=65535)


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    runtime = Runtime(NAME, settings)
    follower = Follower(runtime.log, count=settings.batch_size)
    reading = Reading(follower, runtime.clock, settings.grace_days)

    async def follow() -> None:
        runtime.background(follower.run)  # after the rebuild: reads wait for it (503)

    async def following() -> str | None:
        why = follower.why_not_ready()
        runtime.metrics.follower_up.set(0 if why else 1)  # the alert FollowerDown
        return why

    async def up() -> None:
        await following()

    runtime.on_start += [follower.rebuild, follow]
    runtime.checks.append(following)
    runtime.metrics.refreshers.append(up)
    runtime.gauges.positions = lambda: follower.positions
    app = runtime.app()
    app.include_router(routes(runtime, reading))
    app.state.runtime = runtime
    return app
