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
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Header, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from shared.domain.context import Context
from shared.domain.people import IDENTIFIER, Actor
from shared.domain.refusals import Forbidden, Refusal
from shared.edge.http import correlation_id
from shared.edge.settings import Clock
from shared.log.keys import Keys
from shared.log.store import Request as Idempotent

MAX_QUANTITY = 1e15
MAX_TARGETS = 10

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER)]
"""A registrant id, unit code or task id: 1-64 of A-Z a-z 0-9 _ - (as path ids)."""


LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
"""One line of text: no control character (U+0000-U+001F, U+007F-U+009F)."""
LINES = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
"""Lines of text: no control character but tab and line feed."""


def _text(most: int, least: int = 0, pattern: str = LINE) -> object:
    return StringConstraints(
        strip_whitespace=True, min_length=least, max_length=most, pattern=pattern
    )


Name = Annotated[str, _text(200, 1)]
"""A person's or a body's name, a metric, who decided: 1-200 characters, one line."""
Title = Annotated[str, _text(300, 1)]
"""A title, a position, a unit's name: 1-300 characters, one line."""
Short = Annotated[str, _text(50, 1)]
"""A unit of measure: 1-50 characters."""
Reference = Annotated[str, _text(100)]
"""A decision's number (``QĐ 190``...): up to 100 characters."""
Note = Annotated[str, _text(2000, 0, LINES)]
"""A note: up to 2,000 characters, lines."""
Reason = Annotated[str, _text(2000, 1, LINES)]
"""A reason or a summary: 1-2,000 characters, lines."""
Description = Annotated[str, _text(5000, 0, LINES)]
"""A description: up to 5,000 characters, lines."""
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$",
    ),
]
"""An e-mail address (a leader's on the roster)."""


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


RECORDED_AT = "Recorded-At"


def context(request: Request, actor: Actor, clock: Clock, source: str) -> Context:
    """Who asks, now; for an admin's import of a past record (the ``Recorded-At`` header, an
    RFC 3339 moment with its offset), that moment, the import's own kept in ``imported_at``."""
    now, imported_at = clock.now(), None
    given = request.headers.get(RECORDED_AT)
    if given is not None:
        recorded = _moment(given)
        if not actor.admin:
            raise Forbidden(
                f"only an admin imports records of the past ({RECORDED_AT})", code="forbidden"
            )
        if recorded > now:
            raise Refusal(
                f"{RECORDED_AT} is in the future", code="in_future", field=("header", RECORDED_AT)
            )
        now, imported_at = recorded.astimezone(UTC), now
    return Context(
        actor=actor,
        now=now,
        today=now.astimezone(clock.zone).date(),
        zone=clock.zone,
        correlation_id=correlation_id(request),
        source=source,
        imported_at=imported_at,
    )


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not _RFC3339.fullmatch(text.strip()):
        raise Refusal(
            f"{RECORDED_AT} is an RFC 3339 moment with its offset (2024-02-01T08:30:00+07:00)",
            code="datetime_parsing",
            field=("header", RECORDED_AT),
        )
    return moment


_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)")


def idempotent(
    keys: Keys,
    actor: Actor,
    route: str,
    task: str,
    given: str | None,
    body: BaseModel | bytes | None,
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
    if isinstance(body, bytes):  # a document read as it came (a roster's CSV or JSON)
        canonical = body
    else:
        dumped = "" if body is None else json.dumps(body.model_dump(mode="json"), sort_keys=True)
        canonical = dumped.encode()
    body_hash = hashlib.sha256(canonical).hexdigest()
    return Idempotent(keys.idempotency(f"{actor.id}\n{route}\n{task}\n{given}"), body_hash)
