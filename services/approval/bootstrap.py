"""Wires approval: settings, Redis, the task store and the HTTP API."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.edge.runtime import Runtime
from shared.edge.settings import ServiceSettings
from shared.log.store import TaskStore

from .api import routes

NAME = "approval"


class ApprovalSettings(ServiceSettings):
    port: int = Field(default=8002, ge=1, le=65535)


def create_app(settings: ApprovalSettings | None = None) -> FastAPI:
    settings = settings or ApprovalSettings()
    runtime = Runtime(NAME, settings)
    app = runtime.app()
    app.include_router(routes(runtime, TaskStore(runtime.log)))
    app.state.runtime = runtime
    return app
