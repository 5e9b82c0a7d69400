"""Chasing ("Đôn đốc"): the leaders on the roster who have not registered, and the approved
tasks not reported on lately, each with when its leader was last reminded; and, for those who
may send them (the secretariat: approval's ``POST /reminders``), e-mails reminding the leaders
chosen, every one with an e-mail chosen at first."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..apis import Json, Refused, Unavailable
from ..forms import Form
from ..once import write_once
from ..pages import redirect, session_of, with_query
from ..programme import render, roster_of
from ..sessions import Session
from ..web import calls_of, checked_form, fresh, needs, portal_of, translator
from .reminded import KINDS, PICK, by_leader, emails, names, outcome

router = APIRouter()
Staff = Annotated[Session, Depends(needs("viewer approver"))]  # approvers: to remind
Values = Annotated[dict[str, str], Depends(checked_form)]
DEFAULT_STALE_DAYS = 30


def stale_days_of(text: str | None) -> int:
    value = text or ""
    return int(value) if value.isdigit() and int(value) <= 3660 else DEFAULT_STALE_DAYS


@router.get("/missing", response_class=HTMLResponse)
async def missing(request: Request, staff: Staff) -> HTMLResponse:
    stale_days = stale_days_of(request.query_params.get("stale_days"))
    return await _page(request, stale_days, {})


async def _page(
    request: Request, stale_days: int, forms: dict[str, Form], status: int = 200
) -> HTMLResponse:
    year = portal_of(request).pages.year(request)
    reporting = calls_of(request).reporting

    async def read(after: str | None) -> Json:
        params = {"stale_days": stale_days, "after": after}
        found: Json = await reporting.send("GET", f"/reports/{year}/missing", params=params)
        return found

    found = await fresh(request, read)
    who = session_of(request).who
    t = translator(request)
    addresses = emails(await roster_of(request, year))
    return await render(
        request,
        "staff/missing.html",
        status=status,
        missing=found,
        stale=by_leader(found.get("no_recent_progress") or []),
        emails=addresses,
        may_remind=who is not None and who.holds("approver"),
        forms={kind: forms.get(kind) or Form({}, t) for kind in KINDS},
        stale_days=stale_days,
        year=year,
    )


@router.post("/missing/reminders", response_class=HTMLResponse)
async def remind(request: Request, staff: Staff, values: Values) -> Response:
    year = portal_of(request).pages.year(request)
    stale_days = stale_days_of(values.get("stale_days"))
    form = Form(values, translator(request))
    kind = form.choice("kind", KINDS)
    leaders = sorted(name[len(PICK) :] for name in values if name.startswith(PICK))
    if not leaders:
        form.general.append(form.t("reminders.none_picked"))
    if kind is None or not form.ok:
        return await _page(request, stale_days, {kind or KINDS[0]: form}, 422)
    body: dict[str, Any] = {"year": year, "kind": kind, "leaders": leaders}
    if kind == "no_recent_progress":
        body["stale_days"] = stale_days  # "not missing" judged as this page judged it
    approval = calls_of(request).approval
    named = names(await roster_of(request, year))
    page = with_query("/missing", year=year, stale_days=stale_days)

    def done(answer: Json) -> RedirectResponse:
        session = session_of(request)
        for level, key, fields in outcome(answer, named):
            session.flash(level, key, **fields)
        return redirect(page)

    status = 422
    try:
        return await write_once(  # approval takes no Idempotency-Key for reminders
            request,
            portal_of(request).forms,
            form.key,
            lambda: approval.send("POST", "/reminders", json=body),
            done,
        )
    except Unavailable as down:  # the mail server (or approval) is down: nothing lost
        mail = "mail_unavailable" in down.codes
        form.general.append(form.t("reminders.mail_down" if mail else "reminders.approval_down"))
        status = 503
    except Refused as refused:
        form.refused(refused.problems, [])
    return await _page(request, stale_days, {kind: form}, status)
