"""A leader's pages: their tasks of a year (with their quota as registration counts it), and
registering a task, offered only for the years whose ``allowed`` lists ``register``; a task
may carry on one of their earlier years' (``continues``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.domain.events import Category, Kind, Level

from ..apis import Json, Refused
from ..pages import redirect, with_query
from ..programme import may, render, year_of
from ..sessions import Session
from ..task_form import MAX_TARGETS, TaskForm, field_names, targets_shown, who_of
from ..web import calls_of, checked_form, fresh, needs, once, portal_of, restored, translator, wrote

router = APIRouter(prefix="/my/tasks")
Leader = Annotated[Session, Depends(needs("registrant"))]
Form = Annotated[dict[str, str], Depends(checked_form)]


def person_of(session: Session) -> str:
    assert session.who is not None
    return session.who.person or session.who.actor


@router.get("", response_class=HTMLResponse)
async def my_tasks(request: Request, leader: Leader) -> HTMLResponse:
    year = portal_of(request).pages.year(request)
    calls = calls_of(request)

    async def read(after: str | None) -> Json:
        found = await calls.tasks(year=year, registrant=person_of(leader), after=after)
        return {"tasks": found}

    tasks = sorted((await fresh(request, read))["tasks"], key=lambda t: t["registered_at"])
    return await render(request, "leader/tasks.html", tasks=tasks, year=year)


async def offered_years(request: Request, *extra: int) -> dict[int, Json | None]:
    """Last year, this year and next year (and ``extra``), each as the services see it for
    the person; a form offers those whose ``allowed`` lists ``register``."""
    this = portal_of(request).pages.today().year
    years = sorted({this + 1, this, this - 1, *extra}, reverse=True)
    return {year: await year_of(request, year) for year in years}


@router.get("/new", response_class=HTMLResponse)
async def new_task(request: Request, leader: Leader) -> HTMLResponse:
    year = portal_of(request).pages.year(request)
    t = translator(request)
    earlier = await calls_of(request).tasks(registrant=person_of(leader))
    kept = restored(request, "/my/tasks/new")
    if kept is not None:
        return await form_page(request, TaskForm(kept, t, restored=True), None, earlier)
    years = await offered_years(request, year)
    values = {"targets.0.direction": "at_least"}
    if may(years[year], "register"):
        values["year"] = str(year)
    if earlier:
        values |= who_of(max(earlier, key=lambda task: task.get("registered_at", "")))
    return await form_page(request, TaskForm(values, t), None, earlier, years=years)


@router.post("/new", response_class=HTMLResponse)
async def register(request: Request, leader: Leader, values: Form) -> Response:
    form = TaskForm(values, translator(request))
    body = form.body(person_of(leader), portal_of(request).pages.today())
    registration = calls_of(request).registration
    if body is None:
        earlier = await calls_of(request).tasks(registrant=person_of(leader))
        return await form_page(request, form, None, earlier)

    def done(answer: Json) -> RedirectResponse:
        wrote(request, answer, "leader.registered")
        return redirect(with_query(f"/tasks/{answer['task_id']}", year=body["year"]))

    try:
        return await once(
            form,
            lambda key: registration.send("POST", "/tasks", json=body, key=key),
            done,
        )
    except Refused as refused:
        form.refused(refused.problems, field_names())
        earlier = await calls_of(request).tasks(registrant=person_of(leader))
        return await form_page(request, form, None, earlier)


async def form_page(
    request: Request,
    form: TaskForm,
    task: Json | None,
    earlier: list[Json],
    *,
    years: dict[int, Json | None] | None = None,
) -> HTMLResponse:
    """The registration form (``task``: the task amended). A new task is offered for the
    years that allow the person to register (and the year a kept or refused form names);
    it may continue a task of an earlier year of theirs."""
    chosen = form.get("year")
    if task is None and years is None:
        years = await offered_years(request, *([int(chosen)] if chosen.isdigit() else []))
    open_years = [y for y, seen in (years or {}).items() if may(seen, "register")]
    if task is None and chosen.isdigit() and int(chosen) not in open_years:
        open_years.append(int(chosen))  # sent already: shown again, as it was, to correct
    before = task["year"] if task else max(open_years, default=0)
    asked = portal_of(request).pages.year(request)
    choices: dict[str, Any] = {
        "categories": [c.value for c in Category],
        "kinds": [k.value for k in Kind],
        "levels": [v.value for v in Level],
        "rows": targets_shown(form.values),
        "max_targets": MAX_TARGETS,
        "form_years": sorted(open_years, reverse=True),
        "asked": None if task or asked in open_years else (asked, (years or {}).get(asked)),
        "earlier": sorted(
            (e for e in earlier if e["year"] < before and (task is None or e is not task)),
            key=lambda e: (-e["year"], e["title"]),
        ),
    }
    return await render(
        request,
        "leader/task_form.html",
        status=200 if form.ok else 422,
        form=form,
        task=task,
        year=task["year"] if task else None,
        **choices,
    )
