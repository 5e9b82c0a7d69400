"""The Standing Committee's secretariat: the pending registrations (by unit and category),
approving or rejecting many under one decision number, returning one for revision with a
reason, deciding one, and evaluating approved tasks on the four ratings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.domain.events import Category, Rating
from shared.edge.bodies import TaskId

from ..apis import Json, Refused
from ..forms import Form
from ..pages import redirect, safe_next, with_query
from ..programme import deciding_body, may, render
from ..sessions import Session
from ..web import calls_of, checked_form, needs, once, portal_of, restored, translator, wrote
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
    kept = restored(request, "/secretariat/decisions")
    if kept is not None:
        picked = {name[len(PICK) :] for name in kept if name.startswith(PICK)}
        values = {k: v for k, v in kept.items() if not k.startswith(PICK)}
        return await _pending(request, Form(values, t, restored=True), picked)
    body = await deciding_body(request, portal_of(request).pages.year(request))
    return await _pending(request, Form({"decided_by": body}, t), set())


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
    return await render(
        request,
        "secretariat/pending.html",
        decidable=any(may(task, "approve") or may(task, "reject") for task in shown),
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
    approval = calls_of(request).approval

    def done(answer: list[Json]) -> RedirectResponse:
        approved = body["decision"] == "approve"
        key = "secretariat.approved_many" if approved else "secretariat.rejected_many"
        wrote(request, answer, key, count=len(answer))
        return redirect(with_query("/secretariat/pending", **dict(request.query_params)))

    try:
        return await once(
            form,
            lambda key: approval.send("POST", "/decisions", json=body, key=key),
            done,
        )
    except Refused as refused:
        form.refused(refused.problems, ["decision", "reference", "decided_by", "note", "reason"])
        return await _pending(request, form, picked)


def _decision(form: Form, decisions: tuple[str, ...]) -> dict[str, Any] | None:
    """A decision's body; a rejection or a return records only its reason, so a decision
    number given with one is written at the head of the reason."""
    decision = form.choice("decision", decisions)
    decided_by = form.text("decided_by", limit=200)
    reference = form.text("reference", limit=100, required=False)
    note = form.text("note", limit=2000, required=False, lines=True)
    reason = form.text("reason", limit=2000, required=decision in ("reject", "return"), lines=True)
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
        approval = calls_of(request).approval
        decided = DONE[body["decision"]]
        try:
            return await once(
                form,
                lambda key: approval.send("POST", path, json=body, key=key),
                _done(request, task_id, decided),
            )
        except Refused as refused:
            form.refused(
                refused.problems, ["decision", "reference", "decided_by", "note", "reason"]
            )
    return await render_task(request, task_id, decision=form)


SHOWN = ("todo", "done", "all")


@router.get("/evaluations", response_class=HTMLResponse)
async def evaluations(request: Request, approver: Approver) -> HTMLResponse:
    """The year's approved tasks, by unit and category: those the person may evaluate now
    (the default: their views allow ``evaluate``), those evaluated, or all they may read."""
    pages = portal_of(request).pages
    year = pages.year(request)
    query = request.query_params
    every = await calls_of(request).tasks(year=year, status="approved")
    units = sorted({(task["unit"]["code"], task["unit"]["name"]) for task in every})
    unit, category = query.get("unit") or None, query.get("category") or None
    shown = str(query.get("shown")) if query.get("shown") in SHOWN else "todo"
    tasks = [
        task
        for task in every
        if (unit is None or str(task["unit"]["code"]).casefold() == unit.casefold())
        and (category is None or task["category"] == category)
        and _shown(task, shown)
    ]
    tasks.sort(key=lambda t: (bool(t.get("evaluation")), t["unit"]["name"], t["title"]))
    done = [task for task in every if task.get("evaluation")]
    return await render(
        request,
        "secretariat/evaluations.html",
        tasks=tasks,
        done=len(done),
        total=len(every),
        units=units,
        categories=[c.value for c in Category],
        unit=unit,
        category=category,
        shown=shown,
        year=year,
    )


def _shown(task: Json, shown: str) -> bool:
    if shown == "todo":
        return may(task, "evaluate")
    return shown == "all" or bool(task.get("evaluation"))


def _done(request: Request, task_id: str, message: str) -> Callable[[Any], RedirectResponse]:
    def done(answer: Any) -> RedirectResponse:
        wrote(request, answer, message)
        return redirect(_task_page(request, task_id))

    return done


def _task_page(request: Request, task_id: str) -> str:
    """A task's page, keeping the list it was opened from (``back``)."""
    back = safe_next(request.query_params.get("back"), "")
    return with_query(f"/tasks/{task_id}", back=back)


@router.post("/tasks/{task_id}/evaluation", response_class=HTMLResponse)
async def evaluate(
    request: Request, task_id: TaskId, approver: Approver, values: Values
) -> Response:
    form = Form(values, translator(request))
    rating = form.choice("rating", [r.value for r in Rating])
    decided_by = form.text("decided_by", limit=200)
    reference = form.text("reference", limit=100, required=False)
    note = form.text("note", limit=2000, required=False, lines=True)
    if form.ok:
        body = {"rating": rating, "decided_by": decided_by, "reference": reference, "note": note}
        path = f"/tasks/{task_id}/evaluation"
        approval = calls_of(request).approval
        sent = {k: v for k, v in body.items() if v is not None}
        try:
            return await once(
                form,
                lambda key: approval.send("POST", path, json=sent, key=key),
                _done(request, task_id, "secretariat.evaluated"),
            )
        except Refused as refused:
            form.refused(refused.problems, ["rating", "decided_by", "reference", "note"])
    return await render_task(request, task_id, evaluation=form)
