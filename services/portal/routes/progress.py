"""A leader reports progress on an approved task, target by target (values cumulative to the
report's date), and at year end assesses it themselves on the four ratings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.domain.events import ProgressStatus, Rating
from shared.edge.bodies import TaskId

from ..apis import Json, Problem, Refused
from ..forms import Form
from ..pages import redirect
from ..programme import may, render
from ..sessions import Session
from ..web import calls_of, checked_form, needs, once, portal_of, restored, translator, wrote
from .amend import not_offered, task_of

router = APIRouter(prefix="/my/tasks")
Leader = Annotated[Session, Depends(needs("registrant"))]
Values = Annotated[dict[str, str], Depends(checked_form)]


def _readings(task: Json) -> dict[str, Any]:
    """Each target's latest reported value, by metric (reported ones only)."""
    return {t["metric"]: t["latest"] for t in task["targets"] if t.get("latest") is not None}


@router.get("/{task_id}/progress", response_class=HTMLResponse)
async def progress_page(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await task_of(request, task_id)
    if not may(task, "report_progress"):
        return not_offered(request, task_id)
    t = translator(request)
    kept = restored(request, f"/my/tasks/{task_id}/progress")
    if kept is not None:
        return await _render(request, "leader/progress.html", Form(kept, t, restored=True), task)
    latest = (task.get("progress") or {}).get("status")
    day = report_day(task["year"], portal_of(request).pages.today())
    values = {"reported_at": t.date(day), "status": latest or "in_progress"}
    readings = _readings(task)
    for index, target in enumerate(task["targets"]):
        values[f"actuals.{index}.value"] = t.typed_number(readings.get(target["metric"]))
    return await _render(request, "leader/progress.html", Form(values, t), task)


def report_day(year: int, today: date) -> date | None:
    """The day a new report is dated by default: today in the task's year; the year's last
    day for a year gone by (a report must be dated in its task's year, and not after
    today); none for a year still to come."""
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else None


@router.post("/{task_id}/progress", response_class=HTMLResponse)
async def log_progress(
    request: Request, task_id: TaskId, leader: Leader, values: Values
) -> Response:
    task = await task_of(request, task_id)
    form = Form(values, translator(request))
    today = portal_of(request).pages.today()
    reported_at = form.day("reported_at")
    if reported_at is not None and reported_at.year != task["year"]:
        form.fail("reported_at", "error.report_year", year=task["year"])
    elif reported_at is not None and reported_at > today:
        form.fail("reported_at", "error.in_future")
    status = form.choice("status", [s.value for s in ProgressStatus])
    note = form.text("note", limit=2000, required=False, lines=True)
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
        registration = calls_of(request).registration
        path = f"/tasks/{task_id}/progress"
        try:
            return await once(
                form,
                lambda key: registration.send("POST", path, json=body, key=key),
                _done(request, task_id, "leader.progress_logged"),
            )
        except Refused as refused:
            form.refused(_by_row(refused.problems, rows), _fields(task))
    return await _render(request, "leader/progress.html", form, task)


@router.get("/{task_id}/self-assessment", response_class=HTMLResponse)
async def assessment_page(request: Request, task_id: TaskId, leader: Leader) -> Response:
    task = await task_of(request, task_id)
    if not may(task, "self_assess"):
        return not_offered(request, task_id)
    t = translator(request)
    kept = restored(request, f"/my/tasks/{task_id}/self-assessment")
    if kept is not None:
        return await _render(
            request, "leader/self_assessment.html", Form(kept, t, restored=True), task
        )
    mine = task.get("self_assessment") or {}
    values = {"rating": mine.get("rating", ""), "summary": mine.get("summary") or ""}
    return await _render(request, "leader/self_assessment.html", Form(values, t), task)


@router.post("/{task_id}/self-assessment", response_class=HTMLResponse)
async def self_assess(
    request: Request, task_id: TaskId, leader: Leader, values: Values
) -> Response:
    task = await task_of(request, task_id)
    form = Form(values, translator(request))
    rating = form.choice("rating", [r.value for r in Rating])
    summary = form.text("summary", limit=2000, lines=True)
    if form.ok:
        body = {"rating": rating, "summary": summary}
        path = f"/tasks/{task_id}/self-assessment"
        registration = calls_of(request).registration
        try:
            return await once(
                form,
                lambda key: registration.send("POST", path, json=body, key=key),
                _done(request, task_id, "leader.self_assessed"),
            )
        except Refused as refused:
            form.refused(refused.problems, ["rating", "summary"])
    return await _render(request, "leader/self_assessment.html", form, task)


def _done(request: Request, task_id: str, message: str) -> Callable[[Any], RedirectResponse]:
    def done(answer: Any) -> RedirectResponse:
        wrote(request, answer, message)
        return redirect(f"/tasks/{task_id}")

    return done


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


async def _render(request: Request, template: str, form: Form, task: Json) -> HTMLResponse:
    status = 200 if form.ok else 422
    return await render(
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
