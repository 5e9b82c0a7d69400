"""Sessions at rest, in a real Redis: whoever reads Redis finds neither a session's cookie
value nor a usable token; tokens open only with the portal's key, for their own session; a
request that read a session before its tokens were renewed never puts the old ones back;
one renewal at a time per session; failed sign-ins counted per address and per account."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
import redis.asyncio as aioredis

from services.portal.bootstrap import create_app
from services.portal.openid import Granted, SignInFailed
from services.portal.renewal import Renewer
from services.portal.sealing import Sealer
from services.portal.sessions import Person, SessionStore
from services.portal.settings import PortalSettings
from services.portal.throttle import Throttle, account_of
from shared.log.keys import Keys

TOKEN = "a-leaders-token-0123456789"
KEY = "k" * 40
LEADER = Person(actor="hung", person="hung", roles=["registrant"])


async def everything_under(redis: aioredis.Redis, prefix: str) -> list[bytes]:
    """Every key under the prefix, and every value it holds."""
    found: list[bytes] = []
    async for key in redis.scan_iter(match=f"{{{prefix}}}:*"):
        found.append(key)
        kind = (await redis.type(key)).decode()
        if kind == "string":
            found.append(await redis.get(key))
        elif kind == "hash":
            for field, value in (await redis.hgetall(key)).items():
                found += [field, value]
    return found


async def test_redis_holds_neither_the_cookie_nor_the_token(
    redis: aioredis.Redis, prefix: str
) -> None:
    store = SessionStore(redis, prefix, ttl=7200, sealer=Sealer(KEY))
    session = store.new()
    session.sign_in(TOKEN, LEADER, refresh="a-refresh-token-987654321", expires=time.time() + 300)
    await store.save(session)
    held = b"\n".join(await everything_under(redis, prefix))
    assert held, "the session is in Redis"
    for secret in (session.id, TOKEN, "a-refresh-token-987654321"):
        assert secret.encode() not in held, secret
    assert hashlib.sha256(session.id.encode()).hexdigest().encode() in held  # its key

    loaded = await store.load(session.id)
    assert loaded is not None
    assert (loaded.token, loaded.who) == (TOKEN, LEADER)
    assert loaded.refresh == "a-refresh-token-987654321"

    other_key = SessionStore(redis, prefix, ttl=7200, sealer=Sealer("o" * 40))
    opened = await other_key.load(session.id)
    assert opened is not None
    assert not opened.signed_in, "sealed under another key: signed out, never someone's token"

    # a sealed token copied into another session's record does not open there
    second = store.new()
    await store.save(second)
    sealed = await redis.hget(store.key(session.id), "sealed")
    await redis.hset(store.key(second.id), "sealed", sealed)
    moved = await store.load(second.id)
    assert moved is not None
    assert moved.token is None


async def test_a_stale_request_never_puts_back_tokens_renewed_meanwhile(
    redis: aioredis.Redis, prefix: str
) -> None:
    store = SessionStore(redis, prefix, ttl=7200, sealer=Sealer(KEY))
    session = store.new()
    session.sign_in("token-1-0123456789", LEADER, refresh="refresh-1", expires=time.time() + 5)
    await store.save(session)
    early = await store.load(session.id)  # a slow page read the session here
    renewing = await store.load(session.id)
    assert early is not None
    assert renewing is not None
    renewing.token, renewing.refresh = "token-2-0123456789", "refresh-2"
    await store.save(renewing)
    early.flash("success", "leader.registered")  # the slow page then saves what it changed
    await store.save(early)
    now = await store.load(session.id)
    assert now is not None
    assert (now.token, now.refresh) == ("token-2-0123456789", "refresh-2")
    assert [flash.key for flash in now.flashes] == ["leader.registered"]


class Provider:
    """A provider's token endpoint, counting refreshes (rotating the refresh token)."""

    def __init__(self, refuse: bool = False) -> None:
        self.refreshed: list[str] = []
        self.refuse = refuse

    async def refresh(self, refresh_token: str) -> Granted:
        self.refreshed.append(refresh_token)
        await asyncio.sleep(0.2)  # the provider takes its time: the other request waits
        if self.refuse:
            raise SignInFailed("the provider refused the refresh token (400)")
        number = len(self.refreshed) + 1
        return Granted(f"token-{number}-0123456789", f"refresh-{number}", time.time() + 300)


async def test_one_renewal_at_a_time_and_the_other_requests_take_its_tokens(
    redis: aioredis.Redis, prefix: str
) -> None:
    store = SessionStore(redis, prefix, ttl=7200, sealer=Sealer(KEY))
    session = store.new()
    session.sign_in("token-1-0123456789", LEADER, refresh="refresh-1", expires=time.time() + 30)
    await store.save(session)
    provider = Provider()
    renew = Renewer(provider, store)  # type: ignore[arg-type]  (a provider's refresh alone)
    pages = [await store.load(session.id) for _ in range(3)]  # three requests at once
    await asyncio.gather(*(renew(page) for page in pages if page is not None))
    assert provider.refreshed == ["refresh-1"]  # the rotated refresh token is spent once
    assert {page.token for page in pages if page is not None} == {"token-2-0123456789"}
    stored = await store.load(session.id)
    assert stored is not None
    assert (stored.token, stored.refresh) == ("token-2-0123456789", "refresh-2")
    await renew(stored)  # not due again: nothing asked
    assert provider.refreshed == ["refresh-1"]


async def test_a_refresh_token_the_provider_refuses_signs_the_person_out(
    redis: aioredis.Redis, prefix: str
) -> None:
    store = SessionStore(redis, prefix, ttl=7200, sealer=Sealer(KEY))
    session = store.new()
    session.sign_in("token-1-0123456789", LEADER, refresh="refresh-1", expires=time.time() + 30)
    await store.save(session)
    loaded = await store.load(session.id)
    assert loaded is not None
    await Renewer(Provider(refuse=True), store)(loaded)  # type: ignore[arg-type]
    assert not loaded.signed_in
    assert [flash.key for flash in loaded.flashes] == ["sign_in.expired_session"]


def test_the_account_a_token_names_chooses_its_counter() -> None:
    named = jwt.encode({"preferred_username": "hung", "sub": "x"}, "k" * 32, algorithm="HS256")
    assert account_of(named) == "hung"
    assert account_of(jwt.encode({"sub": "s-1"}, "k" * 32, algorithm="HS256")) == "s-1"
    assert account_of("portal-static-token-0123456789") is None
    assert account_of("a.b.c") is None


async def test_failed_sign_ins_are_counted_per_address_and_per_account(
    redis: aioredis.Redis, prefix: str
) -> None:
    throttle = Throttle(redis, Keys(prefix), attempts=3, window=600)
    for _ in range(3):
        assert await throttle.wait("203.0.113.7", "hung") == 0
        await throttle.failed("203.0.113.7", "hung")
    assert 590 <= await throttle.wait("203.0.113.7") <= 600  # this address
    assert 590 <= await throttle.wait("198.51.100.2", "HUNG") <= 600  # this account, anywhere
    assert await throttle.wait("198.51.100.2", "lan") == 0
    await throttle.succeeded("hung")
    assert await throttle.wait("198.51.100.2", "hung") == 0
    assert await throttle.wait("203.0.113.7", "hung") > 0, "the address stays slowed down"


SERVICES: dict[str, Any] = {"me": 0}


def me(request: httpx.Request) -> httpx.Response:
    SERVICES["me"] += 1
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return httpx.Response(401, json={"detail": [{"loc": [], "msg": "no", "type": "x"}]})
    if request.url.path == "/me":
        return httpx.Response(
            200, json={"actor": "hung", "person": "hung", "roles": ["registrant"], "unit": None}
        )
    return httpx.Response(200, json={"tasks": [], "next": None})


@pytest.fixture
async def portal(redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    SERVICES["me"] = 0
    settings = PortalSettings(
        redis_url=redis_url, stream_prefix=prefix, sign_in_attempts=3, session_key=KEY
    )
    app = create_app(settings)
    app.state.portal.apis.http = httpx.AsyncClient(transport=httpx.MockTransport(me))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://portal.test") as client:
        yield client
    await app.state.portal.apis.http.aclose()
    await app.state.portal.store.redis.aclose()


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def test_past_the_failures_allowed_even_the_right_token_waits(
    portal: httpx.AsyncClient,
) -> None:
    csrf = csrf_of(await portal.get("/sign-in"))
    for number in range(3):
        wrong = await portal.post(
            "/sign-in/token", data={"token": f"guess-{number}-0123456789", "csrf_token": csrf}
        )
        assert wrong.status_code == 401
    asked = SERVICES["me"]
    slowed = await portal.post("/sign-in/token", data={"token": TOKEN, "csrf_token": csrf})
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["retry-after"]) <= 900
    assert "quá nhiều lần đăng nhập không thành công" in slowed.text
    assert "thử lại sau 15 phút" in slowed.text
    assert SERVICES["me"] == asked, "a throttled sign-in does not even ask the services"
