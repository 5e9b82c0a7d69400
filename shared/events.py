"""The public event documents (contract v1): four event types in a CloudEvents 1.0 envelope.

Each Redis stream entry has exactly two fields, ``type`` and ``event``; ``event`` is the
envelope below serialised as UTF-8 JSON. Event models are frozen and tolerate unknown
fields, so a reader keeps working when a later minor version adds one; the rules a
*request* must satisfy live in the services' command models, not here.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Level(StrEnum):
    deputy_department_head = "deputy_department_head"
    department_head = "department_head"
    district_leader = "district_leader"
    provincial_leader = "provincial_leader"
    standing_committee = "standing_committee"


class Category(StrEnum):
    socio_economic = "socio_economic"
    party_building = "party_building"
    social_security = "social_security"
    digital_transformation = "digital_transformation"
    administrative_reform = "administrative_reform"
    other = "other"


class Kind(StrEnum):
    breakthrough = "breakthrough"
    creative = "creative"


class Direction(StrEnum):
    at_least = "at_least"
    at_most = "at_most"


class ProgressStatus(StrEnum):
    in_progress = "in_progress"
    completed = "completed"
    at_risk = "at_risk"


Quantity = Annotated[int | float, Field(allow_inf_nan=False)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Registrant(Frozen):
    id: str
    name: str
    position: str
    level: Level


class Unit(Frozen):
    code: str
    name: str


class Target(Frozen):
    metric: str
    unit: str
    target: Quantity
    direction: Direction = Direction.at_least


class Actual(Frozen):
    metric: str
    value: Quantity


class TaskRegistered(Frozen):
    task_id: str
    year: int
    registrant: Registrant
    unit: Unit
    title: str
    description: str = ""
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    deadline: date
    registered_at: datetime


class TaskApproved(Frozen):
    task_id: str
    year: int
    decided_by: str
    reference: str | None = None
    note: str | None = None
    approved_at: datetime


class TaskRejected(Frozen):
    task_id: str
    year: int
    decided_by: str
    reason: str
    rejected_at: datetime


class ProgressLogged(Frozen):
    task_id: str
    year: int
    reported_at: date
    actuals: tuple[Actual, ...]
    status: ProgressStatus
    note: str | None = None


EventData = TaskRegistered | TaskApproved | TaskRejected | ProgressLogged
EventType = Literal["TaskRegistered", "TaskApproved", "TaskRejected", "ProgressLogged"]
DATA_MODELS: dict[str, type[EventData]] = {
    "TaskRegistered": TaskRegistered,
    "TaskApproved": TaskApproved,
    "TaskRejected": TaskRejected,
    "ProgressLogged": ProgressLogged,
}

D = TypeVar("D", TaskRegistered, TaskApproved, TaskRejected, ProgressLogged)


class CloudEvent(Frozen, Generic[D]):
    """The structured-mode CloudEvents document stored in the ``event`` field."""

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: EventType
    subject: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    schemaversion: int = SCHEMA_VERSION
    correlationid: str
    causationid: str | None = None
    actor: str | None = None
    """Extension: the name of the token that wrote the event (never the token itself)."""
    actorrole: str | None = None
    """Extension: the role that token acted in."""
    data: D


AnyEvent = (
    CloudEvent[TaskRegistered]
    | CloudEvent[TaskApproved]
    | CloudEvent[TaskRejected]
    | CloudEvent[ProgressLogged]
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_event(
    data: D,
    *,
    source: str,
    correlation_id: str,
    causation_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent[D]:
    """Wrap ``data`` in a new envelope with a fresh unique ``id``."""
    envelope: Any = CloudEvent
    event = envelope[type(data)](
        id=str(uuid.uuid4()),
        source=source,
        type=type(data).__name__,
        subject=data.task_id,
        time=time or utc_now(),
        correlationid=correlation_id,
        causationid=causation_id,
        data=data,
    )
    return cast("CloudEvent[D]", event)


_ENVELOPES: dict[str, Any] = {
    name: cast("Any", CloudEvent)[model] for name, model in DATA_MODELS.items()
}
"""The four parametrised envelope classes, built once (``CloudEvent[model]`` per call costs
a cache lookup keyed on the generic's arguments)."""


class MalformedEvent(ValueError):
    """A stream entry that is not a valid event document of the expected type."""


def parse_event(type_field: str, document: str | bytes, expected: str | None = None) -> AnyEvent:
    """Validate one stream entry's ``type`` and ``event`` fields into a typed envelope."""
    envelope = _ENVELOPES.get(type_field)
    if envelope is None:
        raise MalformedEvent(f"unknown event type {type_field[:80]!r}")
    if expected is not None and type_field != expected:
        raise MalformedEvent(f"a {type_field} entry in the {expected} stream")
    try:
        event: AnyEvent = envelope.model_validate_json(document)
    except ValueError as error:
        raise MalformedEvent(f"invalid {type_field} document: {error}") from error
    if event.type != type_field:
        raise MalformedEvent(f"field type {type_field!r} but document type {event.type!r}")
    if event.schemaversion != SCHEMA_VERSION:
        raise MalformedEvent(f"unsupported schemaversion {event.schemaversion}")
    return event


def event_dict(event: AnyEvent) -> dict[str, Any]:
    """The envelope as JSON-ready primitives (what a plain JSON reader sees)."""
    return event.model_dump(mode="json")


Position = tuple[int, int]


MAX_ID_PART = 2**64 - 1
_POSITION = re.compile(r"^(\d{1,20})(?:-(\d{1,20}))?$")


def is_position(text: str) -> bool:
    """Whether ``text`` is a stream entry id Redis accepts ("<ms>" or "<ms>-<seq>", 64-bit)."""
    match = _POSITION.match(text)
    if match is None:
        return False
    return all(int(part or 0) <= MAX_ID_PART for part in match.groups())


def position_key(position: str) -> Position:
    """Order stream entry ids ("<ms>-<seq>") numerically; "0" and "0-0" are the start."""
    ms, _, seq = position.partition("-")
    return int(ms), int(seq or 0)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from the log: which stream, at which entry id."""

    stream: str
    position: str
    event: AnyEvent
