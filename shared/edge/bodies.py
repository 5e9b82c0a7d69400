"""The HTTP edge's vocabulary, shared by every service: identifiers, texts and quantities as
request bodies may hold them, in the JSON Schema keywords the OpenAPI documents publish, and
how a request becomes a command's context and an idempotent write.

Rules at the edge are about form (types, lengths, characters, limits); the rules of the
domain (``shared.domain.lifecycle``) need the task's state and who asks.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated

from fastapi import Header, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from shared.domain.lifecycle import Context
from shared.domain.people import Actor
from shared.domain.refusals import Refusal
from shared.edge.http import correlation_id
from shared.edge.identity import IDENTIFIER
from shared.edge.settings import Clock
from shared.log.keys import Keys
from shared.log.store import Request as Idempotent

MAX_QUANTITY = 1e15
MAX_TARGETS = 10

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER)]
"""A registrant id, unit code or task id: 1-64 of A-Z a-z 0-9 _ - (as path ids)."""


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A person's or a body's name, a metric, who decided: 1-200 characters."""
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
"""A title, a position, a unit's name: 1-300 characters."""
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
"""A unit of measure: 1-50 characters."""
Reference = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
"""A decision's number (``QĐ 190``...): up to 100 characters."""
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
"""A note: up to 2,000 characters."""
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
"""A reason or a summary: 1-2,000 characters."""
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
"""A description: up to 5,000 characters."""


TargetQuantity = Annotated[
    int | float,
    Field(allow_inf_nan=False, gt=0, le=MAX_QUANTITY),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": MAX_QUANTITY}),
]
"""A target: a finite number above 0, at most 1e15."""
ActualQuantity = Annotated[
    int | float,
    Field(allow_inf_nan=False, ge=0, le=MAX_QUANTITY),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_QUANTITY}),
]
"""A reported value: a finite number from 0 to 1e15."""

TaskId = Annotated[str, Path(pattern=IDENTIFIER, description="a task id")]
Year = Annotated[int, Path(ge=2000, le=2100, description="the programme year")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,200}$",
        description="repeat a request safely: the same key and body answer the first answer",
    ),
]


class Body(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def context(request: Request, actor: Actor, clock: Clock, source: str) -> Context:
    now = clock.now()
    return Context(
        actor=actor,
        now=now,
        today=now.astimezone(clock.zone).date(),
        correlation_id=correlation_id(request),
        source=source,
    )


def idempotent(
    keys: Keys, actor: Actor, route: str, task: str, given: str | None, body: BaseModel | None
) -> Idempotent | None:
    """The record of a request that carries an Idempotency-Key: scoped to the caller, the
    route and the task, so one key sent for two tasks is two requests."""
    if given is None:
        return None
    if not re.fullmatch(r"[\x21-\x7e]{1,200}", given):
        raise Refusal(
            "Idempotency-Key must be 1 to 200 printable ASCII characters",
            code="string_pattern_mismatch",
            field=("header", "Idempotency-Key"),
        )
    canonical = "" if body is None else json.dumps(body.model_dump(mode="json"), sort_keys=True)
    body_hash = hashlib.sha256(canonical.encode()).hexdigest()
    return Idempotent(keys.idempotency(f"{actor.id}\n{route}\n{task}\n{given}"), body_hash)
