"""The demo data's shapes: the contract's request bodies, frozen, and each record's own date.

Every act of the programme is held with the moment it happened (``at``, with the province's
+07:00 offset): the loader sends it as the admin's ``Recorded-At`` header, so the event keeps
the record's date and says it was imported. ``json_body()`` gives what goes on the wire.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import msgspec

from shared.domain.events import (
    Actual,
    Category,
    Committee,
    Kind,
    Leader,
    ProgressStatus,
    Rating,
    Registrant,
    RosterUnit,
    Target,
    Unit,
)


class _Body(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    def json_body(self) -> dict[str, Any]:
        """The request body as JSON-ready primitives (optional fields left out when unset)."""
        body: dict[str, Any] = msgspec.to_builtins(self)
        return body

    def model_copy(self, *, update: dict[str, Any]) -> Any:
        """This body with ``update`` applied (it is frozen)."""
        return msgspec.structs.replace(self, **update)


class RegistrationBody(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """A registration as the dataset knows it (the loader sends the registrant's id and
    leaves the rest of the registrant and the unit to the roster)."""

    year: int
    registrant: Registrant
    unit: Unit
    title: str
    description: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    deadline: date


class DecisionBody(_Body, frozen=True, kw_only=True, omit_defaults=True):
    decision: Literal["approve", "reject", "return"]
    decided_by: str
    reference: str | None = None
    note: str | None = None
    reason: str | None = None


class ProgressBody(_Body, frozen=True, kw_only=True, omit_defaults=True):
    reported_at: date
    actuals: tuple[Actual, ...]
    status: ProgressStatus
    note: str | None = None


class AssessmentBody(_Body, frozen=True, kw_only=True, omit_defaults=True):
    rating: Rating
    summary: str


class EvaluationBody(_Body, frozen=True, kw_only=True, omit_defaults=True):
    rating: Rating
    decided_by: str
    reference: str | None = None
    note: str | None = None


class RosterBody(_Body, frozen=True, kw_only=True, omit_defaults=True):
    units: tuple[RosterUnit, ...]
    leaders: tuple[Leader, ...]


# --- the acts, each with its moment -----------------------------------------------------------


class Returned(_Body, frozen=True, kw_only=True):
    at: datetime
    body: DecisionBody


class Amended(_Body, frozen=True, kw_only=True):
    at: datetime
    body: RegistrationBody


class Withdrawn(_Body, frozen=True, kw_only=True):
    at: datetime
    reason: str


class Decided(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """A decision on one task: an approval under ``batch`` (the key of a :class:`Batch`), or a
    rejection sent on its own."""

    at: datetime
    body: DecisionBody
    batch: str | None = None


class Reported(_Body, frozen=True, kw_only=True):
    at: datetime
    body: ProgressBody


class Assessed(_Body, frozen=True, kw_only=True):
    at: datetime
    body: AssessmentBody


class Evaluated(_Body, frozen=True, kw_only=True):
    at: datetime
    body: EvaluationBody


class DemoTask(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """One registration and what becomes of it.

    ``key`` (``demo-<year>-<nnnn>``) is the task's ``Idempotency-Key`` and correlation id;
    the keys of its later acts derive from it (``-r`` return, ``-a`` amendment, ``-w``
    withdrawal, ``-d`` a decision on its own, ``-p<i>`` progress, ``-s``, ``-e``).
    ``continues`` is the key of the earlier year's task it carries on.
    """

    key: str
    registration: RegistrationBody
    registered_at: datetime
    managed_by: str
    continues: str | None = None
    returned: Returned | None = None
    amendment: Amended | None = None
    withdrawal: Withdrawn | None = None
    decision: Decided | None = None
    progress: tuple[Reported, ...] = ()
    self_assessment: Assessed | None = None
    evaluation: Evaluated | None = None

    @property
    def year(self) -> int:
        return self.registration.year

    @property
    def registrant(self) -> str:
        return self.registration.registrant.id

    @property
    def approved(self) -> bool:
        return self.decision is not None and self.decision.body.decision == "approve"

    @property
    def rejected(self) -> bool:
        return self.decision is not None and self.decision.body.decision == "reject"

    @property
    def content(self) -> RegistrationBody:
        """The registration as it stands at the decision (amended or not)."""
        return self.amendment.body if self.amendment else self.registration

    def moments(self) -> tuple[datetime, ...]:
        """Every act's moment, in the order the loader sends them."""
        acts: list[datetime] = [self.registered_at]
        for act in (self.returned, self.amendment, self.withdrawal, self.decision):
            if act is not None:
                acts.append(act.at)
        acts.extend(report.at for report in self.progress)
        for done in (self.self_assessment, self.evaluation):
            if done is not None:
                acts.append(done.at)
        return tuple(acts)


class Batch(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """Approvals under one decision number of one committee (``POST /decisions``)."""

    key: str
    committee: str
    at: datetime
    decided_by: str
    reference: str
    note: str
    tasks: tuple[str, ...]  # task keys


class Roster(_Body, frozen=True, kw_only=True):
    at: datetime
    body: RosterBody


class Closure(_Body, frozen=True, kw_only=True):
    at: datetime
    decided_by: str
    reference: str


class Year(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """One programme year: its committees, its rosters (a later one replaces the earlier),
    its tasks in registration order, its batches of approvals, and its closure."""

    year: int
    committees: tuple[Committee, ...]
    committees_at: datetime
    rosters: tuple[Roster, ...]
    tasks: tuple[DemoTask, ...]
    batches: tuple[Batch, ...]
    closure: Closure | None = None

    def approved(self, committee: str | None = None) -> tuple[DemoTask, ...]:
        return tuple(
            task for task in self.tasks if task.approved and committee in (None, task.managed_by)
        )

    def approved_leaders(self, committee: str | None = None) -> frozenset[str]:
        return frozenset(task.registrant for task in self.approved(committee))


class Dataset(_Body, frozen=True, kw_only=True):
    """Every demo year, oldest first."""

    years: tuple[Year, ...]

    @property
    def year_numbers(self) -> tuple[int, ...]:
        return tuple(year.year for year in self.years)

    def year(self, number: int) -> Year:
        for year in self.years:
            if year.year == number:
                return year
        raise KeyError(number)

    @property
    def tasks(self) -> tuple[DemoTask, ...]:
        return tuple(task for year in self.years for task in year.tasks)

    def task(self, key: str) -> DemoTask:
        for task in self.tasks:
            if task.key == key:
                return task
        raise KeyError(key)
