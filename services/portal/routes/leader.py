"""A leader's pages: their tasks of a year; registering a task; amending or withdrawing one
while it is pending or returned for revision (with the committee's reason in view)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from shared.domain.events import Category, Kind, Level
from shared.edge.bodies import TaskId

from ..apis import Json, Refused
from ..pages import redirect, with_query
from ..sessions import Session
from ..task_form import MAX_TARGETS, TaskForm, field_names, targets_shown, values_of, who_of
from ..web import calls_of, checked_form, fresh, needs, portal_of, translator, wrote

router = APIRouter(prefix="/my/tasks")
Leader = Annotated[Session, Depends(needs("registrant"))]
Form = Annotated[dict[str, str], Depends(checked_form)]
EDITABLE = ("pending", "returned")


def person_of(session: Session) -> str:
    assert session.who is not None
    return session.who.person or session.who.actor


@router.get("", response_class=HTMLResponse)
async def my_tasks(request: Request, leader: Leader) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    calls = calls_of(request)

    async def read(after: str | None) -> Json:
        found = await calls.tasks(year=year, registrant=person_of(leader), after=after)
        return {"tasks": found}

    tasks = sorted((await fresh(request, read))["tasks"], key=lambda t: t["registered_at"])
    live = [task for task in tasks if task["status"] in ("pending", "approved")]
    return pages.render(request, "leader/tasks.html", tasks=tasks, live=len(live), year=year)


@router.get("/new", response_class=HTMLResponse)
async def new_task(request: Request, leader: Leader) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    earlier = await calls_of(request).tasks(registrant=person_of(leader))
    values = {"year": str(year), "targets.0.direction": "at_least"}
    if earlier:
        values |= who_of(max(earlier, key=lambda task: task.get("registered_at", "")))
    return _form(request, TaskForm(values, translator(request)), task=None)


@router.post("/new", response_class=HTMLResponse)
async def register(request: Request, leader: Leader, values: Form) -> Response:
    form = TaskForm(values, translator(request))
    body = form.body(person_of(leader), portal_of(request).pages.today())
    if body is None:
        return _form(request, form, task=None)
    try:
        answer = await calls_of(request).registration.send("POST", "/tasks", json=body)
    except Refused as refused:
        form.refused(refused.problems, field_names())
        return _form(request, form, task=None)
    wrote(request, answer, "leader.registered")
    return redirect(with_query(f"/tasks/{answer['task_id']}", year=body["year"]))


@router.get("/{task_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await _task(request, task_id)
    if task["status"] not in EDITABLE:
        return redirect(f"/tasks/{task_id}")
    return _form(request, TaskForm(values_of(task, translator(request)), translator(request)), task)


@router.post("/{task_id}/edit", response_class=HTMLResponse)
async def amend(request: Request, task_id: TaskId, leader: Leader, values: Form) -> Response:
    task = await _task(request, task_id)
    form = TaskForm(values | {"year": str(task["year"])}, translator(request))
    body = form.body(task["registrant"]["id"], portal_of(request).pages.today())
    if body is None:
        return _form(request, form, task)
    try:
        answer = await calls_of(request).registration.send("PUT", f"/tasks/{task_id}", json=body)
    except Refused as refused:
        form.refused(refused.problems, field_names())
        return _form(request, form, task)
    wrote(request, answer, "leader.amended")
    return redirect(f"/tasks/{task_id}")


@router.get("/{task_id}/withdraw", response_class=HTMLResponse)
async def withdraw_page(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await _task(request, task_id)
    form = TaskForm({}, translator(request))
    return _page(request, "leader/withdraw.html", form, task)


@router.post("/{task_id}/withdraw", response_class=HTMLResponse)
async def withdraw(request: Request, task_id: TaskId, leader: Leader, values: Form) -> Response:
    task = await _task(request, task_id)
    form = TaskForm(values, translator(request))
    reason = form.text("reason", limit=2000)
    if reason is not None:
        path = f"/tasks/{task_id}/withdrawal"
        try:
            answer = await calls_of(request).registration.send(
                "POST", path, json={"reason": reason}
            )
        except Refused as refused:
            form.refused(refused.problems, ["reason"])
        else:
            wrote(request, answer, "leader.withdrawn")
            return redirect(f"/tasks/{task_id}")
    return _page(request, "leader/withdraw.html", form, task)


async def _task(request: Request, task_id: str) -> Json:
    """The task as registration knows it now (its own tasks only, for a leader)."""
    task: Json = await calls_of(request).registration.send("GET", f"/tasks/{task_id}")
    return task


def _page(request: Request, template: str, form: TaskForm, task: Json | None) -> HTMLResponse:
    status = 200 if form.ok else 422
    pages = portal_of(request).pages
    year = task["year"] if task else None
    return pages.render(request, template, status=status, form=form, task=task, year=year)


def _form(request: Request, form: TaskForm, task: Json | None) -> HTMLResponse:
    choices: dict[str, Any] = {
        "categories": [c.value for c in Category],
        "kinds": [k.value for k in Kind],
        "levels": [v.value for v in Level],
        "rows": targets_shown(form.values),
        "max_targets": MAX_TARGETS,
    }
    status = 200 if form.ok else 422
    pages = portal_of(request).pages
    this = pages.today().year
    chosen = form.get("year")
    years = {this + 1, this, this - 1} | ({int(chosen)} if chosen.isdigit() else set())
    choices["form_years"] = sorted(years, reverse=True)
    year = task["year"] if task else None
    return pages.render(
        request, "leader/task_form.html", status=status, form=form, task=task, year=year, **choices
    )
