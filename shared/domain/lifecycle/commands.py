"""What people ask of a task: the commands ``decide`` answers with an event (or a refusal).

Their content is well-formed when they are made (the HTTP edge checks types, lengths and
characters); ``decide`` checks every rule that needs the task, the year, the registrant's
other tasks, the date or who asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain.events import Actual, Category, Kind, Level, ProgressStatus, Rating, Target


@dataclass(frozen=True, slots=True)
class Registration:
    """A registration's content (``POST /tasks``, ``PUT /tasks/{id}``). With a roster for the
    year, the registrant's name, position and level and the unit may be left out (None):
    they are the roster's."""

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
    unit_code: str | None = None
    unit_name: str | None = None
    continues: str | None = None


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
