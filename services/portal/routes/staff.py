"""Provincial staff: the year's totals, drilled down province → committee (``?committee=``,
reporting's ``by_committee``) → unit → task; compared with an earlier year (``?compare=``:
the year before unless ``none``); and the printable A4 report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from shared.domain.events import Category
from shared.domain.lifecycle import FIRST_YEAR
from shared.domain.people import is_identifier
from shared.edge.bodies import Identifier

from ..apis import Json, Service
from ..charts import bars
from ..i18n import parse_day
from ..pages import FIRST_SHOWN_YEAR
from ..programme import render, year_of
from ..sessions import Session
from ..web import calls_of, needs, portal_of, translator

router = APIRouter()
Staff = Annotated[Session, Depends(needs("viewer"))]


def scope(request: Request) -> dict[str, Any]:
    """The report's scope from the page's query: committee, category, a day (``as_of``: a
    day that is not one is not dropped silently, ``as_of_error`` says so and ``as_of_text``
    keeps what was typed) and the year compared with."""
    query = request.query_params
    category = query.get("category") or None
    if category not in {c.value for c in Category}:
        category = None
    committee = query.get("committee") or None
    text = query.get("as_of", "").strip()
    day = parse_day(text)
    year = portal_of(request).pages.year(request)
    asked = query.get("compare", str(year - 1))
    compare = int(asked) if asked.isdigit() and FIRST_YEAR <= int(asked) < year else None
    return {
        "category": category,
        "committee": committee if is_identifier(committee) else None,
        "as_of": day.isoformat() if day else None,
        "as_of_text": text,
        "as_of_error": translator(request)("error.date") if text and day is None else None,
        "compare": compare,
        "compare_years": list(range(year - 1, min(FIRST_SHOWN_YEAR, year - 1) - 1, -1)),
    }


async def report_of(reporting: Service, year: int, **query: Any) -> Json:
    found: Json = await reporting.send("GET", f"/reports/{year}", params=query)
    return found


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, staff: Staff) -> HTMLResponse:
    year = portal_of(request).pages.year(request)
    chosen = scope(request)
    reporting = calls_of(request).reporting
    shared = {"category": chosen["category"], "committee": chosen["committee"]}
    report = await report_of(
        reporting, year, **shared, as_of=chosen["as_of"], compare=chosen["compare"]
    )
    report["by_committee"] = sorted(  # the province's own first, then by name
        report.get("by_committee") or [], key=lambda row: (bool(row.get("parent")), row["name"])
    )
    earlier = None
    if chosen["compare"] is not None:  # its categories (reporting compares units only)
        earlier = await report_of(reporting, chosen["compare"], **shared)
    programme = await year_of(request, year)
    return await render(
        request,
        "staff/dashboard.html",
        status=422 if chosen["as_of_error"] else 200,
        report=report,
        earlier=earlier,
        charts=bars(report, earlier, translator(request)),
        chosen=chosen,
        categories=[c.value for c in Category],
        path=committee_path(programme, chosen["committee"]),
        year=year,
    )


def committee_path(programme: Json | None, code: str | None) -> list[Json]:
    """The committees below the year's root down to ``code`` (the breadcrumbs of a drill;
    the root's is the whole province's)."""
    committees = {str(c["code"]).casefold(): c for c in (programme or {}).get("committees") or []}
    path: list[Json] = []
    here = committees.get((code or "").casefold())
    while here is not None and here.get("parent") and len(path) < len(committees):
        path.insert(0, here)
        here = committees.get(str(here.get("parent") or "").casefold())
    return path


@router.get("/dashboard/units/{code}", response_class=HTMLResponse)
async def unit(request: Request, code: Identifier, staff: Staff) -> HTMLResponse:
    year = portal_of(request).pages.year(request)
    committee = scope(request)["committee"]
    calls = calls_of(request)
    report = await report_of(calls.reporting, year, unit=code, committee=committee)
    tasks = await calls.tasks(year=year, unit=code, committee=committee)
    tasks.sort(key=lambda task: (task["registrant"]["name"], task["title"]))
    name = next((row["name"] for row in report.get("by_unit", [])), code)
    programme = await year_of(request, year)
    return await render(
        request,
        "staff/unit.html",
        report=report,
        tasks=tasks,
        code=code,
        name=name,
        scope_committee=committee,
        path=committee_path(programme, committee),
        year=year,
    )


@router.get("/report", response_class=HTMLResponse)
async def printable(request: Request, staff: Staff) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    chosen = scope(request)
    query = {k: chosen[k] for k in ("category", "committee", "as_of")}
    report = await report_of(calls_of(request).reporting, year, **query)
    made = date.fromisoformat(chosen["as_of"]) if chosen["as_of"] else pages.today()
    return await render(
        request,
        "staff/print.html",
        status=422 if chosen["as_of_error"] else 200,
        report=report,
        chosen=chosen,
        made=made,
        path=committee_path(await year_of(request, year), chosen["committee"]),
        year=year,
    )
