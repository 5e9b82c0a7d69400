"""The session of every page request, loaded before the route and saved after it; the
headers every page answers with (a content security policy allowing only the portal's own
scripts and styles, no framing, no caching of pages holding a person's tasks).

Pure ASGI: the session is put in the request's state; when the answer starts, a changed
session is saved (an unchanged one kept alive) and its cookie set: ``HttpOnly``,
``SameSite=Lax``, ``Path=/``, and ``Secure`` when the request came over TLS (directly, or
``X-Forwarded-Proto: https`` from a trusted proxy, which uvicorn turns into the scheme) or
when ``SECURE_COOKIES=always``. Static files and probes carry no session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from types import SimpleNamespace

import structlog
from redis.exceptions import RedisError
from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .sessions import LANGUAGES, Session, SessionStore

COOKIE = "portal_session"
LANGUAGE_COOKIE = "portal_lang"
LANGUAGE_MAX_AGE = 365 * 86400
SKIPPED = ("/static/", "/favicon.ico", "/healthz", "/readyz", "/metrics")
UNAVAILABLE = HTMLResponse(
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Tạm thời gián đoạn</title>'
    "<h1>Hệ thống tạm thời gián đoạn</h1><p>Không mở được phiên làm việc. Vui lòng thử lại "
    'sau ít phút.</p><p lang="en">The portal cannot open sessions right now: please try '
    "again in a few minutes.</p></html>",
    status_code=503,
    headers={"Retry-After": "5"},
)
PAGE_HEADERS = (
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cache-control", "no-store"),  # pages hold a person's tasks: never kept in a cache
)
logger = structlog.get_logger()


def cookies_of(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 (a malformed cookie header is ignored)
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def secure(scope: Scope, policy: str) -> bool:
    """Whether cookies are marked ``Secure``: ``always``, ``never``, or ``auto`` (by TLS)."""
    if policy == "always":
        return True
    if policy == "never":
        return False
    return scope.get("scheme") == "https"


def set_cookie(
    name: str, value: str, *, max_age: int | None, secure: bool, http_only: bool = True
) -> str:
    """A ``Set-Cookie`` value: ``max_age`` None lasts as long as the browser runs, 0 removes
    the cookie."""
    parts = [f"{name}={value}", "Path=/", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


Renew = Callable[[Session], Awaitable[None]]


class SessionLayer:
    """``renew``, when given, is called with a signed-in session before its request is
    handled (it renews the access token that is about to expire)."""

    def __init__(
        self, app: ASGIApp, store: SessionStore, policy: str, renew: Renew | None = None
    ) -> None:
        self.app = app
        self.store = store
        self.policy = policy
        self.renew = renew

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIPPED):
            await self.app(scope, receive, send)
            return
        cookies = cookies_of(scope)
        known = cookies.get(COOKIE)
        try:
            session = await self.store.load(known)
        except (RedisError, OSError) as error:
            logger.warning("sessions unavailable", error=str(error))
            await UNAVAILABLE(scope, receive, send)
            return
        if session is None:
            language = cookies.get(LANGUAGE_COOKIE, "vi")
            # saved once it holds something: a CSRF token shown, a language chosen...
            session = self.store.new(language if language in LANGUAGES else "vi")
        elif self.renew is not None and session.signed_in:
            await self.renew(session)
        state = scope.setdefault("state", {})
        state["session"] = session
        state["cookie_presented"] = known is not None
        if session.who is not None:  # the access log names who asked
            state["actor"] = SimpleNamespace(id=session.who.actor)
        remembered = cookies.get(LANGUAGE_COOKIE)

        async def answering(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                try:
                    made = await self._persist(session, scope, known, remembered)
                except (RedisError, OSError) as error:  # the page goes out; the change is lost
                    logger.warning("session not saved", error=str(error))
                    made = []
                for value in made:
                    headers.append("set-cookie", value)
                for name, value in PAGE_HEADERS:
                    headers.setdefault(name, value)
                if secure(scope, self.policy):
                    headers.setdefault("strict-transport-security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, answering)

    async def _persist(
        self, session: Session, scope: Scope, known: str | None, remembered: str | None
    ) -> list[str]:
        tls = secure(scope, self.policy)
        cookies: list[str] = []
        if session.ended:
            await self.store.delete(session)
            cookies.append(set_cookie(COOKIE, "", max_age=0, secure=tls))
        elif session.dirty:
            await self.store.save(session)
            if session.id != known:
                cookies.append(set_cookie(COOKIE, session.id, max_age=None, secure=tls))
        elif session.id == known:
            await self.store.touch(session)
        if session.lang != (remembered or "vi"):
            cookies.append(
                set_cookie(LANGUAGE_COOKIE, session.lang, max_age=LANGUAGE_MAX_AGE, secure=tls)
            )
        return cookies
