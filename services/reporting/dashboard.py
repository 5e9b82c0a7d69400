"""``GET /``: the dashboard for staff, one self-contained page (no CDN: inline CSS and JS).

The page draws the year's totals, approved vs registered per unit, the progress of approved
tasks, the evaluations and the targets met per category as SVG charts from
``GET /reports/{year}``, with year, unit and category filters kept in its address
(``/?year=2024&unit=kim-thanh``). The server writes the years the log holds and today's date
into the page.
"""

from __future__ import annotations

import json
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shared.edge.settings import Clock

from .domain.tasks import Projection

PAGE = files(__package__).joinpath("dashboard.html").read_text(encoding="utf-8")


def dashboard_routes(projection: Projection, clock: Clock) -> APIRouter:
    router = APIRouter(tags=["dashboard"])

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard() -> HTMLResponse:
        today = clock.today()
        years = projection.years_known()
        shown = [year for year in years if year <= today.year] or years or [today.year]
        boot = {"years": years, "default_year": max(shown), "today": today.isoformat()}
        script = json.dumps(boot).replace("<", "\\u003c")
        return HTMLResponse(PAGE.replace("__BOOT__", script))

    return router
