"""The demo data's shapes: exactly the HTTP request bodies of contract v1, frozen.

``RegistrationBody`` is the ``POST /tasks`` body, ``DecisionBody`` the
``POST /tasks/{task_id}/decision`` body and ``ProgressBody`` the
``POST /tasks/{task_id}/progress`` body. ``json()`` gives what goes on the wire.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shared.events import Actual, Category, Kind, ProgressStatus, Registrant, Target, Unit


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def json_body(self) -> dict[str, Any]:
        """The request body as JSON-ready primitives (optional fields left out when unset)."""
        return self.model_dump(mode="json", exclude_none=True)


class RegistrationBody(_Body):
    year: int
    registrant: Registrant
    unit: Unit
    title: str
    description: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    deadline: date


class DecisionBody(_Body):
    decision: Literal["approve", "reject"]
    decided_by: str
    reference: str | None = None
    note: str | None = None
    reason: str | None = None


class ProgressBody(_Body):
    reported_at: date
    actuals: tuple[Actual, ...]
    status: ProgressStatus
    note: str | None = None


class DemoTask(_Body):
    """One demo registration with its decision and the progress its registrant logs.

    ``key`` (``demo-<year>-<nnnn>``) is the task's ``Idempotency-Key`` and correlation id;
    progress report ``i`` (from 1) uses ``<key>-p<i>``.
    """

    key: str
    registration: RegistrationBody
    decision: DecisionBody
    progress: tuple[ProgressBody, ...] = ()

    @property
    def year(self) -> int:
        return self.registration.year

    @property
    def approved(self) -> bool:
        return self.decision.decision == "approve"

    def progress_key(self, index: int) -> str:
        """Idempotency-Key of ``self.progress[index]`` (0-based index)."""
        return f"{self.key}-p{index + 1}"


class Dataset(_Body):
    """Every demo task, in the order the loader registers them (year, then key)."""

    tasks: tuple[DemoTask, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({task.year for task in self.tasks}))

    def for_year(self, year: int) -> tuple[DemoTask, ...]:
        return tuple(task for task in self.tasks if task.year == year)

    def approved(self, year: int) -> tuple[DemoTask, ...]:
        return tuple(task for task in self.for_year(year) if task.approved)

    def approved_leaders(self, year: int) -> frozenset[str]:
        return frozenset(task.registration.registrant.id for task in self.approved(year))
