"""Signing in and out: the province's OpenID provider, or a bearer token (for demos and
machines: pasted in a form, or given as ``/#token=...``, which the page's script posts with
the form's CSRF token and removes from the address); the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.edge.http import correlation_id
from shared.edge.oidc_keys import ProviderUnavailable

from ..apis import ApiError, Calls, Refused, SignedOut, Unavailable
from ..openid import SignInFailed, new_login
from ..pages import landing, redirect, safe_next, session_of, with_query
from ..sessions import LANGUAGES, Person, expired_login
from ..web import checked_form, portal_of

router = APIRouter()
Form = Annotated[dict[str, str], Depends(checked_form)]


@router.get("/", include_in_schema=False)
async def home(request: Request) -> RedirectResponse:
    session = session_of(request)
    year = request.query_params.get("year")
    if session.signed_in and session.who is not None:
        return RedirectResponse(
            landing(session.who, int(year) if year and year.isdigit() else None)
        )
    if request.url.query:  # /?year=2024#token=...: back to that year once signed in
        return RedirectResponse(with_query("/sign-in", next=f"/?{request.url.query}"))
    return RedirectResponse("/sign-in")


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> HTMLResponse:
    return _page(request)


def _page(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
    portal = portal_of(request)
    next_path = safe_next(request.query_params.get("next"), "")
    return portal.pages.render(
        request,
        "sign_in.html",
        status=status,
        oidc=portal.provider is not None,
        token_sign_in=portal.settings.token_sign_in,
        next=next_path,
        error=error,
    )


@router.get("/sign-in/oidc")
async def sign_in_oidc(request: Request) -> Response:
    portal, session = portal_of(request), session_of(request)
    if portal.provider is None:
        return _page(request, 404, "sign_in.no_provider")
    login = new_login(safe_next(request.query_params.get("next"), ""))
    session.login = login
    session.changed()
    try:
        url = await portal.provider.authorization_url(login, session.lang)
    except ProviderUnavailable:
        return _page(request, 503, "sign_in.provider_down")
    return RedirectResponse(url, status_code=303)


@router.get("/sign-in/callback")
async def sign_in_callback(request: Request) -> Response:
    portal, session = portal_of(request), session_of(request)
    query = request.query_params
    login = session.login
    if portal.provider is None or login is None or expired_login(login):
        return _page(request, 400, "sign_in.expired")
    if query.get("state") != login.state:
        return _page(request, 400, "sign_in.expired")
    if query.get("error"):
        session.login = None
        session.changed()
        return _page(request, 403, "sign_in.refused")
    try:
        token, claims = await portal.provider.exchange(query.get("code", ""), login)
    except ProviderUnavailable:
        return _page(request, 503, "sign_in.provider_down")
    except SignInFailed:
        return _page(request, 400, "sign_in.failed")
    name = claims.get("name") or claims.get("preferred_username")
    return await _enter(request, token, login.next, name if isinstance(name, str) else None)


@router.post("/sign-in/token")
async def sign_in_token(request: Request, form: Form) -> Response:
    if not portal_of(request).settings.token_sign_in:
        return _page(request, 404, "sign_in.no_token")
    token = form.get("token", "").strip()
    if not token or len(token) > 16_384:
        return _page(request, 422, "sign_in.token_invalid")
    return await _enter(request, token, safe_next(form.get("next"), ""), None)


async def _enter(request: Request, token: str, next_path: str, name: str | None) -> Response:
    """Ask the services who ``token`` stands for; sign them in under a new session id."""
    portal, session = portal_of(request), session_of(request)
    calls = portal.apis.as_person(token, correlation_id(request))
    try:
        me = await calls.me()
    except (SignedOut, Refused):
        return _page(request, 401, "sign_in.token_invalid")
    except Unavailable:
        return _page(request, 503, "sign_in.services_down")
    roles = [str(role) for role in me.get("roles") or []]
    if not roles:
        return _page(request, 403, "sign_in.no_roles")
    who = Person(
        actor=str(me.get("actor")),
        person=me.get("person"),
        roles=roles,
        unit=me.get("unit"),
        name=name or await _leader_name(calls, me.get("person"), roles),
    )
    session.sign_in(token, who)
    session.flash("success", "sign_in.welcome", name=who.name or who.person or who.actor)
    return redirect(next_path or landing(who))


async def _leader_name(calls: Calls, person: str | None, roles: list[str]) -> str | None:
    """A leader's name as their latest registration gives it (a token carries none)."""
    if person is None or "registrant" not in roles:
        return None
    try:
        tasks = await calls.tasks(registrant=person)
    except ApiError:
        return None
    latest = max(tasks, key=lambda task: str(task.get("registered_at")), default=None)
    return None if latest is None else str(latest["registrant"]["name"])


@router.post("/sign-out")
async def sign_out(request: Request, _form: Form) -> RedirectResponse:
    session_of(request).end()
    return redirect("/sign-in?signed_out=1")


@router.post("/language")
async def language(request: Request, form: Form) -> RedirectResponse:
    session = session_of(request)
    wanted = form.get("lang", "vi")
    if wanted in LANGUAGES:
        session.lang = wanted
        session.changed()
    return redirect(safe_next(form.get("next"), "/"))
