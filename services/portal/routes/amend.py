"""A leader amends or withdraws a task while its view allows it (pending, or returned for
revision, with the committee's reason in view); otherwise the task's page is shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.edge.bodies import TaskId

from ..apis import Json, Refused
from ..pages import redirect, session_of
from ..programme import may, render
from ..sessions import Session
from ..task_form import TaskForm, field_names, values_of
from ..web import calls_of, checked_form, needs, once, portal_of, restored, translator, wrote
from .leader import form_page

router = APIRouter(prefix="/my/tasks")
Leader = Annotated[Session, Depends(needs("registrant"))]
Form = Annotated[dict[str, str], Depends(checked_form)]


async def task_of(request: Request, task_id: str) -> Json:
    """The task as registration knows it now (its own tasks only, for a leader)."""
    task: Json = await calls_of(request).registration.send("GET", f"/tasks/{task_id}")
    return task


def not_offered(request: Request, task_id: str) -> RedirectResponse:
    """To the task's page, which offers what may be done with it now."""
    session_of(request).flash("warning", "task.not_offered")
    return redirect(f"/tasks/{task_id}")


@router.get("/{task_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await task_of(request, task_id)
    if not may(task, "amend"):
        return not_offered(request, task_id)
    t = translator(request)
    kept = restored(request, f"/my/tasks/{task_id}/edit")
    form = TaskForm(kept, t, restored=True) if kept is not None else TaskForm(values_of(task, t), t)
    return await form_page(request, form, task, await _earlier(request, task))


async def _earlier(request: Request, task: Json) -> list[Json]:
    """The registrant's tasks (one of an earlier year may be continued)."""
    return await calls_of(request).tasks(registrant=task["registrant"]["id"])


@router.post("/{task_id}/edit", response_class=HTMLResponse)
async def amend(request: Request, task_id: TaskId, leader: Leader, values: Form) -> Response:
    task = await task_of(request, task_id)
    form = TaskForm(values | {"year": str(task["year"])}, translator(request))
    body = form.body(task["registrant"]["id"], portal_of(request).pages.today())
    if body is not None:
        registration = calls_of(request).registration

        def done(answer: Json) -> RedirectResponse:
            wrote(request, answer, "leader.amended")
            return redirect(f"/tasks/{task_id}")

        try:
            return await once(
                form,
                lambda key: registration.send("PUT", f"/tasks/{task_id}", json=body, key=key),
                done,
            )
        except Refused as refused:
            form.refused(refused.problems, field_names())
    return await form_page(request, form, task, await _earlier(request, task))


@router.get("/{task_id}/withdraw", response_class=HTMLResponse)
async def withdraw_page(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await task_of(request, task_id)
    if not may(task, "withdraw"):
        return not_offered(request, task_id)
    kept = restored(request, f"/my/tasks/{task_id}/withdraw")
    form = TaskForm(kept or {}, translator(request), restored=kept is not None)
    return await _withdrawal(request, form, task)


@router.post("/{task_id}/withdraw", response_class=HTMLResponse)
async def withdraw(request: Request, task_id: TaskId, leader: Leader, values: Form) -> Response:
    task = await task_of(request, task_id)
    form = TaskForm(values, translator(request))
    reason = form.text("reason", limit=2000, lines=True)
    if reason is not None:
        path = f"/tasks/{task_id}/withdrawal"
        registration = calls_of(request).registration

        def done(answer: Json) -> RedirectResponse:
            wrote(request, answer, "leader.withdrawn")
            return redirect(f"/tasks/{task_id}")

        try:
            return await once(
                form,
                lambda key: registration.send("POST", path, json={"reason": reason}, key=key),
                done,
            )
        except Refused as refused:
            form.refused(refused.problems, ["reason"])
    return await _withdrawal(request, form, task)


async def _withdrawal(request: Request, form: TaskForm, task: Json) -> HTMLResponse:
    status = 200 if form.ok else 422
    return await render(
        request, "leader/withdraw.html", status=status, form=form, task=task, year=task["year"]
    )
