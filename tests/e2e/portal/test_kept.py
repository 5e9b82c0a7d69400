"""Nothing lost, nothing left lying about: a form posted after the session ended comes back
filled in after signing in again (and says it was not sent); the province's access tokens
are renewed while the session lives; Redis holds neither a session's cookie value nor a
usable token."""

from __future__ import annotations

import hashlib
import re
import time
import uuid

import httpx
import pytest
import redis
from playwright.sync_api import BrowserContext, expect

from shared.log.keys import Keys
from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import SignedIn, sign_in_by_link
from tests.e2e.portal.system import TODAY, YEAR, PortalSystem, token_of
from tests.support.oidc_clients import SignIn

NOTE = "Đã bàn giao 15 dự án; còn vướng 2 hộ dân ở xã Cộng Hòa, đang vận động."


def end_the_session(portal_system: PortalSystem, context: BrowserContext) -> None:
    """The portal's session of this browser ends (as after SESSION_TTL idle, or a restart
    of Redis): its record is gone; the browser still holds the cookie."""
    cookie = next(c for c in context.cookies() if c["name"] == "portal_session")
    digest = hashlib.sha256(cookie["value"].encode()).hexdigest()
    key = Keys(portal_system.prefix).private("portal", "session", digest)
    with redis.Redis.from_url(portal_system.redis_url) as client:
        assert client.delete(key) == 1


def test_a_progress_report_typed_when_the_session_ended_comes_back_after_signing_in(
    signed_in: SignedIn, portal_system: PortalSystem, context: BrowserContext, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader, title="Giải phóng mặt bằng cao tốc")
    portal_system.decide(task_id, "approve", reference="QĐ 31-QĐ/TU")
    page = signed_in(leader)
    page.goto(f"{portal_system.url}/my/tasks/{task_id}/progress")
    page.get_by_label("Dự án hoàn thành GPMB (dự án)").fill("15")
    page.get_by_label("Diện tích GPMB (ha)").fill("1.109,5")
    page.get_by_label("Có nguy cơ không đạt").check()
    page.get_by_label("Ghi chú").fill(NOTE)
    end_the_session(portal_system, context)  # while the leader was typing

    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fmy%2Ftasks%2F"))
    expect(page.locator(".flashes")).to_contain_text("CHƯA được gửi")
    expect(page.locator(".flashes")).to_contain_text("vẫn được giữ lại")
    look(page, "sign-in-with-a-form-kept")
    assert portal_system.task(task_id)["progress"]["status"] is None  # nothing was sent

    page.get_by_role("textbox", name="Mã truy cập").fill(token_of(leader))
    page.get_by_role("button", name="Đăng nhập bằng mã").click()
    expect(page).to_have_url(re.compile(rf"/my/tasks/{task_id}/progress$"))
    notice = page.get_by_role("status").filter(has_text="Nội dung chưa được gửi")
    expect(notice).to_contain_text("CHƯA được gửi đi")
    expect(page.get_by_label("Dự án hoàn thành GPMB (dự án)")).to_have_value("15")
    expect(page.get_by_label("Diện tích GPMB (ha)")).to_have_value("1.109,5")
    expect(page.get_by_label("Có nguy cơ không đạt")).to_be_checked()
    expect(page.get_by_label("Ghi chú")).to_have_value(NOTE)
    expect(page.get_by_label("Ngày báo cáo")).to_have_value(TODAY.strftime("%d/%m/%Y"))
    look(page, "progress-form-kept")
    assert portal_system.task(task_id)["progress"]["status"] is None  # still nothing sent

    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi báo cáo tiến độ")
    expect(page.get_by_role("cell", name="1.109,5", exact=True)).to_be_visible()
    page.goto(f"{portal_system.url}/my/tasks/{task_id}/progress")  # kept once, not forever
    expect(page.get_by_text("Nội dung chưa được gửi")).to_have_count(0)


def test_a_post_from_another_site_is_neither_sent_nor_kept(portal_system: PortalSystem) -> None:
    """Without a live session a post is never trusted; from another site (no cookie goes
    with it) it is not even kept to fill a form in."""
    with httpx.Client(base_url=portal_system.url, follow_redirects=False) as browser:
        answer = browser.post(
            "/my/tasks/new",
            data={"title": "Nhiệm vụ của kẻ khác", "category": "socio_economic"},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?next=%2Fmy%2Ftasks%2Fnew"
        sign_in = browser.get(answer.headers["location"])
        assert "CHƯA được gửi" not in sign_in.text


def test_redis_holds_neither_the_cookie_nor_the_token_of_a_session(
    signed_in: SignedIn, portal_system: PortalSystem, context: BrowserContext
) -> None:
    signed_in("admin")
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "portal_session")
    held: list[bytes] = []
    with redis.Redis.from_url(portal_system.redis_url) as client:
        for key in client.scan_iter(match=f"{{{portal_system.prefix}}}:portal:*"):
            held.append(key)
            kind = client.type(key)
            if kind == b"string":
                held.append(client.get(key) or b"")
            elif kind == b"hash":
                for field, value in client.hgetall(key).items():
                    held += [field, value]
    everything = b"\n".join(held)
    assert hashlib.sha256(cookie.encode()).hexdigest().encode() in everything, "it is there"
    assert cookie.encode() not in everything
    assert token_of("admin").encode() not in everything
    assert token_of("admin")[:20].encode() not in everything


def test_the_provinces_access_token_is_renewed_while_the_session_lives(
    context: BrowserContext, portal_system: PortalSystem
) -> None:
    """Access tokens of 2 seconds (the services allow 30 s of clock skew): a form sent once
    the token the portal got at sign-in is refused by the services still goes through."""
    provider = portal_system.provider
    if provider is None:
        pytest.skip("the OpenID provider of the tests needs Node.js")
    username = f"lanh-dao-oidc-{uuid.uuid4().hex[:6]}"
    provider.add_account(username, ["registrant"], name="Nguyễn Thị Hoa", unit="thanh-mien")
    with portal_system.another_portal(client={"access_token_ttl": 2}) as portal:
        page = context.new_page()
        page.goto(f"{portal.url}/sign-in/oidc?next=/my/tasks/new")
        page.get_by_label("Username").fill(username)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Allow").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký nhiệm vụ")
        expect(page.locator(".who")).to_contain_text("Nguyễn Thị Hoa")
        client_id = portal.env["OIDC_CLIENT_ID"]
        probe = SignIn(
            provider.issuer, client_id, f"{portal.url}/sign-in/callback", provider.audience
        ).run(username)["access_token"]  # issued after the portal's: it expires later
        refused_by_the_services(portal_system, probe)
        before = provider.counters()["token"]
        page.get_by_label("Tên nhiệm vụ").fill("Nâng cao chỉ số cải cách hành chính")
        page.get_by_label("Lĩnh vực").select_option("administrative_reform")
        page.get_by_label("Đột phá").check()
        page.get_by_label("Hạn hoàn thành").fill(f"31/12/{YEAR}")
        page.locator("#f-targets-0-metric").fill("Chỉ số PAR INDEX")
        page.locator("#f-targets-0-unit").fill("điểm")
        page.locator("#f-targets-0-target").fill("90,5")
        page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
        page.get_by_label("Chức vụ").fill("Phó Chủ tịch UBND huyện Thanh Miện")
        page.get_by_label("Cấp", exact=True).select_option("district_leader")
        page.get_by_label("Mã đơn vị").fill("thanh-mien")
        page.get_by_label("Tên đơn vị").fill("Huyện Thanh Miện")
        page.get_by_role("button", name="Gửi đăng ký").click()
        expect(page.locator(".flashes")).to_contain_text("Đã gửi đăng ký nhiệm vụ")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Nâng cao chỉ số cải cách hành chính"
        )
        assert provider.counters()["token"] > before, "renewed at the provider's token endpoint"


def refused_by_the_services(portal_system: PortalSystem, token: str, within: float = 90) -> None:
    """Wait until the services refuse ``token`` (its expiry and their leeway have passed)."""
    url = portal_system.services["registration"].url
    deadline = time.monotonic() + within
    while httpx.get(f"{url}/me", headers={"Authorization": f"Bearer {token}"}).status_code != 401:
        assert time.monotonic() < deadline, "the services still take an expired token"
        time.sleep(1)


def test_a_token_link_never_leaves_the_address_even_on_the_page_open(
    context: BrowserContext, portal_system: PortalSystem
) -> None:
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}/", token_of("viewer"))
    page.goto(f"{portal_system.url}/dashboard#token={token_of('viewer')}")  # the same page
    expect(page).to_have_url(re.compile(r"/dashboard$"))
