"""Reporting's HTTP API: the provincial totals (JSON, CSV), whom to chase, and the tasks."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import json
from datetime import date
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from shared.domain.events import Category
from shared.domain.lifecycle import may_read
from shared.domain.people import Actor, Role, key
from shared.domain.refusals import Forbidden, Refusal
from shared.edge.bodies import TaskId, Year
from shared.edge.http import Late, answers
from shared.edge.runtime import Runtime
from shared.edge.views import TaskView

from .answers import Missing, Report, Scope, TaskPage
from .export import csv_pieces
from .projection import Tracked
from .reading import Reading
from .report import in_scope

WAIT_SECONDS, MAX_PART = 5.0, 2**64 - 1
Position = Annotated[
    str | None,
    Query(
        pattern=r"^\d{1,20}(-\d{1,20})?$",
        description="a position returned by a write: answer once the projection includes it",
    ),
]
Code = Annotated[str | None, Query(max_length=64, description="a unit code (any case)")]
Committee = Annotated[
    str | None, Query(max_length=64, description="a committee: its tasks and those below it")
]
Stage = Annotated[
    str | None,
    Query(pattern="^(pending|returned|approved|rejected|withdrawn|self_assessed|evaluated)$"),
]
AsOf = Annotated[date | None, Query(description="totals at the end of that day")]
Earlier = Annotated[int | None, Query(ge=2000, le=2100, description="an earlier year")]
REFUSED = answers(403, 504)


def routes(runtime: Runtime, reading: Reading, wait: float = WAIT_SECONDS) -> APIRouter:
    router = APIRouter(tags=["reporting"])
    page = files(__package__).joinpath("dashboard.html").read_text(encoding="utf-8")
    Viewer = Annotated[Actor, Depends(runtime.requires(Role.viewer))]
    Staff = Annotated[Actor, Depends(runtime.requires(Role.viewer, Role.approver))]
    Reader = Annotated[
        Actor, Depends(runtime.requires(Role.viewer, Role.approver, Role.registrant))
    ]

    async def caught_up(after: Position = None) -> None:
        """Once the projection includes ``after`` (a bare ``<ms>``: every entry of that ms)."""
        if after is None:
            return
        ms, _, seq = after.partition("-")
        if int(ms) > MAX_PART or (seq and int(seq) > MAX_PART):
            field = ("query", "after")
            raise Refusal("a position's parts are at most 2**64-1", code="position", field=field)
        if not await reading.follower.wait_for(f"{ms}-{seq or MAX_PART}", wait):
            raise Late(
                f"not caught up with position {after} within {wait:g} s; the write is safe in "
                "the log: retry shortly",
                code="not_caught_up",
            )

    async def scoped(
        year: Year,
        actor: Viewer,
        unit: Code = None,
        committee: Committee = None,
        category: Category | None = None,
        as_of: AsOf = None,
        _: None = Depends(caught_up),
    ) -> Scope:
        return reading.scope(actor, year, unit, committee, category, as_of)

    Scoped = Annotated[Scope, Depends(scoped)]
    csv: dict[int | str, dict[str, object]] = {
        200: {"content": {"text/csv": {}}, "description": "one row per task"}
    }

    @router.get("/reports/{year}.csv", response_class=StreamingResponse, responses=REFUSED | csv)
    async def report_csv(year: Year, scope: Scoped, actor: Viewer) -> StreamingResponse:
        projection = reading.projection
        if scope.as_of is not None:
            projection = await reading.as_of({year}, scope.as_of)
        known, programme = reading.year(year, projection), reading.year(year).programme
        chosen = [
            task
            for _, task in sorted(known.tasks.items())
            if task.state is not None and in_scope(task.state, scope, programme)
        ]
        today = scope.as_of or reading.clock.today()
        parts = [f"breakthrough-{year}", scope.unit, scope.committee, scope.category, scope.as_of]
        name = "-".join(str(part) for part in parts if part)
        name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
        return StreamingResponse(
            csv_pieces(chosen, lambda part: reading.views(part, actor, today)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    @router.get("/reports/{year}/missing", response_model=Missing, responses=REFUSED)
    async def chase(
        year: Year,
        actor: Staff,
        unit: Code = None,
        committee: Committee = None,
        stale_days: Annotated[int, Query(ge=0, le=3660)] = 30,
        _: None = Depends(caught_up),
    ) -> Missing:
        """Whom to chase: for a viewer, or an approver (their committee's, to remind them)."""
        return await reading.missing(year, reading.scope(actor, year, unit, committee), stale_days)

    @router.get("/reports/{year}", response_model=Report, responses=REFUSED)
    async def report(year: Year, scope: Scoped, compare: Earlier = None) -> Response:
        if compare is not None and compare >= year:
            field = ("query", "compare")
            raise Refusal(f"compare with a year before {year}", code="not_earlier", field=field)
        answer = await reading.report(year, scope, compare)
        # the model's own JSON: FastAPI would check it again and encode it through dicts
        return Response(answer.model_dump_json(), media_type="application/json")

    @router.get("/tasks", response_model=TaskPage, responses=REFUSED)
    async def tasks(
        actor: Reader,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        unit: Code = None,
        committee: Committee = None,
        category: Category | None = None,
        status: Stage = None,
        registrant: Annotated[str | None, Query(max_length=64)] = None,
        cursor: Annotated[str | None, Query(max_length=64, description="a page's next")] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
        _: None = Depends(caught_up),
    ) -> TaskPage:
        if not (actor.holds(Role.viewer) or actor.holds(Role.approver)):
            if registrant is not None and not actor.is_person(registrant):
                raise Forbidden("a registrant lists their own tasks only", code="not_yours")
            registrant = actor.person or "-"
        pool = reading.projection.tasks if year is None else reading.year(year).tasks
        scopes: dict[int, Scope] = {}
        found: list[Tracked] = []
        more = False
        for task_id in sorted(pool):
            state = pool[task_id].state
            if state is None or (cursor is not None and task_id <= cursor):
                continue
            programme = reading.year(state.year).programme
            if state.year not in scopes:
                scopes[state.year] = reading.scope(actor, state.year, unit, committee, category)
            if (
                may_read(actor, state, programme)
                and in_scope(state, scopes[state.year], programme)
                and status in (None, state.status.value, state.stage)
                and (registrant is None or state.registrant.id == key(registrant))
            ):
                if more := len(found) == limit:
                    break
                found.append(pool[task_id])
        page = await reading.views(found, actor, reading.clock.today())
        return TaskPage(tasks=tuple(page), next=found[-1].task_id if more else None)

    @router.get("/tasks/{task_id}", response_model=TaskView, responses=answers(403, 404, 504))
    async def task_history(
        task_id: TaskId, actor: Reader, _: None = Depends(caught_up)
    ) -> TaskView:
        return await reading.history(reading.task(task_id, actor), actor)

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard() -> HTMLResponse:
        """The dashboard for staff (``dashboard.html``: self-contained, SVG charts drawn from
        ``GET /reports/{year}``), told the years the log holds and today's date."""
        today, years = reading.clock.today(), reading.projection.years_known()
        shown = [year for year in years if year <= today.year] or years or [today.year]
        boot = {"years": years, "default_year": max(shown), "today": today.isoformat()}
        return HTMLResponse(page.replace("__BOOT__", json.dumps(boot).replace("<", "\\u003c")))

    return router
