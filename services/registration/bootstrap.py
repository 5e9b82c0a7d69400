"""Wires registration: settings, Redis, the task store and the HTTP API."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.edge.http import publish_schemas
from shared.edge.runtime import Runtime
from shared.edge.settings import ServiceSettings
from shared.log.store import TaskStore

from .api import routes
from .roster import RosterBody

NAME = "registration"


class RegistrationSettings(ServiceSettings):
    port: int = Field(default=8001, ge=1, le=65535)
    max_tasks_per_registrant: int = Field(default=2, ge=1, le=100)


def create_app(settings: RegistrationSettings | None = None) -> FastAPI:
    settings = settings or RegistrationSettings()
    runtime = Runtime(NAME, settings)
    app = runtime.app()
    app.include_router(routes(runtime, TaskStore(runtime.log), settings.max_tasks_per_registrant))
    publish_schemas(app, RosterBody)
    app.state.runtime = runtime
    return app
