"""Wires the portal: settings, the sessions' Redis, the services' client, the provider, the
pages and their routes, and the answers to what goes wrong (as pages, in the reader's
language)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from shared.edge.http import service_app
from shared.edge.settings import Clock
from shared.ops.metrics import Metrics

from .apis import Apis, Endpoints, Refused, SignedOut, Unavailable
from .openid import Provider
from .pages import Pages, session_of, with_query
from .refusals import explain, field_of
from .routes import closure, leader, progress, secretariat, sign_in, staff, tasks
from .session_layer import SessionLayer
from .sessions import SessionStore
from .settings import PortalSettings
from .web import BadForm, NotAllowed, NotSignedIn, Portal, translator

NAME = "portal"
HERE = Path(__file__).parent


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    settings.check()
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
    http = httpx.AsyncClient(timeout=settings.api_timeout, follow_redirects=False)
    endpoints = Endpoints(settings.registration_url, settings.approval_url, settings.reporting_url)
    portal = Portal(
        settings=settings,
        pages=Pages(Clock(settings.timezone)),
        apis=Apis(endpoints, http),
        store=SessionStore(redis, settings.stream_prefix, settings.session_ttl),
        provider=Provider(settings, http) if settings.oidc_enabled else None,
    )

    async def readiness() -> str | None:
        try:
            await redis.ping()
        except (RedisError, OSError) as error:
            return f"redis (sessions) does not answer: {error}"
        return None

    metrics = Metrics(NAME)

    async def redis_up() -> None:
        """At each scrape: ``redis_up`` (the services' alert RedisUnreachable reads it from
        every job Prometheus scrapes, the portal's included)."""
        try:
            async with asyncio.timeout(3):
                await redis.ping()
        except (RedisError, OSError, TimeoutError):
            metrics.redis_up.set(0)
            return
        metrics.redis_up.set(1)

    metrics.refreshers.append(redis_up)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await http.aclose()
            await redis.aclose()

    app = service_app(
        name=NAME, metrics=metrics, readiness=readiness, lifespan=lifespan, version="1.1"
    )
    app.state.portal = portal
    app.user_middleware.append(  # the innermost: inside the access log and the body limit
        Middleware(SessionLayer, store=portal.store, policy=settings.secure_cookies)
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (sign_in, leader, progress, tasks, secretariat, closure, staff):
        app.include_router(module.router)
    answers(app)
    return app


def answers(app: FastAPI) -> None:
    """What goes wrong, as pages (a sign-in page for those who must sign in first)."""

    def page(request: Request, status: int, title: str, messages: list[str]) -> HTMLResponse:
        pages: Pages = request.app.state.portal.pages
        return pages.render(request, "error.html", status=status, title=title, messages=messages)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _error: NotSignedIn) -> Response:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(with_query("/sign-in", next=here), status_code=303)

    @app.exception_handler(SignedOut)
    async def signed_out(request: Request, _error: SignedOut) -> Response:
        session = session_of(request)
        session.token, session.who = None, None
        session.flash("warning", "sign_in.expired_session")
        here = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(with_query("/sign-in", next=here), status_code=303)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, error: NotAllowed) -> Response:
        t = translator(request)
        return page(request, 403, t("error.forbidden_title"), [t(f"error.needs_{error.role}")])

    @app.exception_handler(BadForm)
    async def bad_form(request: Request, _error: BadForm) -> Response:
        t = translator(request)
        return page(request, 403, t("error.form_title"), [t("error.stale_form")])

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused) -> Response:
        t = translator(request)
        messages = [explain(p, t, field_of(p.loc)) for p in error.problems]
        title = t(f"error.title_{error.status}") if t.has(f"error.title_{error.status}") else ""
        return page(request, error.status, title or t("error.title_other"), messages)

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, error: Unavailable) -> Response:
        t = translator(request)
        service = t.label("service", error.service)
        return page(request, 503, t("error.title_503"), [t("error.unavailable", service=service)])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        t = translator(request)
        status = error.status_code if error.status_code in (404, 405) else 400
        return page(request, status, t(f"error.title_{status}"), [t(f"error.http_{status}")])

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, _error: RequestValidationError) -> Response:
        t = translator(request)
        return page(request, 404, t("error.title_404"), [t("error.http_404")])
