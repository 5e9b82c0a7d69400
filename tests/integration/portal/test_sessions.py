"""Sessions in a real Redis, and the portal's session layer in process: cookies, CSRF, a new
session id on signing in, the language remembered, Secure under TLS."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import AsyncIterator

import httpx
import pytest
import redis.asyncio as aioredis

from services.portal.bootstrap import create_app
from services.portal.sessions import Person, SessionStore
from services.portal.settings import PortalSettings

TOKEN = "a-leaders-token-0123456789"


async def test_a_session_is_kept_under_a_digest_of_its_id_for_its_lifetime(
    redis: aioredis.Redis, prefix: str
) -> None:
    store = SessionStore(redis, prefix, ttl=7200)
    session = store.new("en")
    await store.save(session)
    keys = [key.decode() async for key in redis.scan_iter(match=f"{{{prefix}}}:portal:*")]
    digest = hashlib.sha256(session.id.encode()).hexdigest()
    assert keys == [f"{{{prefix}}}:portal:session:{digest}"]
    assert session.id not in keys[0]
    assert 0 < await redis.ttl(keys[0]) <= 3600  # anonymous: an hour at most
    loaded = await store.load(session.id)
    assert loaded is not None
    assert (loaded.csrf, loaded.lang) == (session.csrf, "en")
    assert await store.load("another-id") is None
    assert await store.load(None) is None

    old_id = session.id
    session.sign_in(TOKEN, Person(actor="hung", person="hung", roles=["registrant"]))
    await store.save(session)
    assert await store.load(old_id) is None  # the anonymous id is worth nothing now
    signed = await store.load(session.id)
    assert signed is not None
    assert signed.token == TOKEN
    assert signed.who == Person(actor="hung", person="hung", roles=["registrant"])
    assert 3600 < await redis.ttl(store.key(session.id)) <= 7200
    await store.delete(session)
    assert await store.load(session.id) is None


SERVICES = {"down": False, "revoked": False}


def me(request: httpx.Request) -> httpx.Response:
    """The services' GET /me for the one token they know (which may be revoked, or the
    services down)."""
    if SERVICES["down"]:
        return httpx.Response(503, json={"detail": [{"loc": [], "msg": "down", "type": "x"}]})
    known = request.headers.get("authorization") == f"Bearer {TOKEN}"
    if not known or (SERVICES["revoked"] and request.url.path != "/me"):
        return httpx.Response(401, json={"detail": [{"loc": [], "msg": "no", "type": "x"}]})
    if request.url.path == "/me":
        return httpx.Response(
            200, json={"actor": "hung", "person": "hung", "roles": ["registrant"], "unit": None}
        )
    if request.url.path.startswith("/years/"):  # registering is open to the leader
        year = int(request.url.path.rsplit("/", 1)[1])
        quota = {"max": 2, "held": []}
        return httpx.Response(
            200,
            json={"year": year, "closed": False, "has_roster": False, "root": "root"}
            | {"committees": [], "quota": quota, "allowed": ["register"]},
        )
    return httpx.Response(200, json={"tasks": [], "next": None})


@pytest.fixture
async def portal(redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    SERVICES.update(down=False, revoked=False)
    settings = PortalSettings(redis_url=redis_url, stream_prefix=prefix)
    app = create_app(settings)
    app.state.portal.apis.http = httpx.AsyncClient(transport=httpx.MockTransport(me))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://portal.test") as client:
        yield client
    await app.state.portal.apis.http.aclose()
    await app.state.portal.store.redis.aclose()


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def test_signing_in_with_a_token_rotates_the_session_and_its_cookie_is_safe(
    portal: httpx.AsyncClient,
) -> None:
    page = await portal.get("/sign-in")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("portal_session=")
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= set(cookie.split("; "))
    anonymous = portal.cookies["portal_session"]

    refused = await portal.post("/sign-in/token", data={"token": TOKEN, "csrf_token": "forged"})
    assert refused.status_code == 403
    wrong = await portal.post(
        "/sign-in/token", data={"token": "not-it-0123456789", "csrf_token": csrf_of(page)}
    )
    assert wrong.status_code == 401
    assert "Mã truy cập không hợp lệ" in wrong.text

    signed = await portal.post("/sign-in/token", data={"token": TOKEN, "csrf_token": csrf_of(page)})
    assert signed.status_code == 303
    assert signed.headers["location"] == "/my/tasks"
    assert portal.cookies["portal_session"] != anonymous
    mine = await portal.get("/my/tasks")
    assert mine.status_code == 200
    # a static token carries no name, and this leader has registered nothing yet: named by
    # their role, never by their account id
    assert "Đồng chí đã đăng nhập với vai trò Lãnh đạo đăng ký." in mine.text
    assert "Xin chào hung" not in mine.text
    assert csrf_of(mine) != csrf_of(page)
    assert TOKEN not in mine.text

    out = await portal.post("/sign-out", data={"csrf_token": csrf_of(mine)})
    assert out.status_code == 303
    assert "Max-Age=0" in out.headers["set-cookie"]
    after = await portal.get("/my/tasks")
    assert after.status_code == 303
    assert after.headers["location"] == "/sign-in?next=%2Fmy%2Ftasks"


async def test_the_language_is_remembered_beyond_the_session(portal: httpx.AsyncClient) -> None:
    page = await portal.get("/sign-in")
    assert '<html lang="vi">' in page.text
    switched = await portal.post(
        "/language", data={"lang": "en", "next": "/sign-in", "csrf_token": csrf_of(page)}
    )
    assert switched.status_code == 303
    assert "portal_lang=en" in switched.headers.get("set-cookie", "")
    english = await portal.get("/sign-in")
    assert '<html lang="en">' in english.text
    assert "Sign in with the token" in english.text
    portal.cookies.delete("portal_session")
    again = await portal.get("/sign-in")
    assert '<html lang="en">' in again.text


async def test_a_page_that_does_not_exist_is_a_page_in_vietnamese(
    portal: httpx.AsyncClient,
) -> None:
    missing = await portal.get("/no/such/page")
    assert missing.status_code == 404
    assert "Không tìm thấy" in missing.text
    malformed = await portal.get("/tasks/not%20an%20id")
    assert malformed.status_code in (303, 404)


async def signed_in(portal: httpx.AsyncClient) -> None:
    page = await portal.get("/sign-in")
    answer = await portal.post("/sign-in/token", data={"token": TOKEN, "csrf_token": csrf_of(page)})
    assert answer.status_code == 303


async def test_every_page_says_how_it_may_be_used(portal: httpx.AsyncClient) -> None:
    page = await portal.get("/sign-in")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["strict-transport-security"].startswith("max-age=")
    style = await portal.get("/static/portal.css")
    assert style.status_code == 200
    assert "set-cookie" not in style.headers


async def test_a_token_the_services_no_longer_take_sends_the_person_to_sign_in_again(
    portal: httpx.AsyncClient,
) -> None:
    await signed_in(portal)
    SERVICES["revoked"] = True
    answer = await portal.get("/my/tasks?year=2024")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Fmy%2Ftasks%3Fyear%3D2024"
    again = await portal.get("/sign-in")
    assert "Phiên làm việc đã hết hạn" in again.text
    assert (await portal.get("/my/tasks")).status_code == 303


async def test_services_that_do_not_answer_are_a_page_saying_so(
    portal: httpx.AsyncClient,
) -> None:
    await signed_in(portal)
    SERVICES["down"] = True
    answer = await portal.get("/my/tasks")
    assert answer.status_code == 503
    assert "Hệ thống tổng hợp, báo cáo tạm thời không trả lời" in answer.text


async def test_a_form_sent_with_a_token_no_longer_taken_comes_back_after_signing_in(
    portal: httpx.AsyncClient,
) -> None:
    await signed_in(portal)
    form = await portal.get("/my/tasks/new?year=2024")
    typed = {
        "csrf_token": csrf_of(form),
        "idempotency_key": re.findall(r'name="idempotency_key" value="([^"]+)"', form.text)[0],
        "year": "2024",
        "title": "Số hóa hồ sơ hành chính cấp xã",
        "category": "digital_transformation",
        "kind": "creative",
        "deadline": "30/09/2024",
        "targets.0.metric": "Hồ sơ số hóa",
        "targets.0.unit": "%",
        "targets.0.target": "1.234,5",
    }
    SERVICES["revoked"] = True  # the token expired while the leader typed
    sent = await portal.post("/my/tasks/new?year=2024", data=typed)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/sign-in?next=%2Fmy%2Ftasks%2Fnew%3Fyear%3D2024"
    page = await portal.get(sent.headers["location"])
    assert "CHƯA được gửi" in page.text
    SERVICES["revoked"] = False
    back = re.findall(r'name="next" value="([^"]+)"', page.text)[-1]  # the sign-in form's
    assert html.unescape(back) == "/my/tasks/new?year=2024"
    again = await portal.post(
        "/sign-in/token",
        data={"token": TOKEN, "csrf_token": csrf_of(page), "next": html.unescape(back)},
    )
    assert again.headers["location"] == "/my/tasks/new?year=2024"
    refilled = await portal.get(again.headers["location"])
    assert "Nội dung chưa được gửi" in refilled.text
    assert 'value="Hồ sơ số hóa"' in refilled.text
    assert 'value="1.234,5"' in refilled.text
    assert f'name="idempotency_key" value="{typed["idempotency_key"]}"' in refilled.text
    assert typed["csrf_token"] not in refilled.text, "a new session: a new CSRF token"
    once_more = await portal.get("/my/tasks/new?year=2024")
    assert "Nội dung chưa được gửi" not in once_more.text  # given back once
