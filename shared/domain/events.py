"""The public event documents (contract 1.1): every event type, in a CloudEvents 1.0 envelope.

Each Redis stream entry has exactly two fields, ``type`` and ``event``; ``event`` is the
envelope serialised as UTF-8 JSON. The types here are msgspec structs: frozen, not tracked by
the garbage collector (they hold no cycles), decoded straight from the bytes Redis returns.
They describe the *shape* of a document and tolerate unknown fields, so a reader keeps working
when a later minor version adds one; the rules a *request* must satisfy (lengths, limits,
who may act) live at the HTTP edge and in ``shared.domain.lifecycle``. A reader decodes an entry
with ``shared.log.decode_entry`` (one place, one decoder per type).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

import msgspec

SCHEMA_VERSION = 1
Moment = Annotated[datetime, msgspec.Meta(tz=True)]
Quantity = int | float
"""A target or an actual. The API accepts finite numbers up to 1e15 in size; a reader takes
any JSON number it can hold (ints of any size, finite floats) and never fails on one."""


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


class Rating(StrEnum):
    """The four levels used for cadres, best first."""

    excellent = "excellent"  # Hoàn thành xuất sắc nhiệm vụ
    good = "good"  # Hoàn thành tốt nhiệm vụ
    completed = "completed"  # Hoàn thành nhiệm vụ
    not_completed = "not_completed"  # Không hoàn thành nhiệm vụ


class Value(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A part of an event's data."""


class Registrant(Value, frozen=True, gc=False, kw_only=True):
    id: str
    name: str
    position: str
    level: Level


class Unit(Value, frozen=True, gc=False, kw_only=True):
    code: str
    name: str


class Target(Value, frozen=True, gc=False, kw_only=True):
    metric: str
    unit: str
    target: Quantity
    direction: Direction = Direction.at_least


class Actual(Value, frozen=True, gc=False, kw_only=True):
    metric: str
    value: Quantity


class Leader(Value, frozen=True, gc=False, kw_only=True):
    """A leader on a year's roster, expected to register."""

    id: str
    name: str
    position: str
    level: Level
    unit: str


class RegistrationData(Value, frozen=True, gc=False, kw_only=True):
    """What a registration says, as registered or as amended (the fields both carry)."""

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


class TaskRegistered(RegistrationData, frozen=True, gc=False, kw_only=True):
    registered_at: Moment


class TaskAmended(RegistrationData, frozen=True, gc=False, kw_only=True):
    """The registration as amended; every field of ``TaskRegistered``'s data."""

    amended_at: Moment


class TaskWithdrawn(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    reason: str
    withdrawn_at: Moment


class TaskApproved(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    decided_by: str
    reference: str | None = None
    note: str | None = None
    approved_at: Moment


class TaskRejected(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    decided_by: str
    reason: str
    rejected_at: Moment


class TaskReturned(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    decided_by: str
    reason: str
    returned_at: Moment


class ProgressLogged(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    reported_at: date
    actuals: tuple[Actual, ...]
    status: ProgressStatus
    note: str | None = None


class TaskSelfAssessed(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    rating: Rating
    summary: str
    assessed_at: Moment


class TaskEvaluated(Value, frozen=True, gc=False, kw_only=True):
    task_id: str
    year: int
    rating: Rating
    decided_by: str
    reference: str | None = None
    note: str | None = None
    evaluated_at: Moment


class YearClosed(Value, frozen=True, gc=False, kw_only=True):
    year: int
    decided_by: str
    reference: str | None = None
    closed_at: Moment


class RosterPublished(Value, frozen=True, gc=False, kw_only=True):
    year: int
    units: tuple[Unit, ...]
    leaders: tuple[Leader, ...]


class DeadLetter(Value, frozen=True, gc=False, kw_only=True):
    """A stream entry a reader gave up on; the original is kept in ``fields``."""

    stream: str
    entry_id: str
    group: str
    consumer: str
    error: str
    delivery_count: int
    fields: dict[str, str]


class DeadLetterReplayed(Value, frozen=True, gc=False, kw_only=True):
    """A dead letter's original entry appended to its stream again, after a fix."""

    dead_letter_id: str
    stream: str
    position: str
    replayed_by: str


TaskData = (
    TaskRegistered
    | TaskAmended
    | TaskWithdrawn
    | TaskApproved
    | TaskRejected
    | TaskReturned
    | ProgressLogged
    | TaskSelfAssessed
    | TaskEvaluated
)
YearData = YearClosed | RosterPublished
EventData = TaskData | YearData

STREAMS: dict[str, str] = {
    "TaskRegistered": "tasks:registered",
    "TaskApproved": "tasks:approved",
    "TaskRejected": "tasks:rejected",
    "ProgressLogged": "tasks:progress",
    "TaskAmended": "tasks:amended",
    "TaskWithdrawn": "tasks:withdrawn",
    "TaskReturned": "tasks:returned",
    "TaskSelfAssessed": "tasks:self-assessed",
    "TaskEvaluated": "tasks:evaluated",
    "YearClosed": "years",
    "RosterPublished": "roster",
}
"""Event type -> its stream's key after ``<STREAM_PREFIX>:`` (one stream per type)."""

DATA_TYPES: dict[str, type[EventData]] = {
    cls.__name__: cls
    for cls in (
        TaskRegistered,
        TaskApproved,
        TaskRejected,
        ProgressLogged,
        TaskAmended,
        TaskWithdrawn,
        TaskReturned,
        TaskSelfAssessed,
        TaskEvaluated,
        YearClosed,
        RosterPublished,
    )
}

PARKED_TYPES: dict[str, type[DeadLetter | DeadLetterReplayed]] = {
    "DeadLetter": DeadLetter,
    "DeadLetterReplayed": DeadLetterReplayed,
}
"""The types of the dead-letter stream's entries."""

D = TypeVar("D", bound=EventData | DeadLetter | DeadLetterReplayed)


class Event(msgspec.Struct, Generic[D], frozen=True, gc=False, kw_only=True):
    """The structured-mode CloudEvents document stored in an entry's ``event`` field."""

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str
    time: Moment
    datacontenttype: Literal["application/json"] = "application/json"
    schemaversion: int = SCHEMA_VERSION
    correlationid: str
    causationid: str | None = None
    actor: str | None = None
    """Extension: who made the event: a person's id, or a service's name."""
    actorrole: str | None = None
    """Extension: the role they acted in (registrant, approver, viewer, admin)."""
    data: D


AnyEvent = Event[Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def subject_of(data: EventData | DeadLetter | DeadLetterReplayed) -> str:
    """A task event's subject is its task id; a year event's, the year; a dead letter's, the
    entry it is about."""
    if isinstance(data, YearClosed | RosterPublished):
        return str(data.year)
    if isinstance(data, DeadLetter):
        return f"{data.stream}/{data.entry_id}"
    if isinstance(data, DeadLetterReplayed):
        return data.dead_letter_id
    return data.task_id


def new_event(
    data: D,
    *,
    source: str,
    correlation_id: str,
    time: datetime,
    actor: str | None = None,
    actor_role: str | None = None,
    causation_id: str | None = None,
) -> Event[D]:
    """Wrap ``data`` in a new envelope with a fresh unique ``id``."""
    return Event(
        id=str(uuid.uuid4()),
        source=source,
        type=type(data).__name__,
        subject=subject_of(data),
        time=time,
        correlationid=correlation_id,
        causationid=causation_id,
        actor=actor,
        actorrole=actor_role,
        data=data,
    )


_ENCODER = msgspec.json.Encoder()


def encode(event: AnyEvent) -> bytes:
    """The ``event`` field of a stream entry: every property present, UTF-8 JSON."""
    return _ENCODER.encode(event)


def as_builtins(value: object) -> Any:
    """A struct (or an event) as JSON-ready primitives, what a plain JSON reader sees."""
    return msgspec.to_builtins(value)
