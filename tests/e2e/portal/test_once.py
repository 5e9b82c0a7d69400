"""Nothing twice on a busy day: a double click on a form's button, over a network that takes
400 ms, writes once. With the script, the button is disabled while the form posts (one post
leaves the browser); without it, both posts carry the form's idempotency key, and the
services answer the second with the first's answer (one write, the same success page)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, expect

from tests.e2e.portal.browsing import DESKTOP, Looking
from tests.e2e.portal.conftest import sign_in_by_link
from tests.e2e.portal.system import YEAR, PortalSystem, token_of

LATENCY_MS = 400
GAP_MS = 150  # between the two clicks of a double click: well within the 400 ms


def double_click(page: Page, button: Locator) -> None:
    """Two clicks of the mouse on ``button``, ``GAP_MS`` apart, as a person double clicks
    (the mouse itself: nothing waits for the button between them)."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()  # in the viewport
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(GAP_MS)
    page.mouse.click(x, y)


def slow_network(context: BrowserContext, page: Page) -> None:
    """Every request of ``page`` takes 400 ms more (Chromium's own network emulation)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        },
    )


@pytest.fixture
def scriptless(browser: Browser) -> Iterator[BrowserContext]:
    """A browser without JavaScript: the pages work without it (signing in by the form)."""
    made = browser.new_context(viewport=DESKTOP, locale="vi-VN", java_script_enabled=False)
    made.set_default_timeout(15_000)
    yield made
    made.close()


def sign_in_by_form(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/sign-in")
    page.get_by_role("textbox", name="Mã truy cập").fill(token_of(name))
    page.get_by_role("button", name="Đăng nhập bằng mã").click()
    page.wait_for_url(lambda now: "/sign-in" not in now)


def posts_to(page: Page, path: str) -> list[Request]:
    sent: list[Request] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request)
            if request.method == "POST" and request.url.split("?")[0].endswith(path)
            else None
        ),
    )
    return sent


def fill_registration(page: Page, title: str) -> None:
    page.get_by_label("Tên nhiệm vụ").fill(title)
    page.get_by_label("Lĩnh vực").select_option("digital_transformation")
    page.get_by_label("Sáng tạo").check()
    page.get_by_label("Hạn hoàn thành").fill(f"30/09/{YEAR}")
    page.locator("#f-targets-0-metric").fill("Hồ sơ trực tuyến toàn trình")
    page.locator("#f-targets-0-unit").fill("%")
    page.locator("#f-targets-0-target").fill("85,5")
    page.get_by_label("Họ và tên").fill("Nguyễn Văn Thành")
    page.get_by_label("Chức vụ").fill("Chủ tịch UBND huyện Gia Lộc")
    page.get_by_label("Cấp", exact=True).select_option("district_leader")
    page.get_by_label("Mã đơn vị").fill("gia-loc")
    page.get_by_label("Tên đơn vị").fill("Huyện Gia Lộc")


def tasks_of(portal_system: PortalSystem, leader: str) -> list[str]:
    found = portal_system.call(
        "reporting", "viewer", "GET", "/tasks", params={"year": YEAR, "registrant": leader}
    )
    return [task["title"] for task in found["tasks"]]


def test_a_double_click_on_gui_dang_ky_sends_the_form_once(
    context: BrowserContext, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}/", token_of(leader))
    page.goto(f"{portal_system.url}/my/tasks/new")
    title = f"Cải cách hành chính {uuid.uuid4().hex[:6]}"
    fill_registration(page, title)
    slow_network(context, page)
    sent = posts_to(page, "/my/tasks/new")
    double_click(page, page.get_by_role("button", name="Gửi đăng ký"))
    expect(page.locator(".flashes")).to_contain_text("Đã gửi đăng ký nhiệm vụ")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert len(sent) == 1, "the script sent the form once"
    assert tasks_of(portal_system, leader) == [title]
    page.get_by_role("link", name="Nhiệm vụ của tôi").click()
    expect(page.locator(".task-card")).to_have_count(1)
    look(page, "registered-once")


def test_without_the_script_a_double_click_still_registers_once(
    scriptless: BrowserContext, portal_system: PortalSystem
) -> None:
    leader = portal_system.leader()
    page = scriptless.new_page()
    sign_in_by_form(page, portal_system.url, leader)
    page.goto(f"{portal_system.url}/my/tasks/new")
    title = f"Số hóa hồ sơ {uuid.uuid4().hex[:6]}"
    fill_registration(page, title)
    slow_network(scriptless, page)
    sent = posts_to(page, "/my/tasks/new")
    double_click(page, page.get_by_role("button", name="Gửi đăng ký"))
    expect(page.locator(".flashes")).to_contain_text("Đã gửi đăng ký nhiệm vụ")
    assert len(sent) == 2, "without the script the browser sent the form twice"
    keys = {request.post_data_json.get("idempotency_key") for request in sent}  # type: ignore[union-attr]
    assert len(keys) == 1, "both posts carry the form's one idempotency key"
    assert tasks_of(portal_system, leader) == [title]  # one task: the quota is spent once
    page.goto(f"{portal_system.url}/my/tasks")
    expect(page.locator(".task-card")).to_have_count(1)
    expect(page.get_by_text("Đồng chí đang có 1/2 nhiệm vụ")).to_be_visible()


def test_a_double_click_on_a_bulk_approval_shows_its_success_alone(
    scriptless: BrowserContext, portal_system: PortalSystem
) -> None:
    tag = uuid.uuid4().hex[:6]
    unit = (f"ninh-giang-{tag}", f"Huyện Ninh Giang {tag}")
    first = portal_system.register(portal_system.leader(), unit=unit, title=f"Nông thôn mới {tag}")
    second = portal_system.register(portal_system.leader(), unit=unit, title=f"Đô thị loại V {tag}")
    page = scriptless.new_page()
    sign_in_by_form(page, portal_system.url, "approver")
    page.goto(f"{portal_system.url}/secretariat/pending?year={YEAR}&unit={unit[0]}")
    for title in (f"Nông thôn mới {tag}", f"Đô thị loại V {tag}"):
        page.get_by_role("checkbox", name=title).check()
    page.get_by_label("Phê duyệt", exact=True).check()
    page.get_by_label("Số quyết định, thông báo").fill("Thông báo số 1601-TB/TU")
    slow_network(scriptless, page)
    sent = posts_to(page, "/secretariat/decisions")
    double_click(page, page.get_by_role("button", name="Ghi quyết định cho các nhiệm vụ đã chọn"))
    expect(page.locator(".flashes")).to_contain_text("Đã phê duyệt 2 nhiệm vụ")
    assert len(sent) == 2
    expect(page.locator(".error-summary[role=alert]")).to_have_count(0)  # no red error beside it
    expect(page.locator(".flashes .flash")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"/secretariat/pending\?year={YEAR}&unit={unit[0]}"))
    for task_id in (first, second):
        task = portal_system.wait_status(task_id, "approved")
        approvals = [e for e in task["history"] if e["type"] == "TaskApproved"]
        assert len(approvals) == 1, "one decision each, not two"
