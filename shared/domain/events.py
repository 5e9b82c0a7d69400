"""The public event documents (contract 1.2): every event type, in a CloudEvents 1.0 envelope.

Each Redis stream entry has exactly two fields, ``type`` and ``event``; ``event`` is the
envelope serialised as UTF-8 JSON. The types here are msgspec structs: frozen, not tracked by
the garbage collector (they hold no cycles), decoded straight from the bytes Redis returns.
They describe the *shape* of a document and tolerate unknown fields and the absence of what
later versions added, so a reader takes the documents of every version and of other writers;
the rules a *request* must satisfy live at the HTTP edge and in the lifecycle. A reader
decodes an entry with ``shared.log.eventlog`` (one place, one decoder per type).

1.2 adds, always written by the services and absent from older documents: ``taskversion``
(the number of the event in its task's life) and ``importedat`` (set when an admin imported a
record of the past, whose ``time`` is its own date) on the envelope; ``managed_by`` and
``continues`` on a registration; on every other event of a task, whose task it is
(``registrant``, ``unit``, ``managed_by``) and, on the committee's acts, ``committee``.
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
ROOT = "root"
"""The code of the one committee of a year that has published none."""


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


class ReminderKind(StrEnum):
    not_registered = "not_registered"
    no_recent_progress = "no_recent_progress"


class NotificationKind(StrEnum):
    returned = "returned"
    approved = "approved"
    evaluated = "evaluated"


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


class RosterUnit(Unit, frozen=True, gc=False, kw_only=True):
    """A unit on a year's roster; ``replaces``: the codes of earlier years' units it took over
    (57 communes became 29)."""

    replaces: tuple[str, ...] = ()


class Target(Value, frozen=True, gc=False, kw_only=True):
    metric: str
    unit: str
    target: Quantity
    direction: Direction = Direction.at_least


class Actual(Value, frozen=True, gc=False, kw_only=True):
    metric: str
    value: Quantity


class Leader(Value, frozen=True, gc=False, kw_only=True):
    """A leader on a year's roster, expected to register; ``managed_by``: the committee that
    approves their tasks (None: the year's root)."""

    id: str
    name: str
    position: str
    level: Level
    unit: str
    managed_by: str | None = None
    email: str | None = None


class Committee(Value, frozen=True, gc=False, kw_only=True):
    """An approving committee (a Standing Committee); ``parent`` None for the root."""

    code: str
    name: str
    parent: str | None = None


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
    managed_by: str | None = None
    """The committee that approves the task (None in documents before 1.2: the root)."""
    continues: str | None = None
    """The task of an earlier year this one carries on."""


class TaskRegistered(RegistrationData, frozen=True, gc=False, kw_only=True):
    registered_at: Moment


class TaskAmended(RegistrationData, frozen=True, gc=False, kw_only=True):
    """The registration as amended; every field of ``TaskRegistered``'s data."""

    amended_at: Moment


class TaskFact(Value, frozen=True, gc=False, kw_only=True):
    """The fields every later event of a task carries: which task, and (since 1.2) whose, so
    that a subscriber can use an event alone."""

    task_id: str
    year: int
    registrant: Registrant | None = None
    unit: Unit | None = None
    managed_by: str | None = None


class TaskWithdrawn(TaskFact, frozen=True, gc=False, kw_only=True):
    reason: str
    withdrawn_at: Moment


class TaskApproved(TaskFact, frozen=True, gc=False, kw_only=True):
    decided_by: str
    reference: str | None = None
    note: str | None = None
    approved_at: Moment
    committee: str | None = None
    """The committee that decided (since 1.2)."""


class TaskRejected(TaskFact, frozen=True, gc=False, kw_only=True):
    decided_by: str
    reason: str
    rejected_at: Moment
    committee: str | None = None


class TaskReturned(TaskFact, frozen=True, gc=False, kw_only=True):
    decided_by: str
    reason: str
    returned_at: Moment
    committee: str | None = None


class ProgressLogged(TaskFact, frozen=True, gc=False, kw_only=True):
    reported_at: date
    actuals: tuple[Actual, ...]
    status: ProgressStatus
    note: str | None = None


class TaskSelfAssessed(TaskFact, frozen=True, gc=False, kw_only=True):
    rating: Rating
    summary: str
    assessed_at: Moment


class TaskEvaluated(TaskFact, frozen=True, gc=False, kw_only=True):
    rating: Rating
    decided_by: str
    reference: str | None = None
    note: str | None = None
    evaluated_at: Moment
    committee: str | None = None


class YearClosed(Value, frozen=True, gc=False, kw_only=True):
    year: int
    decided_by: str
    reference: str | None = None
    closed_at: Moment


class RosterPublished(Value, frozen=True, gc=False, kw_only=True):
    year: int
    units: tuple[RosterUnit, ...]
    leaders: tuple[Leader, ...]


class CommitteesPublished(Value, frozen=True, gc=False, kw_only=True):
    year: int
    committees: tuple[Committee, ...]


class ReminderSent(Value, frozen=True, gc=False, kw_only=True):
    """A leader was e-mailed a reminder of what is due."""

    year: int
    kind: ReminderKind
    leader: str
    task_ids: tuple[str, ...] = ()
    sent_at: Moment


class NotificationSent(Value, frozen=True, gc=False, kw_only=True):
    """A task's registrant was e-mailed about an event of the task (``event_id``)."""

    event_id: str
    task_id: str
    leader: str
    kind: NotificationKind
    sent_at: Moment


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


TaskData = TaskRegistered | TaskAmended | TaskFact
YearData = YearClosed | RosterPublished | CommitteesPublished
EventData = TaskData | YearData | ReminderSent | NotificationSent

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
    "CommitteesPublished": "roster",
    "ReminderSent": "reminders",
    "NotificationSent": "notifications",
}
"""Event type -> its stream's key after ``<STREAM_PREFIX>:``. Every type has a stream of its
own but the year's programme: its roster and its committees share ``roster``."""

TASK_TYPES: dict[str, type[TaskData]] = {
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
    )
}
"""The events of a task: each carries ``taskversion`` (since 1.2)."""

DATA_TYPES: dict[str, type[EventData]] = {
    **TASK_TYPES,
    **{
        cls.__name__: cls
        for cls in (
            YearClosed,
            RosterPublished,
            CommitteesPublished,
            ReminderSent,
            NotificationSent,
        )
    },
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
    taskversion: int | None = None
    """Extension (1.2): 1 for a task's registration, then +1 for each later event of the task,
    whatever its stream; None on events that are not a task's, and before 1.2."""
    importedat: Moment | None = None
    """Extension (1.2): when an admin imported this record of the past (its ``time`` is the
    record's own); None for everything recorded as it happened."""
    data: D


AnyEvent = Event[Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def subject_of(data: EventData | DeadLetter | DeadLetterReplayed) -> str:
    """A task's event's subject is its task id; a year's, the year; a reminder's, the leader;
    a dead letter's, the entry it is about."""
    if isinstance(data, YearClosed | RosterPublished | CommitteesPublished):
        return str(data.year)
    if isinstance(data, ReminderSent):
        return data.leader
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
    task_version: int | None = None,
    imported_at: datetime | None = None,
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
        taskversion=task_version,
        importedat=imported_at,
        data=data,
    )


_ENCODER = msgspec.json.Encoder()


def encode(event: AnyEvent) -> bytes:
    """The ``event`` field of a stream entry: every property present, UTF-8 JSON."""
    return _ENCODER.encode(event)


def as_builtins(value: object) -> Any:
    """A struct (or an event) as JSON-ready primitives, what a plain JSON reader sees."""
    return msgspec.to_builtins(value)
