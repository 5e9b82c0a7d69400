"""Wires approval: settings, Redis, the event log, the registration follower and the API."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.auth import guard
from shared.runtime import Runtime
from shared.settings import ServiceSettings, load_tokens

from .adapters import ApprovalStore
from .api import routes

NAME = "approval"


class ApprovalSettings(ServiceSettings):
    port: int = Field(default=8002, ge=1, le=65535)


def create_app(settings: ApprovalSettings | None = None) -> FastAPI:
    settings = settings or ApprovalSettings()
    requires = guard(load_tokens(settings))
    runtime = Runtime(NAME, settings)
    store = ApprovalStore(runtime.log)
    runtime.follow(runtime.keys.registered, "TaskRegistered", store.note_registrations)
    app = runtime.app()
    app.include_router(routes(store, runtime.clock, requires))
    app.state.runtime = runtime
    return app
