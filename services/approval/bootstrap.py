"""Wires approval: settings, Redis, the store and the HTTP API."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import Field

from shared.edge.runtime import Runtime
from shared.edge.settings import MailSettings, mailer
from shared.edge.writer import Writer

from . import reminders
from .api import routes

NAME = "approval"
SOURCE = "/breakthrough/approval"


class ApprovalSettings(MailSettings):
    """Approval's settings; the mail server's (``SMTP_URL``, ``MAIL_FROM``) for reminders."""

    port: int = Field(default=8002, ge=1, le=65535)


def create_app(settings: ApprovalSettings | None = None) -> FastAPI:
    settings = settings or ApprovalSettings()
    runtime = Runtime(NAME, settings)
    app = runtime.app()
    writer = Writer(runtime, runtime.store(), SOURCE)
    app.include_router(routes(writer))
    app.include_router(reminders.routes(writer, mailer(settings)))
    app.state.runtime = runtime
    return app
