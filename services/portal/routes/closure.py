"""Closing a year (the services allow it to an admin): what is still open is shown first
(pending registrations, approved tasks not yet evaluated); once closed, nothing more of that
year is written and its reports are final."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ..apis import Json, Refused
from ..forms import Form
from ..pages import redirect, with_query
from ..sessions import Session
from ..web import NotAllowed, calls_of, checked_form, fresh, needs, portal_of, translator, wrote

router = APIRouter(prefix="/secretariat")
Approver = Annotated[Session, Depends(needs("approver"))]
Values = Annotated[dict[str, str], Depends(checked_form)]


def _admin(session: Session) -> None:
    assert session.who is not None
    if "admin" not in session.who.roles:
        raise NotAllowed("admin")


@router.get("/closure", response_class=HTMLResponse)
async def closure_page(request: Request, approver: Approver) -> HTMLResponse:
    _admin(approver)
    t = translator(request)
    return await _render(request, Form({"decided_by": t("decision.default_body")}, t))


async def _render(request: Request, form: Form) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    reporting = calls_of(request).reporting

    async def read(after: str | None) -> Json:
        found: Json = await reporting.send("GET", f"/reports/{year}", params={"after": after})
        return found

    report = await fresh(request, read)
    return pages.render(
        request,
        "secretariat/closure.html",
        status=200 if form.ok else 422,
        report=report,
        form=form,
        year=year,
    )


@router.post("/closure", response_class=HTMLResponse)
async def close(request: Request, approver: Approver, values: Values) -> Response:
    _admin(approver)
    form = Form(values, translator(request))
    year = portal_of(request).pages.year(request)
    decided_by = form.text("decided_by", limit=200)
    reference = form.text("reference", limit=100, required=False)
    if form.get("confirm") != "yes":
        form.fail("confirm", "error.confirm_closure", year=year)
    if form.ok:
        body = {"decided_by": decided_by, "reference": reference}
        try:
            answer = await calls_of(request).approval.send(
                "POST", f"/years/{year}/closure", json={k: v for k, v in body.items() if v}
            )
        except Refused as refused:
            form.refused(refused.problems, ["decided_by", "reference", "confirm"])
        else:
            wrote(request, answer, "secretariat.closed", year=year)
            return redirect(with_query("/secretariat/closure", year=year))
    return await _render(request, form)
