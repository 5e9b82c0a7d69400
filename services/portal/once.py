"""A write whose service takes no Idempotency-Key (approval's ``POST /reminders``), once:
however many times the same rendered form is posted (a double click, a page sent again), one
request reaches the service and every post gets its answer. (Every other form's write is
sent with its key, and the services' own replay makes it once: ``web.once``.)

The form's key (``forms.Form.key``) is claimed for the person in Redis
(``{prefix}:portal:form:<digest>``, a few minutes); a second post of the same form finds the
claim, waits for the first to finish, and answers what the first answered (the same page,
the same message) without writing. The outcome is kept for a day; a refusal, or a service
that did not answer, releases the claim, so the form corrected can be sent again.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from redis.asyncio import Redis

from shared.log.keys import Keys

from .sessions import Flash, Session

PENDING = b"pending"
CLAIM_SECONDS = 120
KEPT_SECONDS = 86_400
WAIT_SECONDS = 30.0


class Outcome(msgspec.Struct, kw_only=True):
    """What a form's write answered: where it sent the person, with which messages, and the
    log position its next reads wait for."""

    location: str
    flashes: list[Flash] = []
    after: str | None = None


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Outcome).decode


class FormRecords:
    def __init__(self, redis: Redis, keys: Keys, clock: Callable[[], float] = time.monotonic):
        self.redis = redis
        self.keys = keys
        self.clock = clock

    def key(self, actor: str, form_key: str) -> str:
        digest = hashlib.sha256(f"{actor}\n{form_key}".encode()).hexdigest()
        return self.keys.private("portal", "form", digest)

    async def claim(self, actor: str, form_key: str) -> Outcome | None:
        """None: this post writes (it holds the claim). An outcome: the form was sent
        already, and this is what it answered."""
        key = self.key(actor, form_key)
        deadline = self.clock() + WAIT_SECONDS
        while True:
            if await self.redis.set(key, PENDING, nx=True, ex=CLAIM_SECONDS):
                return None
            found = await self.redis.get(key)
            if found is not None and found != PENDING:
                try:
                    return _decode(found)
                except msgspec.DecodeError:
                    return None
            if self.clock() > deadline:  # the first post is stuck: the services decide
                return None
            await asyncio.sleep(0.05)

    async def release(self, actor: str, form_key: str) -> None:
        await self.redis.delete(self.key(actor, form_key))

    async def record(self, actor: str, form_key: str, outcome: Outcome) -> None:
        await self.redis.set(self.key(actor, form_key), _encode(outcome), ex=KEPT_SECONDS)


async def write_once(
    request: Request,
    records: FormRecords,
    form_key: str,
    send: Callable[[], Awaitable[Any]],
    done: Callable[[Any], RedirectResponse],
) -> Response:
    """Send a form's write once (``send``), and answer with ``done(answer)`` (a redirect,
    after noting its messages); a post of the same form again answers the same."""
    session: Session = request.state.session
    assert session.who is not None
    actor = session.who.actor
    earlier = await records.claim(actor, form_key)
    if earlier is not None:
        for flash in earlier.flashes:
            session.flash(flash.kind, flash.key, **flash.values)
        if earlier.after:
            session.after = earlier.after
        return RedirectResponse(earlier.location, status_code=303)
    try:
        answer = await send()
    except BaseException:
        await records.release(actor, form_key)
        raise
    before = len(session.flashes)
    response = done(answer)
    flashes = session.flashes[before:] or session.flashes[-1:]
    outcome = Outcome(location=response.headers["location"], flashes=flashes, after=session.after)
    await records.record(actor, form_key, outcome)
    return response
