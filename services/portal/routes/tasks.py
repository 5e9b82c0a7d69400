"""A task's page, for whoever may read it: the registration as it stands, its targets and
latest values, the committee's decision (and the reason of a return), the assessments, and
its whole history (who did what, when), from reporting. What the reader may do next is
offered beside it, exactly what the task view's ``allowed`` lists: a leader amends,
withdraws, reports or self-assesses; the secretariat returns, approves, rejects or
evaluates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from shared.domain.events import Rating
from shared.edge.bodies import TaskId

from ..apis import Json
from ..chain import chain_of
from ..forms import Form
from ..pages import committee_name, safe_next
from ..programme import deciding_body, render, year_of
from ..sessions import Session
from ..web import calls_of, fresh, restored, signed_in, translator

router = APIRouter()
Reader = Annotated[Session, Depends(signed_in)]
COMMITTEE_ACTS = ("TaskApproved", "TaskRejected", "TaskReturned", "TaskEvaluated")
DECISIONS = ("return", "approve", "reject")


def acted_by(entry: Json, task: Json) -> str | None:
    """Who did what a history entry records, by name: the committee (its ``decided_by``)
    for its acts, the leader for their own; None for someone else (an admin acting for a
    leader: the page names their role)."""
    data = entry.get("data") or {}
    if entry.get("type") in COMMITTEE_ACTS and data.get("decided_by"):
        return str(data["decided_by"])
    registrant = task.get("registrant") or {}
    actor = str(entry.get("actor") or "").casefold()
    if actor and actor == str(registrant.get("id", "")).casefold():
        name = (data.get("registrant") or {}).get("name") or registrant.get("name")
        return str(name) if name else None
    return None


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
async def task_page(request: Request, task_id: TaskId, reader: Reader) -> HTMLResponse:
    return await render_task(request, task_id)


async def render_task(
    request: Request, task_id: str, *, decision: Form | None = None, evaluation: Form | None = None
) -> HTMLResponse:
    calls = calls_of(request)

    async def read(after: str | None) -> Json:
        found: Json = await calls.reporting.send(
            "GET", f"/tasks/{task_id}", params={"after": after}
        )
        return found

    task = await fresh(request, read)
    t = translator(request)
    if decision is None and (kept := restored(request, f"/secretariat/tasks/{task_id}/decision")):
        decision = Form(kept, t, restored=True)
    if evaluation is None and (
        kept := restored(request, f"/secretariat/tasks/{task_id}/evaluation")
    ):
        evaluation = Form(kept, t, restored=True)
    forms_ok = (decision is None or decision.ok) and (evaluation is None or evaluation.ok)
    for entry in task.get("history") or []:
        entry["by"] = acted_by(entry, task)
    can = set(task.get("allowed") or [])
    years = await chain_of(calls, task)
    body = await deciding_body(request, task["year"])
    programme = await year_of(request, task["year"])
    committees = (programme or {}).get("committees") or []
    return await render(
        request,
        "task.html",
        status=200 if forms_ok else 422,
        task=task,
        can=can,
        decisions=[d for d in DECISIONS if d in can],
        chain=years,
        manager=committee_name(programme, task["managed_by"]) if committees else None,
        programme=programme,
        decision=decision or Form({"decided_by": body}, t),
        evaluation=evaluation or Form({"decided_by": body}, t),
        ratings=[r.value for r in Rating],
        back=safe_next(request.query_params.get("back"), ""),
        year=task["year"],
    )
