"""Closing a year: what is still open is listed first (registrations waiting for a decision
or returned for revision, approved tasks not yet evaluated, from reporting), and the closure
is offered only where the year's ``allowed`` lists ``close``, and posted only once the
person has confirmed it, naming the year. Once closed, nothing more of that year is written
and its reports are final."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..apis import Json, Refused
from ..forms import Form
from ..pages import redirect, with_query
from ..programme import render
from ..sessions import Session
from ..web import calls_of, checked_form, fresh, needs, once, portal_of, restored, translator, wrote

router = APIRouter(prefix="/secretariat")
Admin = Annotated[Session, Depends(needs("admin"))]
Values = Annotated[dict[str, str], Depends(checked_form)]
OPEN = (("pending", "pending"), ("returned", "returned"), ("approved", "not_evaluated"))
"""Reporting's ``status`` asked for, and the open list it fills."""


@router.get("/closure", response_class=HTMLResponse)
async def closure_page(request: Request, admin: Admin) -> HTMLResponse:
    t = translator(request)
    kept = restored(request, "/secretariat/closure")
    if kept is not None:
        return await _render(request, Form(kept, t, restored=True))
    return await _render(request, Form({"decided_by": t("decision.default_body")}, t))


async def _render(request: Request, form: Form) -> HTMLResponse:
    year = portal_of(request).pages.year(request)
    calls = calls_of(request)

    async def read(after: str | None) -> Json:
        found: Json = await calls.reporting.send("GET", f"/reports/{year}", params={"after": after})
        return found

    report = await fresh(request, read)
    open_items: dict[str, list[Json]] = {}
    for status, name in OPEN:
        found = await calls.tasks(year=year, status=status)
        open_items[name] = [task for task in found if not task.get("evaluation")]
    return await render(
        request,
        "secretariat/closure.html",
        status=200 if form.ok else 422,
        report=report,
        open_items=open_items,
        open_count=sum(len(tasks) for tasks in open_items.values()),
        form=form,
        year=year,
    )


@router.post("/closure", response_class=HTMLResponse)
async def close(request: Request, admin: Admin, values: Values) -> Response:
    form = Form(values, translator(request))
    year = portal_of(request).pages.year(request)
    decided_by = form.text("decided_by", limit=200)
    reference = form.text("reference", limit=100, required=False)
    if form.get("confirm") != str(year):
        form.fail("confirm", "error.confirm_closure", year=year)
    page = with_query("/secretariat/closure", year=year)
    if form.ok:
        body = {k: v for k, v in {"decided_by": decided_by, "reference": reference}.items() if v}
        approval = calls_of(request).approval

        def done(answer: Json) -> RedirectResponse:
            wrote(request, answer, "secretariat.closed", year=year)
            return redirect(page)

        try:
            return await once(
                form,
                lambda key: approval.send("POST", f"/years/{year}/closure", json=body, key=key),
                done,
            )
        except Refused as refused:
            if "year_closed" in refused.codes:  # closed meanwhile (another page): it says so
                return redirect(page)
            form.refused(refused.problems, ["decided_by", "reference", "confirm"])
    return await _render(request, form)
