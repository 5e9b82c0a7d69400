"""What every service's commands share: strict request models and refusals."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Text = Annotated[str, Field(min_length=1)]
Note = Annotated[str, Field(max_length=2000)]


class Command(BaseModel):
    """A request body: unknown fields are refused, surrounding spaces dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Refusal(Exception):
    """A command the rules refuse; ``status`` is the HTTP answer, nothing is written."""

    status = 422

    def __init__(self, message: str, field: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(Refusal):
    """Refused because of the state the command meets (HTTP 409)."""

    status = 409
