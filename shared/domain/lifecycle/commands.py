"""What people ask of a task: the commands ``decide`` answers with events (or a refusal).

Their content is already well-formed when they are made (the HTTP edge checks types, lengths
and limits); ``decide`` checks the rules that need the task's state, the roster, the date or
who is asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.domain.events import Actual, Category, Kind, Level, ProgressStatus, Rating, Target, Unit
from shared.domain.people import Actor


@dataclass(frozen=True, slots=True)
class Context:
    """Who asks, when, and on which request (its correlation id); which service writes."""

    actor: Actor
    now: datetime
    today: date
    correlation_id: str
    source: str


@dataclass(frozen=True, slots=True)
class Registration:
    """A registration's content (``POST /tasks``, ``PUT /tasks/{id}``). With a roster for the
    year, the registrant's name, position and level and the unit may be left out (None):
    they are taken from the roster."""

    year: int
    registrant_id: str
    title: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    deadline: date
    description: str = ""
    name: str | None = None
    position: str | None = None
    level: Level | None = None
    unit: Unit | None = None


@dataclass(frozen=True, slots=True)
class Register:
    task_id: str
    registration: Registration


@dataclass(frozen=True, slots=True)
class Amend:
    registration: Registration


@dataclass(frozen=True, slots=True)
class Withdraw:
    reason: str


@dataclass(frozen=True, slots=True)
class Approve:
    decided_by: str
    reference: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    decided_by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Return:
    decided_by: str
    reason: str


@dataclass(frozen=True, slots=True)
class LogProgress:
    reported_at: date
    actuals: tuple[Actual, ...]
    status: ProgressStatus
    note: str | None = None


@dataclass(frozen=True, slots=True)
class SelfAssess:
    rating: Rating
    summary: str


@dataclass(frozen=True, slots=True)
class Evaluate:
    rating: Rating
    decided_by: str
    reference: str | None = None
    note: str | None = None


Command = (
    Register | Amend | Withdraw | Approve | Reject | Return | LogProgress | SelfAssess | Evaluate
)
Decision = Approve | Reject | Return
