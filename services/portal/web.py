"""What the routes share: the portal's parts, who may see a page, checked forms, and the
calls to the services as the signed-in person."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from shared.edge.http import correlation_id

from .apis import Apis, Calls, Json, Refused
from .forms import Form
from .i18n import Translator
from .once import FormRecords
from .openid import Provider
from .pages import Pages, session_of
from .sessions import Draft, Session, SessionStore, csrf_matches
from .settings import PortalSettings
from .throttle import Throttle


@dataclass
class Portal:
    settings: PortalSettings
    pages: Pages
    apis: Apis
    store: SessionStore
    provider: Provider | None
    throttle: Throttle
    forms: FormRecords


def portal_of(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


class NotSignedIn(Exception):
    """The page needs a signed-in person: to the sign-in page, and back here after."""


class NotAllowed(Exception):
    """The person lacks the role this page needs (403)."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class BadForm(Exception):
    """A POST without this session's CSRF token (403): a forged or stale form."""


def signed_in(request: Request) -> Session:
    session = session_of(request)
    if not session.signed_in:
        raise NotSignedIn
    return session


def needs(roles: str) -> Callable[[Request], Session]:
    """A dependency admitting a signed-in person who holds one of ``roles`` (space separated;
    an admin holds all)."""

    def holder(request: Request) -> Session:
        session = signed_in(request)
        assert session.who is not None
        if not any(session.who.holds(role) for role in roles.split()):
            raise NotAllowed(roles.split()[0])
        return session

    return holder


async def checked_form(request: Request) -> dict[str, str]:
    """The submitted form, once its CSRF token is this session's."""
    values = await _form_values(request)
    if not csrf_matches(session_of(request), values.pop("csrf_token", None)):
        raise BadForm
    return values


async def _form_values(request: Request) -> dict[str, str]:
    """The posted form's text fields (read once: kept in the request's state)."""
    kept: dict[str, str] | None = getattr(request.state, "form_values", None)
    if kept is None:
        form = await request.form()
        kept = {name: lines(value) for name, value in form.items() if isinstance(value, str)}
        request.state.form_values = kept
    return dict(kept)


def lines(text: str) -> str:
    """A posted value with its line ends as the services take them: a browser sends a
    textarea's line breaks as CRLF, and the services refuse every control character but tab
    and line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_TASK_FORM = re.compile(r"/secretariat/tasks/([^/]+)/(?:decision|evaluation)")
KEPT_FORMS = ("/my/tasks/", "/secretariat/")


def form_page(request: Request) -> str:
    """The page a posted form was on (where it is filled in again after signing in)."""
    path, query = request.url.path, request.url.query
    if path == "/secretariat/decisions":
        path = "/secretariat/pending"
    elif found := _TASK_FORM.fullmatch(path):
        return f"/tasks/{found.group(1)}"
    return path + (f"?{query}" if query else "")


def _same_site(request: Request) -> bool:
    """The post came from the portal's own page (a cross-site post is not kept)."""
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    given = urlsplit(origin)
    return given.netloc == request.url.netloc or given.netloc == request.headers.get("host")


async def keep_form(request: Request) -> bool:
    """A form that could not be sent (no live session, or a token the services no longer
    take) is kept, untrusted, to fill the form in again once the person has signed in:
    only a post of one of the portal's forms, from its own page, by a browser that showed
    the portal's session cookie (the session it named has ended)."""
    if request.method != "POST" or not request.url.path.startswith(KEPT_FORMS):
        return False
    if not getattr(request.state, "cookie_presented", False) or not _same_site(request):
        return False
    try:
        values = await _form_values(request)
    except Exception:  # a body that is not a form: nothing to keep
        return False
    values.pop("csrf_token", None)
    if not values:
        return False
    session = session_of(request)
    actor = session.who.actor if session.who is not None else None
    session.keep(Draft(action=request.url.path, values=values, actor=actor, at=time.time()))
    return True


def restored(request: Request, action: str) -> dict[str, str] | None:
    """The values of a form kept for ``action`` while the person signed in again (once)."""
    draft = session_of(request).take_draft(action)
    return None if draft is None else draft.values


def calls_of(request: Request) -> Calls:
    session = signed_in(request)
    assert session.token is not None
    return portal_of(request).apis.as_person(session.token, correlation_id(request))


def translator(request: Request) -> Translator:
    return portal_of(request).pages.translator(request)


def wrote(request: Request, answer: Any, key: str, **values: str | int) -> None:
    """After a write: a message for the next page, and its position, which that page's
    reads from reporting wait for (read your writes)."""
    session = session_of(request)
    positions = answer if isinstance(answer, list) else [answer]
    latest = max(
        (str(a.get("position")) for a in positions if isinstance(a, dict) and a.get("position")),
        key=_position_key,
        default=None,
    )
    if latest:
        session.after = latest
    session.flash("success", key, **values)


def _position_key(position: str) -> tuple[int, int]:
    ms, _, seq = position.partition("-")
    return (int(ms), int(seq or 0)) if ms.isdigit() and (seq or "0").isdigit() else (0, 0)


async def fresh(request: Request, read: Callable[[str | None], Awaitable[Json]]) -> Json:
    """A read from reporting that waits for this person's latest write (once): if reporting
    has not caught up within its wait, the read is made without waiting."""
    session = session_of(request)
    after, session.after = session.after, None
    if after:
        session.changed()
        try:
            return await read(after)
        except Refused as refused:
            if refused.status != 504:
                raise
    return await read(None)


async def once(
    form: Form,
    send: Callable[[str], Awaitable[Any]],
    done: Callable[[Any], Response],
) -> Response:
    """The form's write, sent with the form's own idempotency key (``send(key)`` passes it as
    ``Idempotency-Key``): however often the same form is posted (a double click, a page sent
    again, at once or later), the services write once and answer every post as they
    answered the first, so each gets the same page and message (``done(answer)``)."""
    return done(await send(form.key))
