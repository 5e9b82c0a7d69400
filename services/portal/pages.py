"""Rendering pages: the templates, what every page is given, and where each person goes.

Every page gets the translator ``_`` (messages, the domain's codes, numbers, dates), the
session's person and CSRF token, the navigation of their roles, the year chosen
(``?year=``, else the current year in the province), and the messages left for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from shared.domain.lifecycle import last_year
from shared.edge.settings import Clock

from .i18n import Translator
from .sessions import Person, Session

HERE = Path(__file__).parent
FIRST_SHOWN_YEAR = 2015
NAV: tuple[tuple[str, str, str, str | None], ...] = (
    ("registrant", "/my/tasks", "nav.my_tasks", None),
    ("registrant", "/my/tasks/new", "nav.register", "register"),
    ("approver", "/secretariat/pending", "nav.pending", None),
    ("approver", "/secretariat/evaluations", "nav.evaluations", None),
    ("admin", "/secretariat/closure", "nav.closure", None),
    ("viewer", "/dashboard", "nav.dashboard", None),
    ("viewer approver", "/missing", "nav.missing", None),
    ("viewer", "/report", "nav.print", None),
)
"""(roles (any of them), path, label, what the year must allow the person: ``GET /years``'
``allowed``)."""
LANDINGS = (("approver", "/secretariat/pending"), ("registrant", "/my/tasks"))


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


def safe_next(value: str | None, default: str = "/") -> str:
    """A path on this site to go to after signing in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def landing(who: Person, year: int | None = None) -> str:
    """Where a person lands: the secretariat on the pending list, a leader on their tasks,
    staff (and anyone else) on the dashboard."""
    path = next((path for role, path in LANDINGS if who.holds(role)), "/dashboard")
    return with_query(path, year=year)


def with_query(path: str, **query: object) -> str:
    given = {name: value for name, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode(given)}" if given else path


def allowed(who: Person, roles: str) -> bool:
    """Whether ``who`` holds one of ``roles`` (space separated; only an admin holds admin)."""
    return any(
        "admin" in who.roles if role == "admin" else who.holds(role) for role in roles.split()
    )


class Pages:
    def __init__(self, clock: Clock, *, token_links: bool = False) -> None:
        self.clock = clock
        self.token_links = token_links
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.trim_blocks = True
        self.templates.env.lstrip_blocks = True

    def today(self) -> date:
        return self.clock.today()

    def translator(self, request: Request) -> Translator:
        return Translator(session_of(request).lang, str(self.clock.zone))

    def year(self, request: Request) -> int:
        text = request.query_params.get("year", "")
        if text.isdigit() and FIRST_SHOWN_YEAR - 20 <= int(text) <= 2100:
            return int(text)
        return self.today().year

    def render(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        session = session_of(request)
        year = context.pop("year", None) or self.year(request)
        who = session.who if session.signed_in else None
        programme = context.get("programme") or {}
        may = programme.get("allowed") or []
        nav = [
            (path, key, request.url.path == path)
            for role, path, key, needs in NAV
            if who is not None and allowed(who, role) and (needs is None or needs in may)
        ]
        latest = last_year(self.today())  # the latest year one may register for
        given: dict[str, Any] = {
            "_": self.translator(request),
            "lang": session.lang,
            "session": session,
            "who": who,
            "csrf": session.csrf,
            "nav": nav,
            "year": year,
            "years": list(range(max(latest, year), min(FIRST_SHOWN_YEAR, year) - 1, -1)),
            "flashes": session.take_flashes(),
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "with_query": with_query,
            "token_links": self.token_links,
            "committee": committee_name(programme, who.committee if who else None),
        }
        if session.fresh:  # the page shows its CSRF token: keep the session it belongs to
            session.changed()
        return self.templates.TemplateResponse(
            request, template, {**given, **context}, status_code=status
        )


def committee_name(programme: dict[str, Any] | None, code: str | None) -> str | None:
    """A committee's name in the year (its code when the year does not list it)."""
    if not code:
        return None
    for committee in (programme or {}).get("committees") or []:
        if str(committee.get("code", "")).casefold() == code.casefold():
            return str(committee.get("name") or code)
    return code


def redirect(path: str) -> RedirectResponse:
    """After a form: see the result with a GET (303)."""
    return RedirectResponse(path, status_code=303)
