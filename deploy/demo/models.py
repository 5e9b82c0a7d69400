"""The demo data's shapes: exactly the HTTP request bodies of the contract, frozen.

``RegistrationBody`` is the ``POST /tasks`` (and ``PUT /tasks/{id}``) body, ``DecisionBody``
the ``POST /tasks/{task_id}/decision`` body, ``ProgressBody`` the progress body,
``AssessmentBody`` the self-assessment body, ``EvaluationBody`` the evaluation body and
``RosterBody`` the ``PUT /roster/{year}`` body. ``json_body()`` gives what goes on the wire.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import msgspec

from shared.domain.events import (
    Actual,
    Category,
    Kind,
    Leader,
    ProgressStatus,
    Rating,
    Registrant,
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
    units: tuple[Unit, ...]
    leaders: tuple[Leader, ...]


class DemoTask(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """One demo registration and what becomes of it: returned for revision and amended, or
    withdrawn by its registrant; decided; its progress, self-assessment and evaluation.

    ``key`` (``demo-<year>-<nnnn>``) is the task's ``Idempotency-Key`` and correlation id;
    progress report ``i`` (from 1) uses ``<key>-p<i>``, the amendment ``<key>-a``.
    """

    key: str
    registration: RegistrationBody
    decision: DecisionBody | None = None
    returned: DecisionBody | None = None
    amendment: RegistrationBody | None = None
    withdrawal: str | None = None
    progress: tuple[ProgressBody, ...] = ()
    self_assessment: AssessmentBody | None = None
    evaluation: EvaluationBody | None = None

    @property
    def year(self) -> int:
        return self.registration.year

    @property
    def approved(self) -> bool:
        return self.decision is not None and self.decision.decision == "approve"

    @property
    def rejected(self) -> bool:
        return self.decision is not None and self.decision.decision == "reject"

    @property
    def content(self) -> RegistrationBody:
        """The registration as it stands at the decision (amended or not)."""
        return self.amendment or self.registration

    def progress_key(self, index: int) -> str:
        """Idempotency-Key of ``self.progress[index]`` (0-based index)."""
        return f"{self.key}-p{index + 1}"


class Dataset(_Body, frozen=True, kw_only=True, omit_defaults=True):
    """Every demo task, in the order the loader registers them (year, then key), each year's
    roster, and the years the Standing Committee closes."""

    tasks: tuple[DemoTask, ...]
    rosters: dict[int, RosterBody] = msgspec.field(default_factory=dict)
    closed: tuple[int, ...] = ()

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({task.year for task in self.tasks}))

    def for_year(self, year: int) -> tuple[DemoTask, ...]:
        return tuple(task for task in self.tasks if task.year == year)

    def approved(self, year: int) -> tuple[DemoTask, ...]:
        return tuple(task for task in self.for_year(year) if task.approved)

    def approved_leaders(self, year: int) -> frozenset[str]:
        return frozenset(task.registration.registrant.id for task in self.approved(year))
