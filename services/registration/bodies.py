"""What registration's requests carry, as the HTTP edge checks them, and the commands they
become. Rules about form live here (types, lengths, characters, limits); every rule that
needs the task, the year or the caller lives in ``shared.domain.lifecycle``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from shared.domain.events import (
    Actual,
    Category,
    Direction,
    Kind,
    Level,
    ProgressStatus,
    Rating,
    Target,
)
from shared.domain.lifecycle import LogProgress, Registration, SelfAssess, Withdraw
from shared.edge.bodies import (
    MAX_TARGETS,
    ActualQuantity,
    Body,
    Description,
    Identifier,
    Name,
    Note,
    Reason,
    Short,
    TargetQuantity,
    Title,
)

YearNumber = Annotated[int, Field(ge=2000, le=2100, description="the programme year")]


class RegistrantBody(Body):
    id: Identifier
    name: Name | None = None
    position: Title | None = None
    level: Level | None = None


class UnitBody(Body):
    code: Identifier
    name: Title | None = None


class TargetBody(Body):
    metric: Name
    unit: Short
    target: TargetQuantity
    direction: Direction = Direction.at_least


class RegistrationBody(Body):
    """The body of ``POST /tasks`` and ``PUT /tasks/{id}``. With a roster for the year, the
    registrant's name, position and level and the unit may be left out (they are the
    roster's; given, they must say the same)."""

    year: YearNumber
    registrant: RegistrantBody
    unit: UnitBody | None = None
    title: Title
    description: Description = ""
    category: Category
    kind: Kind
    targets: Annotated[list[TargetBody], Field(min_length=1, max_length=MAX_TARGETS)]
    deadline: date
    continues: Identifier | None = Field(
        default=None, description="the task of an earlier year this one carries on"
    )

    def registration(self) -> Registration:
        registrant, unit = self.registrant, self.unit
        return Registration(
            year=self.year,
            registrant_id=registrant.id,
            name=registrant.name,
            position=registrant.position,
            level=registrant.level,
            unit_code=None if unit is None else unit.code,
            unit_name=None if unit is None else unit.name,
            title=self.title,
            description=self.description,
            category=self.category,
            kind=self.kind,
            targets=tuple(
                Target(metric=t.metric, unit=t.unit, target=t.target, direction=t.direction)
                for t in self.targets
            ),
            deadline=self.deadline,
            continues=self.continues,
        )


class ActualBody(Body):
    metric: Name
    value: ActualQuantity


class ProgressBody(Body):
    """The body of ``POST /tasks/{task_id}/progress``: values cumulative to ``reported_at``."""

    reported_at: date
    actuals: Annotated[list[ActualBody], Field(max_length=MAX_TARGETS)]
    status: ProgressStatus
    note: Note | None = None

    def command(self) -> LogProgress:
        actuals = tuple(Actual(metric=a.metric, value=a.value) for a in self.actuals)
        return LogProgress(self.reported_at, actuals, self.status, self.note or None)


class WithdrawalBody(Body):
    reason: Reason

    def command(self) -> Withdraw:
        return Withdraw(self.reason)


class SelfAssessmentBody(Body):
    rating: Rating
    summary: Reason

    def command(self) -> SelfAssess:
        return SelfAssess(self.rating, self.summary)


class Registered(BaseModel):
    task_id: str
    status: Literal["registered"] = "registered"
    event_id: str
    position: str


class Written(BaseModel):
    """A write's answer: the task, its status now, the event and its position in the log."""

    task_id: str
    status: str
    event_id: str
    position: str
