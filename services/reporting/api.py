"""Reporting's HTTP API: the provincial totals and one task's history."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from shared.events import Category, ProgressStatus, TaskRegistered, is_position
from shared.http import ApiError
from shared.settings import Clock

from .domain import Report, build_report, task_view
from .live import LiveProjection

WAIT_SECONDS = 5.0
Year = Annotated[int, Path(ge=2000, le=2100, description="the programme year")]
TaskId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="a task id")]
Position = Annotated[
    str | None,
    Query(
        pattern=r"^\d{1,20}(-\d{1,20})?$",
        description="a position returned by a write: answer once the report includes it",
    ),
]


class TargetProgress(BaseModel):
    metric: str
    unit: str
    target: int | float
    direction: str
    latest_value: int | float | None
    met: bool


class HistoryEntry(BaseModel):
    type: str
    event_id: str
    time: datetime
    data: dict[str, Any]


class TaskHistory(BaseModel):
    task_id: str
    status: Literal["pending", "approved", "rejected"]
    progress_status: ProgressStatus | None
    registration: TaskRegistered
    targets: list[TargetProgress]
    history: list[HistoryEntry]


def routes(projection: LiveProjection, clock: Clock) -> APIRouter:
    router = APIRouter(tags=["reporting"])

    @router.get("/reports/{year}", response_model=Report)
    async def report(
        year: Year,
        unit: Annotated[str | None, Query(max_length=50, description="a unit code")] = None,
        category: Category | None = None,
        as_of: Annotated[date | None, Query(description="totals at the end of that day")] = None,
        after: Position = None,
    ) -> Report:
        if after and not is_position(after):
            raise ApiError(422, f"after={after} is not a stream position (<ms>-<seq>, 64-bit)")
        if after and not await projection.wait_for(after, WAIT_SECONDS):
            raise ApiError(
                504,
                f"the report has not caught up with position {after} within "
                f"{WAIT_SECONDS:g} s; retry shortly",
            )
        cutoff = datetime.combine(as_of, time.max, tzinfo=clock.zone) if as_of else None
        return build_report(
            projection.state,
            year,
            unit=unit,
            category=category,
            cutoff=cutoff,
            report_date=as_of or clock.today(),
            as_of=as_of,
        )

    @router.get("/tasks/{task_id}", response_model=TaskHistory)
    async def task_history(task_id: TaskId) -> TaskHistory:
        facts = projection.state.tasks.get(task_id)
        view = task_view(facts) if facts else None
        if facts is None or view is None:
            raise ApiError(404, f"no registered task {task_id}")
        entries = [
            (fact.time, fact.event_id, type(fact.data).__name__, fact.data)
            for fact in (facts.registration, *facts.decisions, *facts.reports)
            if fact is not None
        ]
        return TaskHistory(
            task_id=task_id,
            status=view.decision.value,
            progress_status=view.status,
            registration=view.registration,
            targets=[
                TargetProgress(**t.target.model_dump(mode="json"), latest_value=t.value, met=t.met)
                for t in view.targets
            ],
            history=[
                HistoryEntry(
                    type=kind, event_id=event_id, time=moment, data=data.model_dump(mode="json")
                )
                for moment, event_id, kind, data in sorted(entries, key=lambda e: (e[0], e[1]))
            ],
        )

    return router
