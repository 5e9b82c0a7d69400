"""Wires registration: settings, Redis, the event log, followers and the HTTP API."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.auth import guard
from shared.runtime import Runtime
from shared.settings import ServiceSettings, load_tokens

from .adapters import RegistrationStore
from .api import routes
from .handlers import on_decisions

NAME = "registration"


class RegistrationSettings(ServiceSettings):
    port: int = Field(default=8001, ge=1, le=65535)
    max_tasks_per_registrant: int = Field(default=2, ge=1, le=100)


def create_app(settings: RegistrationSettings | None = None) -> FastAPI:
    settings = settings or RegistrationSettings()
    requires = guard(load_tokens(settings))
    runtime = Runtime(NAME, settings)
    store = RegistrationStore(runtime.log)
    keys = runtime.keys
    runtime.follow(keys.approved, "TaskApproved", on_decisions(store))
    runtime.follow(keys.rejected, "TaskRejected", on_decisions(store))
    app = runtime.app()
    app.include_router(
        routes(store, runtime.log, runtime.clock, settings.max_tasks_per_registrant, requires)
    )
    app.state.runtime = runtime
    return app
