"""Wires the portal: settings, the sessions' Redis, the services' client, the provider, the
pages and their routes, and the answers to what goes wrong (as pages, in the reader's
language)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from shared.edge.http import service_app
from shared.edge.settings import Clock
from shared.log.connection import connect
from shared.log.faults import health
from shared.log.replication import Replication
from shared.ops.metrics import Metrics

from .apis import Apis, Endpoints, Refused, SignedOut, Unavailable
from .once import FormRecords
from .openid import Provider
from .pages import Pages, session_of, with_query
from .refusals import explain, field_of
from .renewal import Renewer
from .routes import (
    amend,
    closure,
    exports,
    leader,
    missing,
    progress,
    secretariat,
    sign_in,
    staff,
    tasks,
)
from .sealing import Sealer
from .session_layer import SessionLayer
from .sessions import SessionStore
from .settings import PortalSettings
from .throttle import Throttle
from .web import BadForm, NotAllowed, NotSignedIn, Portal, form_page, keep_form, translator

NAME = "portal"
HERE = Path(__file__).parent
logger = structlog.get_logger()


def sealer_of(settings: PortalSettings) -> Sealer:
    """The key sealing sessions' tokens: SESSION_KEY, the file SESSION_KEY_FILE names, or
    (neither set) one made now, which ends every session when the process does."""
    if settings.session_key:
        return Sealer(settings.session_key)
    if settings.session_key_file is not None:
        return Sealer.from_file(settings.session_key_file)
    logger.warning(
        "no SESSION_KEY or SESSION_KEY_FILE: sessions are sealed with a key made now; they end "
        "when the portal stops, and replicas cannot share them"
    )
    return Sealer.ephemeral()


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    settings.check()
    redis = connect(settings.redis)
    http = httpx.AsyncClient(timeout=settings.api_timeout, follow_redirects=False)
    endpoints = Endpoints(settings.registration_url, settings.approval_url, settings.reporting_url)
    store = SessionStore(redis, settings.stream_prefix, settings.session_ttl, sealer_of(settings))
    portal = Portal(
        settings=settings,
        pages=Pages(Clock(settings.timezone), token_links=settings.token_links),
        apis=Apis(endpoints, http),
        store=store,
        provider=Provider(settings, http) if settings.oidc_enabled else None,
        throttle=Throttle(redis, store.keys, settings.sign_in_attempts, settings.sign_in_window),
        forms=FormRecords(redis, store.keys),
    )
    renew = Renewer(portal.provider, store) if portal.provider is not None else None

    async def readiness() -> str | None:
        try:
            async with asyncio.timeout(3):
                state = await health(redis, Replication())
        except (RedisError, OSError, TimeoutError) as error:
            said = str(error) or type(error).__name__
            return f"redis (sessions) does not answer ({settings.redis.describe()}): {said}"
        return state.refuses

    metrics = Metrics(NAME)

    async def redis_up() -> None:
        """At each scrape: ``redis_up`` (the services' alert RedisUnreachable reads it from
        every job Prometheus scrapes, the portal's included)."""
        try:
            async with asyncio.timeout(3):
                state = await health(redis, Replication())
        except (RedisError, OSError, TimeoutError):
            metrics.redis_up.set(0)
            metrics.redis_writable.set(0)
            return
        metrics.redis_up.set(1)
        metrics.redis_writable.set(0 if state.refuses else 1)
        metrics.redis_replicas.set(state.replicas)

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
        Middleware(SessionLayer, store=portal.store, policy=settings.secure_cookies, renew=renew)
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(
            HERE / "static" / "favicon.ico",
            media_type="image/x-icon",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    for module in (
        sign_in,
        leader,
        amend,
        progress,
        tasks,
        secretariat,
        closure,
        staff,
        exports,
        missing,
    ):
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
        """To the sign-in page, and back to this page after. A form posted when the session
        had ended is kept (never sent: nothing proves it is the person's) to be filled in
        again once they have signed in."""
        session = session_of(request)
        ended = getattr(request.state, "cookie_presented", False) and session.fresh
        if await keep_form(request):
            session.flash("warning", "sign_in.form_kept")
        elif ended and not session.flashes:
            session.flash("warning", "sign_in.expired_session")
        return RedirectResponse(with_query("/sign-in", next=form_page(request)), status_code=303)

    @app.exception_handler(SignedOut)
    async def signed_out(request: Request, _error: SignedOut) -> Response:
        """The services no longer take the person's token (it expired, or was revoked): to
        sign in again; a form they were sending is kept, as above."""
        session = session_of(request)
        kept = await keep_form(request)
        session.sign_out()
        session.who = None
        session.flash("warning", "sign_in.form_kept" if kept else "sign_in.expired_session")
        return RedirectResponse(with_query("/sign-in", next=form_page(request)), status_code=303)

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
