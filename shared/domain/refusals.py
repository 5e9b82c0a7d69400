"""Refusals: a command the rules do not allow. Nothing is written; the caller is told why.

Every refusal has an HTTP status, a stable ``code`` (the error's ``type`` in the answer, which
the portal translates), a message in English, and the field it concerns, if any. The HTTP
edge answers each one in the single error shape of every route (see ``shared.edge.http``).
"""

from __future__ import annotations

from typing import Any, ClassVar


class Refusal(Exception):
    """422 by default: the command is malformed or breaks a rule about its own content."""

    status: ClassVar[int] = 422

    def __init__(
        self, message: str, *, code: str, field: tuple[str | int, ...] = (), **ctx: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.ctx = ctx


class Conflict(Refusal):
    """409: the command does not fit the state it meets (a task's state, a closed year...)."""

    status = 409


class Forbidden(Refusal):
    """403: the caller may not do this (not their task, their own task to decide...)."""

    status = 403


class NotFound(Refusal):
    """404: there is no such task (or year, or roster)."""

    status = 404
