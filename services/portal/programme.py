"""The year as the services see it, for the signed-in person, and pages rendered with it.

Registration's ``GET /years/{year}`` says what the person may do in a year (``allowed``:
``register``, ``publish_roster``, ``publish_committees``, ``close``), their quota, whether the
year is closed, and its committees; ``GET /roster/{year}`` (staff, the secretariat, admins)
names its leaders and their e-mail. The portal decides nothing from rules of its own: what it
offers is what these (and each task view's ``allowed``) say. Both are read once per request.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from .apis import ApiError, Json, Refused
from .pages import session_of
from .web import calls_of, portal_of


async def year_of(request: Request, year: int) -> Json | None:
    """``GET /years/{year}`` for the signed-in person; None when nobody is signed in or
    registration cannot say (then nothing that needs it is offered)."""
    known: dict[int, Json | None] = getattr(request.state, "years", None) or {}
    request.state.years = known
    if year not in known:
        found = None
        if session_of(request).signed_in:
            try:
                found = await calls_of(request).registration.send("GET", f"/years/{year}")
            except ApiError:
                found = None
        known[year] = found
    return known[year]


async def roster_of(request: Request, year: int) -> Json | None:
    """The year's roster where the person may read it (None: no roster, or not theirs)."""
    try:
        found: Json = await calls_of(request).registration.send("GET", f"/roster/{year}")
    except Refused:
        return None
    return found


def may(view: Json | None, action: str) -> bool:
    """Whether a view's ``allowed`` lets the person ``action``: a year's (``register``,
    ``close``...) or a task's (``amend``, ``approve``, ``evaluate``...)."""
    return view is not None and action in (view.get("allowed") or [])


async def deciding_body(request: Request, year: int) -> str:
    """Who decides, as a decision form first says it: the person's committee by its name in
    the year, else the Standing Committee."""
    session = session_of(request)
    code = session.who.committee if session.who is not None else None
    if code:
        for committee in (await year_of(request, year) or {}).get("committees") or []:
            if str(committee.get("code", "")).casefold() == code.casefold():
                return str(committee["name"])
    return portal_of(request).pages.translator(request)("decision.default_body")


async def render(
    request: Request, template: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page of the signed-in person's, with the year as the services see it for them
    (``programme``): the navigation offers only what it allows, the header names their
    committee."""
    pages = portal_of(request).pages
    year = context.get("year") or pages.year(request)
    if context.get("programme") is None:
        context["programme"] = await year_of(request, year)
    return pages.render(request, template, status=status, **context)
