"""Reporting's HTTP API: the provincial totals (JSON and CSV) and one task's history."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time, and
# some name dependencies made inside routes().

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator

from shared.auth import Requires, Role
from shared.eventlog import EventLog
from shared.events import MAX_ID_PART, Category, is_position
from shared.http import ApiError
from shared.settings import Clock

from .domain import Report, build_report, tasks_in_scope
from .export import csv_chunks
from .history import HistoryUnavailable, TaskHistory, task_history
from .live import LiveProjection

WAIT_SECONDS = 5.0
Year = Annotated[int, Path(ge=2000, le=2100, description="the programme year")]
TaskId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="a task id")]


def stream_position(value: str | None) -> str | None:
    """A stream entry id as ``<ms>-<seq>``; a bare ``<ms>`` means every entry of that ms."""
    if value is None:
        return None
    if not is_position(value):
        raise ValueError(f"each part of a stream position is at most {MAX_ID_PART}")
    ms, _, seq = value.partition("-")
    return f"{int(ms)}-{int(seq) if seq else MAX_ID_PART}"


@dataclass(frozen=True)
class ReportQuery:
    year: Year
    unit: Annotated[str | None, Query(max_length=50, description="a unit code")] = None
    category: Category | None = None
    as_of: Annotated[date | None, Query(description="totals at the end of that day")] = None
    after: Annotated[
        str | None,
        Query(
            pattern=r"^\d{1,20}(-\d{1,20})?$",
            description="a position returned by a write: answer once the report includes it",
        ),
        AfterValidator(stream_position),
    ] = None


def end_of_day(day: date, clock: Clock) -> datetime:
    """The last instant of ``day`` where the province reckons days, in UTC."""
    try:
        return datetime.combine(day, time.max, tzinfo=clock.zone).astimezone(UTC)
    except OverflowError:  # the first or last days a datetime can hold
        return (
            datetime.max.replace(tzinfo=UTC) if day.year > 1 else datetime.min.replace(tzinfo=UTC)
        )


def routes(
    projection: LiveProjection,
    clock: Clock,
    log: EventLog,
    requires: Requires,
    wait: float = WAIT_SECONDS,
) -> APIRouter:
    router = APIRouter(tags=["reporting"])
    viewer = [Depends(requires(Role.viewer))]
    anyone = [Depends(requires(Role.viewer, Role.approver, Role.registrant))]

    async def caught_up(query: Annotated[ReportQuery, Depends()]) -> ReportQuery:
        """The query, once the projection includes its ``after`` position (or a 504)."""
        if query.after and not await projection.freshness.wait_for(query.after, wait):
            raise ApiError(
                504,
                f"the report has not caught up with position {query.after} within {wait:g} s;"
                " the write is safe in the log: retry shortly",
            )
        return query

    Scoped = Annotated[ReportQuery, Depends(caught_up)]

    @router.get(
        "/reports/{year}.csv",
        dependencies=viewer,
        response_class=StreamingResponse,
        responses={200: {"content": {"text/csv": {}}, "description": "one row per task"}},
    )
    async def report_csv(query: Scoped) -> StreamingResponse:
        if query.as_of is None:
            views = projection.views(query.year, unit=query.unit, category=query.category)
        else:
            views = tasks_in_scope(
                projection.state,
                query.year,
                unit=query.unit,
                category=query.category,
                cutoff=end_of_day(query.as_of, clock),
            )
        name = f"breakthrough-{query.year}" + "".join(
            f"-{part}" for part in (query.unit, query.category, query.as_of) if part
        )
        return StreamingResponse(
            _iterate(csv_chunks(views, query.as_of or clock.today())),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_safe(name)}.csv"'},
        )

    @router.get("/reports/{year}", response_model=Report, dependencies=viewer)
    async def report(query: Scoped) -> Report:
        if query.as_of is None:
            return projection.report(
                query.year, unit=query.unit, category=query.category, report_date=clock.today()
            )
        return build_report(
            projection.state,
            query.year,
            unit=query.unit,
            category=query.category,
            cutoff=end_of_day(query.as_of, clock),
            report_date=query.as_of,
            as_of=query.as_of,
        )

    @router.get("/tasks/{task_id}", response_model=TaskHistory, dependencies=anyone)
    async def history(task_id: TaskId) -> TaskHistory:
        facts = projection.state.tasks.get(task_id)
        try:
            found = await task_history(log, facts) if facts else None
        except HistoryUnavailable as error:
            raise ApiError(503, f"the history of {task_id} cannot be read back: {error}") from error
        if found is None:
            raise ApiError(404, f"no registered task {task_id}")
        return found

    return router


async def _iterate(chunks: Iterator[str]) -> AsyncIterator[bytes]:
    """The CSV in pieces, giving the event loop a turn between them."""
    for chunk in chunks:
        yield chunk.encode()
        await asyncio.sleep(0)


def _safe(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
