"""Signing in: through the province's OpenID provider (its real login and consent pages),
with a pasted token, and with a ``/#token=`` link (which asks first, and never switches a
signed-in person without asking); where each person lands, named (never by an account id);
sessions and CSRF; failed sign-ins throttled; signing out; the language switch."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.portal.browsing import DESKTOP, Looking
from tests.e2e.portal.conftest import SignedIn
from tests.e2e.portal.system import YEAR, PortalSystem, token_of


@pytest.mark.parametrize(
    ("username", "lands_on", "heading"),
    [
        ("hung", "/my/tasks", f"Nhiệm vụ của tôi năm {YEAR}"),
        ("thu-ky", "/secretariat/pending", f"Đăng ký chờ duyệt năm {YEAR}"),
        ("nhan-vien", "/dashboard", f"Tổng hợp năm {YEAR}"),
    ],
)
def test_a_person_signs_in_with_the_province_account_and_lands_on_their_page(
    context: BrowserContext,
    portal_system: PortalSystem,
    look: Looking,
    username: str,
    lands_on: str,
    heading: str,
) -> None:
    if portal_system.provider is None:
        pytest.skip("the OpenID provider of the tests needs Node.js")
    page = context.new_page()
    page.goto(portal_system.url)
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    if username == "hung":
        look(page, "sign-in")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản của tỉnh").click()
    expect(page).to_have_url(re.compile(re.escape(portal_system.provider.issuer)))
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page).to_have_url(re.compile(re.escape(portal_system.url + lands_on)))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".flashes")).to_contain_text("Kính chào đồng chí")
    cookie = next(c for c in context.cookies() if c["name"] == "portal_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert not cookie["secure"]  # plain HTTP here: Secure comes with TLS (a unit test)
    look(page, f"landing-oidc-{username}")


def test_the_provider_signs_in_a_leader_whose_token_the_services_take(
    context: BrowserContext, portal_system: PortalSystem
) -> None:
    """The access token the portal got is the person's: the leader's own tasks are listed
    (the services verified it: the registrant is the account's preferred_username)."""
    if portal_system.provider is None:
        pytest.skip("the OpenID provider of the tests needs Node.js")
    task = portal_system.call(
        "registration",
        "admin",
        "POST",
        "/tasks",
        json={
            "year": YEAR,
            "registrant": {
                "id": "hung",
                "name": "Phạm Quang Hưng",
                "position": "Chủ tịch UBND huyện Kim Thành",
                "level": "district_leader",
            },
            "unit": {"code": "kim-thanh", "name": "Huyện Kim Thành"},
            "title": "Đẩy nhanh giải phóng mặt bằng các công trình giao thông trọng điểm",
            "category": "socio_economic",
            "kind": "breakthrough",
            "targets": [{"metric": "Dự án", "unit": "dự án", "target": 26}],
            "deadline": f"{YEAR}-12-31",
        },
    )
    portal_system.settle(task["task_id"], task["position"])
    page = context.new_page()
    page.goto(f"{portal_system.url}/sign-in/oidc")
    page.get_by_label("Username").fill("hung")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("link", name=re.compile("Đẩy nhanh giải phóng"))).to_be_visible()
    expect(page.locator(".who")).to_contain_text("Phạm Quang Hưng")


def test_a_token_pasted_in_the_form_signs_in(
    context: BrowserContext, portal_system: PortalSystem, look: Looking
) -> None:
    page = context.new_page()
    page.goto(f"{portal_system.url}/sign-in")
    page.get_by_role("textbox", name="Mã truy cập").fill("not-a-valid-token-at-all")
    page.get_by_role("button", name="Đăng nhập bằng mã").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã truy cập không hợp lệ")
    look(page, "sign-in-refused")
    page.get_by_role("textbox", name="Mã truy cập").fill(token_of("viewer"))
    page.get_by_role("button", name="Đăng nhập bằng mã").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def history_of(context: BrowserContext, page: Page) -> list[str]:
    """Every address in the tab's history (back and forward)."""
    entries = context.new_cdp_session(page).send("Page.getNavigationHistory")["entries"]
    return [str(entry["url"]) for entry in entries]


def test_a_link_with_a_token_asks_first_and_leaves_no_trace_in_the_history(
    context: BrowserContext, portal_system: PortalSystem, look: Looking
) -> None:
    page = context.new_page()
    page.goto(f"{portal_system.url}/?year=2023#token={token_of('approver')}")
    expect(page).to_have_url(re.compile(r"/sign-in/link$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập bằng đường dẫn")
    expect(page.locator(".link-person")).to_have_text("Thư ký Ban Thường vụ")
    assert all("token" not in url for url in history_of(context, page))
    look(page, "sign-in-link")
    elsewhere = context.new_page()  # nobody is signed in until the person says so
    elsewhere.goto(f"{portal_system.url}/dashboard")
    expect(elsewhere).to_have_url(re.compile(r"/sign-in\?next="))
    elsewhere.close()
    page.get_by_role("button", name="Đăng nhập với tư cách Thư ký Ban Thường vụ").click()
    expect(page).to_have_url(re.compile(r"/secretariat/pending\?year=2023$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký chờ duyệt năm 2023")
    expect(page.locator(".flashes")).to_contain_text(
        "Đồng chí đã đăng nhập với vai trò Thư ký Ban Thường vụ."
    )
    expect(page.locator(".who")).to_contain_text("Thư ký Ban Thường vụ")
    expect(page.locator(".who")).not_to_contain_text("thu-ky")  # never an account id
    assert all("token" not in url for url in history_of(context, page))
    page.go_back()
    assert "token" not in page.url
    page.goto(f"{portal_system.url}/dashboard?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có quyền truy cập")


def test_a_link_never_signs_a_signed_in_person_in_as_someone_else_without_asking(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    """Any page may send a victim to ``/#token=<the attacker's token>`` (login CSRF): the
    person signed in is asked, sees whom it would sign them in as, and may decline."""
    leader = portal_system.leader()
    page = signed_in(leader)
    page.goto(f"{portal_system.url}/my/tasks#token={token_of(leader)}")  # theirs: nothing asked
    expect(page).to_have_url(re.compile(r"/my/tasks$"))
    page.goto(f"{portal_system.url}/my/tasks#token={token_of('admin')}")
    expect(page).to_have_url(re.compile(r"/sign-in/link$"))
    expect(page.get_by_role("note")).to_contain_text(
        "Đồng chí đang đăng nhập với tư cách Lãnh đạo đăng ký"
    )
    expect(page.locator(".link-person")).to_have_text("Quản trị")
    look(page, "sign-in-link-while-signed-in")
    page.get_by_role("button", name=re.compile("^Không, giữ phiên")).click()
    expect(page).to_have_url(re.compile(r"/my/tasks"))
    expect(page.locator(".flashes")).to_contain_text("không được dùng")
    expect(page.get_by_role("link", name="Chờ duyệt")).to_have_count(0)  # not the admin's nav
    page.goto(f"{portal_system.url}/secretariat/pending")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có quyền truy cập")


def test_failed_sign_ins_are_slowed_down(
    browser: Browser, portal_system: PortalSystem, look: Looking
) -> None:
    """Past SIGN_IN_ATTEMPTS (10) failures from one address, even the right token waits:
    429, Retry-After and a page saying so in Vietnamese. (This browser comes through a
    proxy the portal believes, with an address of its own, so no other test is slowed.)"""
    made = browser.new_context(
        viewport=DESKTOP,
        locale="vi-VN",
        bypass_csp=True,
        extra_http_headers={"X-Forwarded-For": f"203.0.113.{uuid.uuid4().int % 200 + 20}"},
    )
    page = made.new_page()
    page.goto(f"{portal_system.url}/sign-in")
    for number in range(10):
        page.get_by_role("textbox", name="Mã truy cập").fill(f"a-guess-{number}-0123456789")
        page.get_by_role("button", name="Đăng nhập bằng mã").click()
        expect(page.get_by_role("alert")).to_contain_text("Mã truy cập không hợp lệ")
    page.get_by_role("textbox", name="Mã truy cập").fill(token_of("viewer"))
    with page.expect_response(lambda r: r.url.endswith("/sign-in/token")) as answered:
        page.get_by_role("button", name="Đăng nhập bằng mã").click()
    assert answered.value.status == 429
    assert 0 < int(answered.value.headers["retry-after"]) <= 900
    expect(page.get_by_role("alert")).to_contain_text("quá nhiều lần đăng nhập không thành công")
    expect(page.get_by_role("alert")).to_contain_text("thử lại sau 15 phút")
    look(page, "sign-in-throttled")
    page.goto(f"{portal_system.url}/dashboard")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))  # the right token did not sign in
    made.close()


def test_signing_out_ends_the_session(signed_in: SignedIn, portal_system: PortalSystem) -> None:
    page = signed_in("viewer")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Đồng chí đã đăng xuất")).to_be_visible()
    page.goto(f"{portal_system.url}/dashboard")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fdashboard"))


def test_the_language_switch_is_remembered(signed_in: SignedIn, look: Looking) -> None:
    page = signed_in("viewer")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Totals, {YEAR}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Totals, {YEAR}")
    look(page, "dashboard-english")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tổng hợp năm {YEAR}")


def test_a_form_without_the_sessions_csrf_token_is_refused(portal_system: PortalSystem) -> None:
    with httpx.Client(base_url=portal_system.url, follow_redirects=False) as browser:
        page = browser.get("/sign-in")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert csrf is not None
        anonymous = browser.cookies.get("portal_session")
        assert anonymous
        forged = browser.post("/sign-in/token", data={"token": token_of("admin")})
        assert forged.status_code == 403
        assert "Biểu mẫu đã hết hạn" in forged.text
        other = browser.post("/sign-in/token", data={"token": token_of("admin"), "csrf_token": "x"})
        assert other.status_code == 403
        signed = browser.post(
            "/sign-in/token", data={"token": token_of("admin"), "csrf_token": csrf.group(1)}
        )
        assert signed.status_code == 303
        assert browser.cookies.get("portal_session") not in (None, anonymous)  # a new id
        assert browser.get("/dashboard").status_code == 200


def test_behind_the_gateway_with_tls_the_cookie_is_secure(portal_system: PortalSystem) -> None:
    """The gateway ends TLS and says so in X-Forwarded-Proto; the portal believes it from a
    proxy in FORWARDED_ALLOW_IPS (here 127.0.0.1, the default) and marks its cookie Secure."""
    proxied = httpx.get(f"{portal_system.url}/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "; Secure" in proxied.headers["set-cookie"]
    assert proxied.headers["strict-transport-security"].startswith("max-age=")
    plain = httpx.get(f"{portal_system.url}/sign-in")
    assert "Secure" not in plain.headers["set-cookie"]
    assert "strict-transport-security" not in plain.headers
