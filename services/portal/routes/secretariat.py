"""The Standing Committee's secretariat: the pending registrations (by unit and category),
approving or rejecting many under one decision number, returning one for revision with a
reason, deciding one, and evaluating approved tasks on the four ratings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from shared.domain.events import Category, Rating
from shared.edge.bodies import TaskId

from ..apis import Json, Refused
from ..forms import Form
from ..pages import redirect, with_query
from ..sessions import Session
from ..web import calls_of, checked_form, needs, portal_of, translator, wrote
from .tasks import render_task

router = APIRouter(prefix="/secretariat")
Approver = Annotated[Session, Depends(needs("approver"))]
Values = Annotated[dict[str, str], Depends(checked_form)]
PICK = "pick."
DECISIONS = ("approve", "reject")
DONE = {
    "approve": "secretariat.approved_one",
    "reject": "secretariat.rejected_one",
    "return": "secretariat.returned_one",
}


@router.get("/pending", response_class=HTMLResponse)
async def pending(request: Request, approver: Approver) -> HTMLResponse:
    t = translator(request)
    return await _pending(request, Form({"decided_by": t("decision.default_body")}, t), set())


async def _pending(request: Request, form: Form, picked: set[str]) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    query = request.query_params
    unit, category = query.get("unit") or None, query.get("category") or None
    approval = calls_of(request).approval
    every: list[Json] = await approval.send("GET", "/approvals/pending", params={"year": year})
    shown = every
    if unit or category:
        params: dict[str, Any] = {"year": year, "unit": unit, "category": category}
        shown = await approval.send("GET", "/approvals/pending", params=params)
    units = sorted({(task["unit"]["code"], task["unit"]["name"]) for task in every})
    return pages.render(
        request,
        "secretariat/pending.html",
        status=200 if form.ok else 422,
        tasks=shown,
        total=len(every),
        units=units,
        categories=[c.value for c in Category],
        unit=unit,
        category=category,
        form=form,
        picked=picked,
        year=year,
    )


@router.post("/decisions", response_class=HTMLResponse)
async def decide_many(request: Request, approver: Approver, values: Values) -> Response:
    picked = {name[len(PICK) :] for name in values if name.startswith(PICK)}
    form = Form({k: v for k, v in values.items() if not k.startswith(PICK)}, translator(request))
    if not picked:
        form.general.append(form.t("error.none_picked"))
    body = _decision(form, DECISIONS)
    if body is None or not form.ok:
        return await _pending(request, form, picked)
    body["task_ids"] = sorted(picked)
    try:
        answer = await calls_of(request).approval.send("POST", "/decisions", json=body)
    except Refused as refused:
        form.refused(refused.problems, ["decision", "reference", "decided_by", "note", "reason"])
        return await _pending(request, form, picked)
    key = (
        "secretariat.approved_many"
        if body["decision"] == "approve"
        else "secretariat.rejected_many"
    )
    wrote(request, answer, key, count=len(answer))
    return redirect(with_query("/secretariat/pending", **dict(request.query_params)))


def _decision(form: Form, decisions: tuple[str, ...]) -> dict[str, Any] | None:
    """A decision's body; a rejection or a return records only its reason, so a decision
    number given with one is written at the head of the reason."""
    decision = form.choice("decision", decisions)
    decided_by = form.text("decided_by", limit=200)
    reference = form.text("reference", limit=100, required=False)
    note = form.text("note", limit=2000, required=False)
    reason = form.text("reason", limit=2000, required=decision in ("reject", "return"))
    if decision is None or decided_by is None:
        return None
    body: dict[str, Any] = {"decision": decision, "decided_by": decided_by}
    if decision == "approve":
        if reason:
            form.fail("reason", "error.reason_for_approval")
        body |= {"reference": reference, "note": note}
    elif reason:
        if note:
            form.fail("note", "error.note_for_approval")
        body["reason"] = f"{reference}: {reason}" if reference else reason
        if len(body["reason"]) > 2000:
            form.fail(
                "reason", "error.too_long", max=form.t.number(2000 - len(reference or "") - 2)
            )
    return {k: v for k, v in body.items() if v is not None}


@router.post("/tasks/{task_id}/decision", response_class=HTMLResponse)
async def decide(request: Request, task_id: TaskId, approver: Approver, values: Values) -> Response:
    form = Form(values, translator(request))
    body = _decision(form, ("approve", "reject", "return"))
    if body is not None and form.ok:
        path = f"/tasks/{task_id}/decision"
        try:
            answer = await calls_of(request).approval.send("POST", path, json=body)
        except Refused as refused:
            form.refused(
                refused.problems, ["decision", "reference", "decided_by", "note", "reason"]
            )
        else:
            wrote(request, answer, DONE[body["decision"]])
            return redirect(f"/tasks/{task_id}")
    return await render_task(request, task_id, decision=form)


@router.get("/evaluations", response_class=HTMLResponse)
async def evaluations(request: Request, approver: Approver) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    tasks = await calls_of(request).tasks(year=year, status="approved")
    tasks.sort(key=lambda t: (bool(t.get("evaluation")), t["unit"]["name"], t["title"]))
    done = [task for task in tasks if task.get("evaluation")]
    return pages.render(
        request, "secretariat/evaluations.html", tasks=tasks, done=len(done), year=year
    )


@router.post("/tasks/{task_id}/evaluation", response_class=HTMLResponse)
async def evaluate(
    request: Request, task_id: TaskId, approver: Approver, values: Values
) -> Response:
    form = Form(values, translator(request))
    rating = form.choice("rating", [r.value for r in Rating])
    decided_by = form.text("decided_by", limit=200)
    reference = form.text("reference", limit=100, required=False)
    note = form.text("note", limit=2000, required=False)
    if form.ok:
        body = {"rating": rating, "decided_by": decided_by, "reference": reference, "note": note}
        path = f"/tasks/{task_id}/evaluation"
        try:
            answer = await calls_of(request).approval.send(
                "POST", path, json={k: v for k, v in body.items() if v is not None}
            )
        except Refused as refused:
            form.refused(refused.problems, ["rating", "decided_by", "reference", "note"])
        else:
            wrote(request, answer, "secretariat.evaluated")
            return redirect(f"/tasks/{task_id}")
    return await render_task(request, task_id, evaluation=form)
