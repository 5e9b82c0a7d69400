"""Server-side sessions: the portal's only state, in the system's Redis with a time to live.

The cookie holds a random id (256 bits); Redis holds the session under a digest of it
(``{<prefix>}:portal:session:<sha-256>``), so a reader of Redis cannot present a cookie.
A session starts anonymous (it carries the language, the CSRF token of the sign-in forms,
and a sign-in under way at the provider) and gets a new id and CSRF token when its person
signs in. It holds the person's access token, which never leaves the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import msgspec
from redis.asyncio import Redis

from shared.log.keys import Keys

ANONYMOUS_TTL = 3600
LANGUAGES = ("vi", "en")


class Person(msgspec.Struct, kw_only=True):
    """Who signed in, as the services' ``GET /me`` answered for their token."""

    actor: str
    person: str | None
    roles: list[str]
    unit: str | None = None
    name: str | None = None

    def holds(self, role: str) -> bool:
        return "admin" in self.roles or role in self.roles


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


class Session(msgspec.Struct, kw_only=True):
    id: str
    csrf: str
    lang: str = "vi"
    token: str | None = None
    who: Person | None = None
    login: Login | None = None
    flashes: list[Flash] = []
    after: str | None = None
    """The log position of this person's latest write: reporting reads wait for it."""
    dirty: bool = False
    replaced: str | None = None
    """The id this session had before it was rotated (deleted from Redis on saving)."""
    ended: bool = False
    fresh: bool = False
    """Made for this request, not stored yet."""

    @property
    def signed_in(self) -> bool:
        return self.token is not None and self.who is not None

    def changed(self) -> None:
        self.dirty = True

    def flash(self, kind: str, key: str, **values: str | int) -> None:
        self.flashes.append(Flash(kind, key, values))
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

    def sign_in(self, token: str, who: Person) -> None:
        self.rotate()
        self.token, self.who, self.login, self.after = token, who, None, None

    def end(self) -> None:
        self.ended = True


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(session: Session, given: str | None) -> bool:
    """The form's CSRF token is this session's (compared in constant time)."""
    return bool(given) and hmac.compare_digest(session.csrf.encode(), str(given).encode())


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Session)


class SessionStore:
    """Sessions in Redis: idle ones expire after ``ttl`` seconds (anonymous ones sooner)."""

    def __init__(self, redis: Redis, prefix: str, ttl: int) -> None:
        self.redis = redis
        self.keys = Keys(prefix)
        self.ttl = ttl

    def key(self, session_id: str) -> str:
        return self.keys.private(
            "portal", "session", hashlib.sha256(session_id.encode()).hexdigest()
        )

    def new(self, lang: str = "vi") -> Session:
        language = lang if lang in LANGUAGES else "vi"
        return Session(id=new_secret(), csrf=new_secret(), lang=language, fresh=True)

    async def load(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        raw = await self.redis.get(self.key(session_id))
        if raw is None:
            return None
        try:
            session = _decoder.decode(raw)
        except msgspec.DecodeError:
            return None
        return session if hmac.compare_digest(session.id, session_id) else None

    def lifetime(self, session: Session) -> int:
        return self.ttl if session.signed_in else min(self.ttl, ANONYMOUS_TTL)

    async def save(self, session: Session) -> None:
        # the bookkeeping fields are stored at their defaults
        stored = msgspec.structs.replace(
            session, dirty=False, replaced=None, ended=False, fresh=False
        )
        async with self.redis.pipeline(transaction=True) as pipe:
            if session.replaced:
                pipe.delete(self.key(session.replaced))
            pipe.set(self.key(session.id), _encoder.encode(stored), ex=self.lifetime(session))
            await pipe.execute()
        session.dirty, session.replaced, session.fresh = False, None, False

    async def touch(self, session: Session) -> None:
        """Keep an unchanged session alive for another ``lifetime``."""
        await self.redis.expire(self.key(session.id), self.lifetime(session))

    async def delete(self, session: Session) -> None:
        ids = [session.id] + ([session.replaced] if session.replaced else [])
        await self.redis.delete(*(self.key(each) for each in ids))


def expired_login(login: Login | None, now: float | None = None, within: float = 600) -> bool:
    """A sign-in started more than ``within`` seconds ago (or none at all)."""
    return login is None or (now if now is not None else time.time()) - login.started > within
