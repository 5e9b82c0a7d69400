"""Provincial staff: the year's totals, per unit and category (drilled down to a unit's
tasks, and from there to a task's history); who has not registered or reported lately;
the year as an Excel workbook or CSV; and a printable A4 report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from shared.domain.events import Category
from shared.edge.bodies import Identifier, Year

from ..apis import Json, Service
from ..excel import workbook
from ..i18n import parse_day
from ..sessions import Session
from ..web import calls_of, needs, portal_of, translator

router = APIRouter()
Staff = Annotated[Session, Depends(needs("viewer"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scope(request: Request) -> dict[str, Any]:
    """The report's scope from the page's query: category, and a day (``as_of``)."""
    query = request.query_params
    category = query.get("category") or None
    if category not in {c.value for c in Category}:
        category = None
    day = parse_day(query.get("as_of", ""))
    return {"category": category, "as_of": day.isoformat() if day else None}


async def _report(reporting: Service, year: int, **query: Any) -> Json:
    found: Json = await reporting.send("GET", f"/reports/{year}", params=query)
    return found


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, staff: Staff) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    chosen = scope(request)
    report = await _report(calls_of(request).reporting, year, **chosen)
    return pages.render(
        request,
        "staff/dashboard.html",
        report=report,
        chosen=chosen,
        categories=[c.value for c in Category],
        year=year,
    )


@router.get("/dashboard/units/{code}", response_class=HTMLResponse)
async def unit(request: Request, code: Identifier, staff: Staff) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    calls = calls_of(request)
    report = await _report(calls.reporting, year, unit=code)
    tasks = await calls.tasks(year=year, unit=code)
    tasks.sort(key=lambda task: (task["registrant"]["name"], task["title"]))
    name = next((row["name"] for row in report.get("by_unit", [])), code)
    return pages.render(
        request, "staff/unit.html", report=report, tasks=tasks, code=code, name=name, year=year
    )


@router.get("/missing", response_class=HTMLResponse)
async def missing(request: Request, staff: Staff) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    text = request.query_params.get("stale_days", "30")
    stale_days = int(text) if text.isdigit() and int(text) <= 3660 else 30
    found = await calls_of(request).reporting.send(
        "GET", f"/reports/{year}/missing", params={"stale_days": stale_days}
    )
    return pages.render(
        request, "staff/missing.html", missing=found, stale_days=stale_days, year=year
    )


@router.get("/report", response_class=HTMLResponse)
async def printable(request: Request, staff: Staff) -> HTMLResponse:
    pages = portal_of(request).pages
    year = pages.year(request)
    chosen = scope(request)
    report = await _report(calls_of(request).reporting, year, **chosen)
    made = date.fromisoformat(chosen["as_of"]) if chosen["as_of"] else pages.today()
    return pages.render(
        request, "staff/print.html", report=report, chosen=chosen, made=made, year=year
    )


@router.get("/export/{year}.xlsx")
async def excel(request: Request, year: Year, staff: Staff) -> Response:
    calls = calls_of(request)
    chosen = scope(request)
    report = await _report(calls.reporting, year, category=chosen["category"])
    tasks = await calls.tasks(year=year, category=chosen["category"])
    content = workbook(tasks, report, translator(request))
    name = f"nhiem-vu-{year}" + (f"-{chosen['category']}" if chosen["category"] else "")
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/export/{year}.csv")
async def csv(request: Request, year: Year, staff: Staff) -> Response:
    """Reporting's CSV of the year (one row per task), passed on as it comes."""
    chosen = scope(request)
    reporting = calls_of(request).reporting
    answer, chunks = await reporting.stream(
        f"/reports/{year}.csv", {"category": chosen["category"], "as_of": chosen["as_of"]}
    )
    name = f"nhiem-vu-{year}" + (f"-{chosen['category']}" if chosen["category"] else "")

    async def body() -> Any:
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            await answer.aclose()

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
