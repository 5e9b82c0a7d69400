"""Server-side sessions: the portal's only state, in the system's Redis with a time to live.

The cookie holds a random id (256 bits); Redis holds the session under a digest of it
(``{<prefix>}:portal:session:<sha-256>``) and never the id itself, so a reader of Redis
cannot present a cookie. A session starts anonymous (it carries the language, the CSRF token
of the sign-in forms, a sign-in under way at the provider, a form kept for after signing in)
and gets a new id and CSRF token when its person signs in. It holds the person's access
token (and, from the provider, its refresh token), which never leave the server and are
stored sealed (``sealing.Sealer``): Redis alone opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import msgspec
from redis.asyncio import Redis

from shared.log.keys import Keys

from .sealing import Sealer

ANONYMOUS_TTL = 3600
LANGUAGES = ("vi", "en")
MAX_DRAFTS = 4
MAX_DRAFT_CHARS = 60_000


class Person(msgspec.Struct, kw_only=True):
    """Who signed in, as the services' ``GET /me`` answered for their token."""

    actor: str
    person: str | None
    roles: list[str]
    unit: str | None = None
    committee: str | None = None
    name: str | None = None

    def holds(self, role: str) -> bool:
        return "admin" in self.roles or role in self.roles

    def main_role(self) -> str:
        """The role a person is named by when their name is not known."""
        order = ("admin", "approver", "viewer", "registrant")
        return next((role for role in order if role in self.roles), "")


class Login(msgspec.Struct, kw_only=True):
    """A sign-in under way at the OpenID provider (authorization code with PKCE)."""

    state: str
    verifier: str
    nonce: str
    next: str
    started: float


class Flash(msgspec.Struct, array_like=True):
    """A message shown once on the next page: a catalog key and its values."""

    kind: str
    key: str
    values: dict[str, str | int] = {}


class Draft(msgspec.Struct, kw_only=True):
    """A form that arrived when it could not be sent (the session had ended, or the services
    no longer took the person's token): kept, never trusted, to fill the form in again once
    the person has signed in. ``action`` is the path it was posted to."""

    action: str
    values: dict[str, str]
    actor: str | None = None
    """Whose session it came from, when that was known: only they get it back."""
    at: float = 0.0


class Link(msgspec.Struct, kw_only=True):
    """A sign-in by a ``#token=`` link waiting for the person to confirm it."""

    token: str
    who: Person
    next: str


class Session(msgspec.Struct, kw_only=True):
    id: str
    csrf: str
    lang: str = "vi"
    token: str | None = None
    refresh: str | None = None
    """The provider's refresh token (OpenID sign-in), to renew ``token`` while the session lives."""
    expires: float | None = None
    """When ``token`` expires (seconds since the epoch), when the provider said."""
    who: Person | None = None
    login: Login | None = None
    link: Link | None = None
    flashes: list[Flash] = []
    drafts: list[Draft] = []
    after: str | None = None
    """The log position of this person's latest write: reporting reads wait for it."""
    dirty: bool = False
    replaced: str | None = None
    """The id this session had before it was rotated (deleted from Redis on saving)."""
    ended: bool = False
    fresh: bool = False
    """Made for this request, not stored yet."""
    sealed_as: tuple[str | None, str | None, float | None, str | None] = (None, None, None, None)
    """The secrets as Redis holds them (written again only when they change)."""

    @property
    def signed_in(self) -> bool:
        return self.token is not None and self.who is not None

    def changed(self) -> None:
        self.dirty = True

    def secrets_now(self) -> tuple[str | None, str | None, float | None, str | None]:
        return (self.token, self.refresh, self.expires, self.link.token if self.link else None)

    def flash(self, kind: str, key: str, **values: str | int) -> None:
        made = Flash(kind, key, values)
        if made not in self.flashes:  # a form sent twice says so once
            self.flashes.append(made)
        self.changed()

    def take_flashes(self) -> list[Flash]:
        taken, self.flashes = self.flashes, []
        if taken:
            self.changed()
        return taken

    def rotate(self) -> None:
        """A new id and CSRF token (on signing in: a session id seen before is worth nothing)."""
        if self.replaced is None:
            self.replaced = self.id
        self.id, self.csrf = new_secret(), new_secret()
        self.changed()

    def sign_in(
        self, token: str, who: Person, refresh: str | None = None, expires: float | None = None
    ) -> None:
        self.rotate()
        self.token, self.who, self.login, self.after = token, who, None, None
        self.refresh, self.expires, self.link = refresh, expires, None
        # a form kept from someone else's session is not theirs to see
        self.drafts = [d for d in self.drafts if d.actor in (None, who.actor)]

    def sign_out(self) -> None:
        """The token is no longer taken: the person must sign in again (the session stays,
        with what it keeps for after)."""
        self.token = self.refresh = self.expires = None
        self.changed()

    def keep(self, draft: Draft) -> None:
        """Keep a form for after signing in (the latest per action, a few at most)."""
        if sum(len(k) + len(v) for k, v in draft.values.items()) > MAX_DRAFT_CHARS:
            return
        others = [d for d in self.drafts if d.action != draft.action]
        self.drafts = [*others, draft][-MAX_DRAFTS:]
        self.changed()

    def take_draft(self, action: str) -> Draft | None:
        """The form kept for ``action``, once (only for the person it came from)."""
        for draft in self.drafts:
            if draft.action == action:
                self.drafts = [d for d in self.drafts if d is not draft]
                self.changed()
                mine = self.who is not None and draft.actor in (None, self.who.actor)
                return draft if mine else None
        return None

    def end(self) -> None:
        self.ended = True


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(session: Session, given: str | None) -> bool:
    """The form's CSRF token is this session's (compared in constant time)."""
    return bool(given) and hmac.compare_digest(session.csrf.encode(), str(given).encode())


class Stored(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A session as Redis holds it, beside its sealed tokens: neither its id nor a token."""

    csrf: str
    lang: str = "vi"
    who: Person | None = None
    login: Login | None = None
    link_who: Person | None = None
    link_next: str | None = None
    flashes: list[Flash] = []
    drafts: list[Draft] = []
    after: str | None = None


class Secrets(msgspec.Struct, omit_defaults=True):
    """What a session keeps sealed: the tokens (access, refresh, a link's) and when the
    access token expires."""

    token: str | None = None
    refresh: str | None = None
    expires: float | None = None
    link: str | None = None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Stored)
_secrets_decoder = msgspec.json.Decoder(Secrets)
DATA, SEALED = b"data", b"sealed"


def _bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    """Sessions in Redis, a hash each: ``data`` (what the pages need) and ``sealed`` (the
    tokens, sealed for this session, written only when they change, so that a request that
    read the session before a renewal never puts the old tokens back). Idle sessions expire
    after ``ttl`` seconds (anonymous ones sooner)."""

    def __init__(self, redis: Redis, prefix: str, ttl: int, sealer: Sealer | None = None) -> None:
        self.redis = redis
        self.keys = Keys(prefix)
        self.ttl = ttl
        self.sealer = sealer or Sealer.ephemeral()

    def key(self, session_id: str) -> str:
        return self.keys.private("portal", "session", digest(session_id))

    def new(self, lang: str = "vi") -> Session:
        language = lang if lang in LANGUAGES else "vi"
        return Session(id=new_secret(), csrf=new_secret(), lang=language, fresh=True)

    async def load(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        data, sealed = await self.redis.hmget(self.key(session_id), [DATA, SEALED])
        if data is None:
            return None
        try:
            return self.opened(session_id, _decoder.decode(data), _bytes(sealed))
        except msgspec.DecodeError:
            return None

    def opened(self, session_id: str, stored: Stored, sealed: bytes | None) -> Session:
        kept = Secrets()
        if sealed:
            text = self.sealer.open(sealed.decode("ascii", "replace"), digest(session_id))
            if text is not None:  # sealed under another key (it changed): signed out
                kept = _secrets_decoder.decode(text)
        link = None
        if kept.link and stored.link_who is not None:
            link = Link(token=kept.link, who=stored.link_who, next=stored.link_next or "")
        session = Session(
            id=session_id,
            csrf=stored.csrf,
            lang=stored.lang,
            token=kept.token,
            refresh=kept.refresh,
            expires=kept.expires,
            who=stored.who if kept.token else None,
            login=stored.login,
            link=link,
            flashes=stored.flashes,
            drafts=stored.drafts,
            after=stored.after,
        )
        session.sealed_as = session.secrets_now()
        return session

    def data(self, session: Session) -> bytes:
        link = session.link
        return _encoder.encode(
            Stored(
                csrf=session.csrf,
                lang=session.lang,
                who=session.who,
                login=session.login,
                link_who=link.who if link else None,
                link_next=link.next if link else None,
                flashes=session.flashes,
                drafts=session.drafts,
                after=session.after,
            )
        )

    def sealed(self, session: Session) -> bytes:
        kept = Secrets(*session.secrets_now())
        if kept == Secrets():
            return b""
        return self.sealer.seal(_encoder.encode(kept).decode(), digest(session.id)).encode()

    def lifetime(self, session: Session) -> int:
        return self.ttl if session.signed_in else min(self.ttl, ANONYMOUS_TTL)

    async def save(self, session: Session) -> None:
        key = self.key(session.id)
        whole = session.fresh or session.replaced is not None
        async with self.redis.pipeline(transaction=True) as pipe:
            if session.replaced:
                pipe.delete(self.key(session.replaced))
            if whole:
                pipe.delete(key)
            pipe.hset(key, DATA, self.data(session))
            if whole or session.secrets_now() != session.sealed_as:
                pipe.hset(key, SEALED, self.sealed(session))
            pipe.expire(key, self.lifetime(session))
            await pipe.execute()
        session.dirty, session.replaced, session.fresh = False, None, False
        session.sealed_as = session.secrets_now()

    async def touch(self, session: Session) -> None:
        """Keep an unchanged session alive for another ``lifetime``."""
        await self.redis.expire(self.key(session.id), self.lifetime(session))

    async def delete(self, session: Session) -> None:
        ids = [session.id] + ([session.replaced] if session.replaced else [])
        await self.redis.delete(*(self.key(each) for each in ids))


def expired_login(login: Login | None, now: float | None = None, within: float = 600) -> bool:
    """A sign-in started more than ``within`` seconds ago (or none at all)."""
    return login is None or (now if now is not None else time.time()) - login.started > within
