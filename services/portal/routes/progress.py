"""A leader reports progress on an approved task, target by target (values cumulative to the
report's date), and at year end assesses it themselves on the four ratings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from shared.domain.events import ProgressStatus, Rating
from shared.edge.bodies import TaskId

from ..apis import Json, Problem, Refused
from ..forms import Form
from ..pages import redirect
from ..sessions import Session
from ..web import calls_of, checked_form, needs, portal_of, translator, wrote

router = APIRouter(prefix="/my/tasks")
Leader = Annotated[Session, Depends(needs("registrant"))]
Values = Annotated[dict[str, str], Depends(checked_form)]


def _readings(task: Json) -> dict[str, Any]:
    return {r["metric"]: r["value"] for r in (task.get("progress") or {}).get("readings", [])}


@router.get("/{task_id}/progress", response_class=HTMLResponse)
async def progress_page(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await _task(request, task_id)
    t = translator(request)
    latest = (task.get("progress") or {}).get("latest") or {}
    values = {"reported_at": t.date(portal_of(request).pages.today())}
    values["status"] = latest.get("status", "")
    readings = _readings(task)
    for index, target in enumerate(task["targets"]):
        values[f"actuals.{index}.value"] = t.typed_number(readings.get(target["metric"]))
    return _render(request, "leader/progress.html", Form(values, t), task)


@router.post("/{task_id}/progress", response_class=HTMLResponse)
async def log_progress(
    request: Request, task_id: TaskId, leader: Leader, values: Values
) -> Response:
    task = await _task(request, task_id)
    form = Form(values, translator(request))
    today = portal_of(request).pages.today()
    reported_at = form.day("reported_at")
    if reported_at is not None and reported_at.year != task["year"]:
        form.fail("reported_at", "error.report_year", year=task["year"])
    elif reported_at is not None and reported_at > today:
        form.fail("reported_at", "error.in_future")
    status = form.choice("status", [s.value for s in ProgressStatus])
    note = form.text("note", limit=2000, required=False)
    actuals, rows = [], []
    for index, target in enumerate(task["targets"]):
        value = form.number(f"actuals.{index}.value", required=False)
        if value is not None:
            actuals.append({"metric": target["metric"], "value": value})
            rows.append(index)
    if not actuals and form.ok:
        form.fail("actuals.0.value", "error.no_actuals")
    if form.ok and reported_at is not None:
        body = {"reported_at": reported_at.isoformat(), "actuals": actuals, "status": status}
        if note:
            body["note"] = note
        try:
            answer = await calls_of(request).registration.send(
                "POST", f"/tasks/{task_id}/progress", json=body
            )
        except Refused as refused:
            form.refused(_by_row(refused.problems, rows), _fields(task))
        else:
            wrote(request, answer, "leader.progress_logged")
            return redirect(f"/tasks/{task_id}")
    return _render(request, "leader/progress.html", form, task)


@router.get("/{task_id}/self-assessment", response_class=HTMLResponse)
async def assessment_page(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await _task(request, task_id)
    mine = task.get("self_assessment") or {}
    values = {"rating": mine.get("rating", ""), "summary": mine.get("summary") or ""}
    return _render(request, "leader/self_assessment.html", Form(values, translator(request)), task)


@router.post("/{task_id}/self-assessment", response_class=HTMLResponse)
async def self_assess(
    request: Request, task_id: TaskId, leader: Leader, values: Values
) -> Response:
    task = await _task(request, task_id)
    form = Form(values, translator(request))
    rating = form.choice("rating", [r.value for r in Rating])
    summary = form.text("summary", limit=2000)
    if form.ok:
        body = {"rating": rating, "summary": summary}
        path = f"/tasks/{task_id}/self-assessment"
        try:
            answer = await calls_of(request).registration.send("POST", path, json=body)
        except Refused as refused:
            form.refused(refused.problems, ["rating", "summary"])
        else:
            wrote(request, answer, "leader.self_assessed")
            return redirect(f"/tasks/{task_id}")
    return _render(request, "leader/self_assessment.html", form, task)


async def _task(request: Request, task_id: str) -> Json:
    task: Json = await calls_of(request).registration.send("GET", f"/tasks/{task_id}")
    return task


def _fields(task: Json) -> list[str]:
    return ["reported_at", "status", "note"] + [
        f"actuals.{index}.value" for index in range(len(task["targets"]))
    ]


def _by_row(problems: list[Problem], rows: list[int]) -> list[Problem]:
    """The refusals, a refused actual placed at its target's row: ``actuals.N`` counts the
    values sent, the form's rows count the task's targets (a metric is not typed: a refusal
    of it is shown at the row's value)."""
    placed = []
    for problem in problems:
        loc = list(problem.loc)
        if len(loc) >= 3 and loc[:2] == ["body", "actuals"] and isinstance(loc[2], int):
            row = rows[loc[2]] if 0 <= loc[2] < len(rows) else 0
            loc = ["body", "actuals", row, "value"]
        placed.append(Problem(tuple(loc), problem.msg, problem.type))
    return placed


def _render(request: Request, template: str, form: Form, task: Json) -> HTMLResponse:
    status = 200 if form.ok else 422
    return portal_of(request).pages.render(
        request,
        template,
        status=status,
        form=form,
        task=task,
        readings=_readings(task),
        statuses=[s.value for s in ProgressStatus],
        ratings=[r.value for r in Rating],
        year=task["year"],
    )
