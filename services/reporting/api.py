"""Reporting's HTTP API: the provincial totals (JSON, CSV), who to chase, and the tasks."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from shared.domain.events import Category
from shared.domain.people import Actor, Role
from shared.domain.refusals import Forbidden, Refusal
from shared.edge.bodies import TaskId, Year
from shared.edge.http import ErrorBody, answers
from shared.edge.runtime import Runtime

from .domain.answers import Missing, Report, Scope, TaskHistory, TaskPage
from .domain.report import Reports
from .domain.tasks import Task
from .domain.views import matches
from .export import ROWS_PER_CHUNK, header, rows
from .service import Reporting, unit_in_scope

WAIT_SECONDS = 5.0
MAX_PART = 2**64 - 1
Position = Annotated[
    str | None,
    Query(
        pattern=r"^\d{1,20}(-\d{1,20})?$",
        description="a position returned by a write: answer once the projection includes it",
    ),
]
Unit = Annotated[str | None, Query(max_length=64, description="a unit code (any case)")]


class Late(Refusal):
    status = 504


def refusals(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses``: ``shared.edge.http.answers`` and the 504 of ``after=``."""
    late = "not caught up with the ``after`` position within 5 s (the write is safe: retry)"
    return answers(*statuses) | {504: {"model": ErrorBody, "description": late}}


@dataclass(frozen=True)
class ReportQuery:
    unit: Unit = None
    category: Category | None = None
    as_of: Annotated[date | None, Query(description="totals at the end of that day")] = None
    after: Position = None


def routes(runtime: Runtime, reporting: Reporting, wait: float = WAIT_SECONDS) -> APIRouter:
    router = APIRouter(tags=["reporting"])
    Viewer = Annotated[Actor, Depends(runtime.requires(Role.viewer))]
    Reader = Annotated[
        Actor, Depends(runtime.requires(Role.viewer, Role.approver, Role.registrant))
    ]

    async def caught_up(after: str | None) -> None:
        """Once the projection includes ``after`` (a bare ``<ms>``: every entry of that ms)."""
        if after is None:
            return
        ms, _, seq = after.partition("-")
        if int(ms) > MAX_PART or (seq and int(seq) > MAX_PART):
            raise Refusal(
                "a position's parts are at most 2**64-1", code="position", field=("query", "after")
            )
        position = f"{int(ms)}-{int(seq) if seq else MAX_PART}"
        if not await reporting.follower.wait_for(position, wait):
            raise Late(
                f"not caught up with position {after} within {wait:g} s; the write is safe in "
                "the log: retry shortly",
                code="not_caught_up",
            )

    async def scoped(year: int, query: ReportQuery, actor: Actor) -> tuple[Scope, Reports]:
        await caught_up(query.after)
        unit = unit_in_scope(actor, query.unit)
        scope = Scope(unit=unit, category=query.category, as_of=query.as_of)
        if query.as_of is None:
            return scope, reporting.reports
        return scope, Reports(await reporting.as_of(year, query.as_of))

    @router.get(
        "/reports/{year}.csv",
        response_class=StreamingResponse,
        responses={
            **refusals(403),
            200: {"content": {"text/csv": {}}, "description": "one row per task"},
        },
    )
    async def report_csv(
        year: Year, query: Annotated[ReportQuery, Depends()], actor: Viewer
    ) -> StreamingResponse:
        scope, reports = await scoped(year, query, actor)
        known = reports.projection.years.get(year)
        pool = {} if known is None else known.registered()
        tasks = [pool[task_id] for task_id in sorted(pool)]
        chosen = [
            task
            for task in tasks
            if task.state is not None
            and matches(
                task.state,
                unit=scope.unit,
                category=None if scope.category is None else scope.category.value,
            )
        ]
        today = query.as_of or reporting.clock.today()
        width = max((len(task.state.targets) for task in chosen if task.state), default=0)

        async def pieces() -> AsyncIterator[bytes]:
            """The rows a piece at a time: each piece's text read back from the log as it
            is written (an export of the whole year holds one piece in memory, not all)."""
            yield header(width).encode()
            for start in range(0, len(chosen), ROWS_PER_CHUNK):
                part = await reporting.summaries(chosen[start : start + ROWS_PER_CHUNK], today)
                yield rows(part, width).encode()

        name = f"breakthrough-{year}" + "".join(
            f"-{part}" for part in (scope.unit, query.category, query.as_of) if part
        )
        return StreamingResponse(
            pieces(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_safe(name)}.csv"'},
        )

    @router.get("/reports/{year}/missing", response_model=Missing, responses=refusals(403))
    async def chase(
        year: Year,
        actor: Viewer,
        unit: Unit = None,
        stale_days: Annotated[int, Query(ge=0, le=3660)] = 30,
        after: Position = None,
    ) -> Missing:
        await caught_up(after)
        return await reporting.missing(year, unit_in_scope(actor, unit), stale_days)

    @router.get("/reports/{year}", response_model=Report, responses=refusals(403))
    async def report(
        year: Year, query: Annotated[ReportQuery, Depends()], actor: Viewer
    ) -> Response:
        scope, reports = await scoped(year, query, actor)
        answer = reports.report(year, scope, query.as_of or reporting.clock.today())
        # the model's own JSON: FastAPI would check it again and encode it through dicts
        return Response(answer.model_dump_json(), media_type="application/json")

    @router.get("/tasks", response_model=TaskPage, responses=refusals(403))
    async def tasks(
        actor: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        unit: Unit = None,
        category: Category | None = None,
        status: Annotated[
            str | None,
            Query(
                pattern="^(pending|returned|approved|rejected|withdrawn|self_assessed|evaluated)$"
            ),
        ] = None,
        registrant: Annotated[str | None, Query(max_length=64)] = None,
        after: Position = None,
        cursor: Annotated[
            str | None, Query(max_length=64, description="from a page's next")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> TaskPage:
        await caught_up(after)
        unit = unit_in_scope(actor, unit)
        if not (actor.holds(Role.viewer) or actor.holds(Role.approver)):
            if registrant is not None and not actor.is_person(registrant):
                raise Forbidden("a registrant lists their own tasks only", code="not_yours")
            registrant = actor.person or "-"
        projection, today = reporting.projection, reporting.clock.today()
        if year is None:
            pool = projection.tasks
        else:
            known = projection.years.get(year)
            pool = {} if known is None else known.registered()
        found: list[Task] = []
        for task_id in sorted(pool):
            state = pool[task_id].state
            if (cursor is not None and task_id <= cursor) or state is None:
                continue
            if matches(
                state,
                unit=unit,
                category=None if category is None else category.value,
                status=status,
                registrant=registrant,
            ):
                if len(found) == limit:
                    break
                found.append(pool[task_id])
        else:
            return TaskPage(tasks=tuple(await reporting.summaries(found, today)), next=None)
        page = await reporting.summaries(found, today)
        return TaskPage(tasks=tuple(page), next=page[-1].task_id)

    @router.get("/tasks/{task_id}", response_model=TaskHistory, responses=refusals(403, 404))
    async def task_history(task_id: TaskId, actor: Reader, after: Position = None) -> TaskHistory:
        await caught_up(after)
        return await reporting.history(reporting.task(task_id, actor))

    return router


def _safe(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
