"""Signing in and out: the province's OpenID provider, or a bearer token (for demos and
machines, ``TOKEN_SIGN_IN``): pasted in a form, or given in a ``/#token=...`` link, which
the page's script removes from the address at once and posts with the form's CSRF token; a
token from a link then asks the person, naming whom it would sign them in as (and whom they
are signed in as now), before it signs anybody in. Failed token sign-ins are throttled.
The language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.edge.http import correlation_id
from shared.edge.oidc_claims import ProviderUnavailable

from ..apis import ApiError, Calls, Refused, SignedOut, Unavailable
from ..openid import SignInFailed, new_login
from ..pages import landing, redirect, safe_next, session_of, with_query
from ..sessions import LANGUAGES, Link, Person, expired_login
from ..throttle import account_of
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


def _page(
    request: Request,
    status: int = 200,
    error: str | None = None,
    headers: dict[str, str] | None = None,
    **values: str | int,
) -> HTMLResponse:
    portal = portal_of(request)
    next_path = safe_next(request.query_params.get("next"), "")
    page = portal.pages.render(
        request,
        "sign_in.html",
        status=status,
        oidc=portal.provider is not None,
        token_sign_in=portal.settings.token_form,
        next=next_path,
        error=error,
        error_values=values,
    )
    page.headers.update(headers or {})
    return page


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
        tokens, claims = await portal.provider.exchange(query.get("code", ""), login)
    except ProviderUnavailable:
        return _page(request, 503, "sign_in.provider_down")
    except SignInFailed:
        return _page(request, 400, "sign_in.failed")
    name = claims.get("name") or claims.get("preferred_username")
    who = await _who(request, tokens.access, name if isinstance(name, str) else None)
    if isinstance(who, Response):
        return who
    session.sign_in(tokens.access, who, tokens.refresh, tokens.expires)
    return _welcome(request, who, login.next)


@router.post("/sign-in/token")
async def sign_in_token(request: Request, form: Form) -> Response:
    """A pasted token signs in; a token from a ``#token=`` link (``via=link``) is only
    offered, on a page asking the person first (``/sign-in/link``)."""
    portal, session = portal_of(request), session_of(request)
    from_link = form.get("via") == "link"
    if not (portal.settings.token_links if from_link else portal.settings.token_form):
        return _page(request, 404, "sign_in.no_token")
    token = form.get("token", "").strip()
    next_path = safe_next(form.get("next"), "")
    if not token or len(token) > 16_384:
        return _page(request, 422, "sign_in.token_invalid")
    address = request.client.host if request.client else None
    account = account_of(token)
    throttle = portal.throttle
    wait = await throttle.wait(address, account)
    if wait:
        minutes = max(1, -(-wait // 60))
        headers = {"Retry-After": str(wait)}
        return _page(request, 429, "sign_in.throttled", headers, minutes=minutes)
    who = await _who(request, token, None)
    if isinstance(who, Response):
        if who.status_code == 401:
            await throttle.failed(address, account)
        return who
    await throttle.succeeded(account)
    if from_link:
        if session.signed_in and session.who is not None and session.who.actor == who.actor:
            return redirect(next_path or landing(session.who))  # the same person: nothing to ask
        session.link = Link(token=token, who=who, next=next_path)
        session.changed()
        return redirect("/sign-in/link")
    session.sign_in(token, who)
    return _welcome(request, who, next_path)


@router.get("/sign-in/link", response_class=HTMLResponse)
async def link_page(request: Request) -> Response:
    """Whom the link would sign in, and whom it would sign out: the person decides."""
    session = session_of(request)
    if session.link is None:
        return redirect("/sign-in")
    return portal_of(request).pages.render(request, "sign_in_link.html", link=session.link)


@router.post("/sign-in/link")
async def link_confirmed(request: Request, form: Form) -> Response:
    session = session_of(request)
    link = session.link
    if link is None:
        return redirect("/sign-in")
    session.link = None
    session.changed()
    if form.get("answer") != "yes":
        if session.signed_in and session.who is not None:
            session.flash("info", "sign_in.link_declined")
            return redirect(landing(session.who))
        return redirect("/sign-in")
    session.sign_in(link.token, link.who)
    return _welcome(request, link.who, link.next)


async def _who(request: Request, token: str, name: str | None) -> Person | HTMLResponse:
    """Whom the services say ``token`` stands for, or the sign-in page saying why not."""
    calls = portal_of(request).apis.as_person(token, correlation_id(request))
    try:
        me = await calls.me()
    except (SignedOut, Refused):
        return _page(request, 401, "sign_in.token_invalid")
    except Unavailable:
        return _page(request, 503, "sign_in.services_down")
    roles = [str(role) for role in me.get("roles") or []]
    if not roles:
        return _page(request, 403, "sign_in.no_roles")
    return Person(
        actor=str(me.get("actor")),
        person=me.get("person"),
        roles=roles,
        unit=me.get("unit"),
        committee=me.get("committee"),
        name=name or await _leader_name(calls, me.get("person"), roles),
    )


def _welcome(request: Request, who: Person, next_path: str) -> Response:
    session = session_of(request)
    if who.name:
        session.flash("success", "sign_in.welcome", name=who.name)
    else:
        t = portal_of(request).pages.translator(request)
        session.flash("success", "sign_in.welcome_role", role=t.label("role", who.main_role()))
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
