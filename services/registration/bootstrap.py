"""Wires registration: settings, Redis, the store and the HTTP API."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.edge.http import publish_schemas
from shared.edge.runtime import Runtime
from shared.edge.settings import ServiceSettings
from shared.edge.writer import Writer

from .api import routes
from .programme import CommitteesBody, RosterBody

NAME = "registration"
SOURCE = "/breakthrough/registration"


class RegistrationSettings(ServiceSettings):
    port: int = Field(default=8001, ge=1, le=65535)
    max_tasks_per_registrant: int = Field(default=2, ge=1, le=100)


def create_app(settings: RegistrationSettings | None = None) -> FastAPI:
    settings = settings or RegistrationSettings()
    runtime = Runtime(NAME, settings)
    app = runtime.app()
    store = runtime.store(quota=settings.max_tasks_per_registrant)
    app.include_router(routes(Writer(runtime, store, SOURCE)))
    publish_schemas(app, RosterBody, CommitteesBody)
    app.state.runtime = runtime
    return app
