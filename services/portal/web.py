"""What the routes share: the portal's parts, who may see a page, checked forms, and the
calls to the services as the signed-in person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from shared.edge.http import correlation_id

from .apis import Apis, Calls, Json, Refused
from .i18n import Translator
from .openid import Provider
from .pages import Pages, session_of
from .sessions import Session, SessionStore, csrf_matches
from .settings import PortalSettings


@dataclass
class Portal:
    settings: PortalSettings
    pages: Pages
    apis: Apis
    store: SessionStore
    provider: Provider | None


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


def needs(role: str) -> Callable[[Request], Session]:
    """A dependency admitting a signed-in person who holds ``role`` (an admin holds all)."""

    def holder(request: Request) -> Session:
        session = signed_in(request)
        assert session.who is not None
        if not session.who.holds(role):
            raise NotAllowed(role)
        return session

    return holder


async def checked_form(request: Request) -> dict[str, str]:
    """The submitted form, once its CSRF token is this session's."""
    form = await request.form()
    values = {name: value for name, value in form.items() if isinstance(value, str)}
    if not csrf_matches(session_of(request), values.pop("csrf_token", None)):
        raise BadForm
    return values


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
