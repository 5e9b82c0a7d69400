"""The year for the office and for programs: an Excel workbook, the CSV in the office's
form, reporting's own CSV (one row per task, in the scope chosen on the dashboard)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from shared.edge.bodies import Year

from ..excel import Scope, workbook
from ..office_csv import office_csv
from ..sessions import Session
from ..web import calls_of, needs, portal_of, translator
from .staff import report_of, scope

router = APIRouter()
Staff = Annotated[Session, Depends(needs("viewer"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(chosen: dict[str, Any]) -> dict[str, Any]:
    return {
        "category": chosen["category"],
        "as_of": chosen["as_of"],
        "committee": chosen["committee"],
    }


@router.get("/export/{year}.xlsx")
async def excel(request: Request, year: Year, staff: Staff) -> Response:
    calls = calls_of(request)
    chosen = scope(request)
    chosen_scope = {"category": chosen["category"], "committee": chosen["committee"]}
    report = await report_of(calls.reporting, year, **chosen_scope)
    tasks = await calls.tasks(year=year, **chosen_scope)
    pages = portal_of(request).pages
    covered = Scope(year, chosen["category"], pages.today(), datetime.now(UTC))
    content = workbook(tasks, report, translator(request), covered)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_name(year, chosen)}.xlsx"'},
    )


def _name(year: int, chosen: dict[str, Any], *parts: str) -> str:
    return "-".join(
        [
            "nhiem-vu",
            str(year),
            *(p for p in (chosen["committee"], chosen["category"], chosen["as_of"]) if p),
            *parts,
        ]
    )


@router.get("/export/{year}.csv")
async def csv(request: Request, year: Year, staff: Staff) -> Response:
    """The year's tasks in the office's form (``office_csv``): reporting's CSV, read whole
    (a year is a few hundred rows) and rewritten in the reader's language."""
    chosen = scope(request)
    reporting = calls_of(request).reporting
    answer, chunks = await reporting.stream(f"/reports/{year}.csv", _query(chosen))
    try:
        data = b"".join([chunk async for chunk in chunks])
    finally:
        await answer.aclose()
    return Response(
        office_csv(data.decode("utf-8-sig"), translator(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_name(year, chosen)}.csv"'},
    )


@router.get("/export/data/{year}.csv")
async def data_csv(request: Request, year: Year, staff: Staff) -> Response:
    """Reporting's CSV of the year (one row per task, for programs), passed on as it comes."""
    chosen = scope(request)
    reporting = calls_of(request).reporting
    answer, chunks = await reporting.stream(f"/reports/{year}.csv", _query(chosen))

    async def body() -> Any:
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            await answer.aclose()

    name = _name(year, chosen, "du-lieu")
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
