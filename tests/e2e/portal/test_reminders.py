"""Chasing by e-mail in the browser ("Đôn đốc"), against approval mailing a real SMTP server
(aiosmtpd): leaders with an e-mail chosen at first, the answer said in Vietnamese (who was
mailed, who was skipped and why), when each was last reminded (dd/mm/yyyy HH:MM in the
province's zone), a mail server that refuses said so with the choice kept; staff who may not
send reminders are shown the lists without the form; a district's secretariat reminds only
the leaders its committee manages."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.portal.browsing import DESKTOP, Looking
from tests.e2e.portal.conftest import SignedIn, sign_in_by_link
from tests.e2e.portal.system import DISTRICT, TODAY, PortalSystem, token_of
from tests.support.clock import local_moment
from tests.support.smtp import SmtpTestServer

YEAR = 2020  # a year of this module's own: its roster
NAMES = {
    "an": "Nguyễn Văn An",
    "binh": "Trần Thị Bình",
    "cuong": "Lê Văn Cường",
    "dung": "Phạm Văn Dũng",
    "em": "Hoàng Thị Em",
}
SUBMIT = "Gửi thư nhắc các lãnh đạo đã chọn"


@pytest.fixture(scope="module")
def roster(portal_system: PortalSystem) -> dict[str, Any]:
    """The year's committees (the province's, a district's below it) and roster: An
    (e-mail, not registered), Bình (e-mail; a task approved on 1 February, never reported on
    since), Cường (no e-mail, not registered), Dũng (e-mail; registered), all managed by the
    province; Em (e-mail, not registered), managed by the district."""
    tag = uuid.uuid4().hex[:6]
    people = {key: portal_system.leader() for key in NAMES}
    unit = f"gia-loc-{tag}"
    leaders = [
        {
            "id": people[key],
            "name": name,
            "position": "Chủ tịch UBND xã",
            "level": "deputy_department_head",
            "unit": unit,
            "managed_by": DISTRICT if key == "em" else "tinh-uy",
        }
        | ({} if key == "cuong" else {"email": f"{key}-{tag}@gialoc.example.vn"})
        for key, name in NAMES.items()
    ]
    portal_system.publish(
        YEAR,
        committees=[
            {"code": "tinh-uy", "name": "Ban Thường vụ Tỉnh ủy", "parent": None},
            {"code": DISTRICT, "name": "Ban Thường vụ Huyện ủy Gia Lộc", "parent": "tinh-uy"},
        ],
        roster={"units": [{"code": unit, "name": f"Huyện Gia Lộc {tag}"}], "leaders": leaders},
    )
    stale = portal_system.register(
        people["binh"],
        year=YEAR,
        title=f"Cánh đồng mẫu lớn {tag}",
        from_roster=True,
        recorded_at=local_moment(date(YEAR, 1, 15)),
    )
    portal_system.decide(stale, "approve", recorded_at=local_moment(date(YEAR, 2, 1), 9))
    portal_system.register(people["dung"], year=YEAR, title=f"Chợ nông sản {tag}", from_roster=True)
    return {"people": people, "tag": tag, "stale": stale}


def smtp_of(portal_system: PortalSystem) -> SmtpTestServer:
    assert portal_system.smtp is not None
    return portal_system.smtp


def section(page: Page, name: str) -> Any:
    return page.get_by_role("region", name=name, exact=True)


def reminded_today(page: Page, name: str, region: str) -> None:
    """Reload until the leader's row shows today's reminder (reporting follows the log)."""
    when = re.compile(re.escape(TODAY.strftime("%d/%m/%Y")) + r" \d\d:\d\d")
    for _ in range(50):
        row = section(page, region).get_by_role("row").filter(has_text=name)
        if when.search(row.inner_text()):
            return
        time.sleep(0.2)
        page.reload()
    raise AssertionError(f"{name}'s reminder of today is not shown")


def test_the_secretariat_reminds_leaders_by_email_and_sees_when(
    context: BrowserContext,
    portal_system: PortalSystem,
    roster: dict[str, Any],
    look: Looking,
) -> None:
    people, tag = roster["people"], roster["tag"]
    smtp = smtp_of(portal_system)
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}/missing?year={YEAR}", token_of("admin"))
    absent = section(page, "Lãnh đạo chưa đăng ký")
    an = absent.get_by_role("checkbox", name=NAMES["an"])
    cuong = absent.get_by_role("checkbox", name=NAMES["cuong"])
    expect(an).to_be_checked()  # an e-mail on the roster: chosen at first
    expect(cuong).not_to_be_checked()
    expect(absent.get_by_role("row").filter(has_text=NAMES["cuong"])).to_contain_text(
        "Chưa có địa chỉ e-mail"
    )
    expect(absent.get_by_role("row").filter(has_text=NAMES["an"])).to_contain_text("Chưa nhắc")
    expect(absent.get_by_role("row").filter(has_text=NAMES["dung"])).to_have_count(0)
    look(page, "reminders")
    absent.get_by_role("checkbox", name=NAMES["em"]).uncheck()  # the district's to remind

    # the mail server refuses: said in Vietnamese, nothing lost, the choice kept
    smtp.catcher.answer = "451 4.3.0 thử lại sau"
    try:
        cuong.check()
        absent.get_by_role("button", name=SUBMIT).click()
        expect(page.get_by_role("alert")).to_contain_text("Máy chủ thư điện tử hiện không nhận")
        expect(absent.get_by_role("checkbox", name=NAMES["an"])).to_be_checked()
        expect(absent.get_by_role("checkbox", name=NAMES["cuong"])).to_be_checked()
        look(page, "reminders-mail-down")
    finally:
        smtp.catcher.answer = None
    before = smtp.catcher.count()
    absent.get_by_role("button", name=SUBMIT).click()
    flashes = page.locator(".flashes")
    expect(flashes).to_contain_text("Đã gửi thư nhắc 1 lãnh đạo.")
    expect(flashes).to_contain_text(
        f"Không gửi cho 1 lãnh đạo chưa có địa chỉ e-mail: {NAMES['cuong']}."
    )
    smtp.catcher.wait_for(before + 1)
    mail = smtp.catcher.received[-1]
    assert mail.recipients == (f"an-{tag}@gialoc.example.vn",)
    assert f"Đồng chí {NAMES['an']}" in mail.body
    reminded_today(page, NAMES["an"], "Lãnh đạo chưa đăng ký")
    look(page, "reminders-sent")

    # again the same day: not mailed twice, and said so
    absent.get_by_role("checkbox", name=NAMES["em"]).uncheck()
    absent.get_by_role("button", name=SUBMIT).click()
    expect(page.locator(".flashes")).to_contain_text(
        f"Không gửi lại cho 1 lãnh đạo đã được nhắc hôm nay: {NAMES['an']}."
    )
    assert smtp.catcher.count() == before + 1

    # the task not reported on: its leader reminded of it
    stale = section(page, "Nhiệm vụ chưa báo cáo tiến độ trong 30 ngày")
    row = stale.get_by_role("row").filter(has_text=NAMES["binh"])
    expect(row).to_contain_text(f"Cánh đồng mẫu lớn {tag}")
    expect(row.get_by_role("checkbox")).to_be_checked()
    stale.get_by_role("button", name=SUBMIT).click()
    expect(page.locator(".flashes")).to_contain_text("Đã gửi thư nhắc 1 lãnh đạo.")
    smtp.catcher.wait_for(before + 2)
    assert f"Cánh đồng mẫu lớn {tag}" in smtp.catcher.received[-1].body
    assert smtp.catcher.received[-1].recipients == (f"binh-{tag}@gialoc.example.vn",)
    assert people["binh"] in portal_system.task(roster["stale"])["registrant"]["id"]


def test_staff_who_send_no_reminders_see_the_lists_without_the_form(
    signed_in: SignedIn, portal_system: PortalSystem, roster: dict[str, Any], look: Looking
) -> None:
    page = signed_in("viewer")
    page.goto(f"{portal_system.url}/missing?year={YEAR}")
    absent = section(page, "Lãnh đạo chưa đăng ký")
    expect(absent.get_by_role("row").filter(has_text=NAMES["cuong"])).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name=SUBMIT)).to_have_count(0)
    look(page, "missing-for-staff")


def test_a_districts_secretariat_member_reminds_the_leaders_its_committee_manages(
    context: BrowserContext, portal_system: PortalSystem, roster: dict[str, Any], look: Looking
) -> None:
    """A person of the province's identity provider holding both the secretariat's and
    staff's roles, bound to the district's committee: the chasing lists are the district's
    (Em), and the reminder goes to Em."""
    provider = portal_system.provider
    if provider is None:
        pytest.skip("tokens carrying roles and a committee come from the tests' OpenID provider")
    token = provider.service_token(
        f"van-phong-{roster['tag']}",
        [],
        realm_roles=["approver", "viewer"],
        person_claim="preferred_username",
        claims={"committee": DISTRICT},
    )
    smtp = smtp_of(portal_system)
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}/missing?year={YEAR}", token)
    expect(page.locator(".site-header .committee")).to_contain_text("Huyện ủy Gia Lộc")
    absent = section(page, "Lãnh đạo chưa đăng ký")
    for other in ("an", "cuong"):  # the province's leaders: not the district's to chase
        expect(absent.get_by_role("row").filter(has_text=NAMES[other])).to_have_count(0)
    expect(absent.get_by_role("checkbox", name=NAMES["em"])).to_be_checked()
    look(page, "reminders-district")
    before = smtp.catcher.count()
    absent.get_by_role("button", name=SUBMIT).click()
    expect(page.locator(".flashes")).to_contain_text("Đã gửi thư nhắc 1 lãnh đạo.")
    smtp.catcher.wait_for(before + 1)
    assert smtp.catcher.received[-1].recipients == (f"em-{roster['tag']}@gialoc.example.vn",)


def test_leaders_are_chosen_and_reminded_with_the_keyboard_under_the_policy(
    browser: Browser, portal_system: PortalSystem, roster: dict[str, Any]
) -> None:
    """The page's own script under its content security policy (not bypassed): "select
    all" and the count of those chosen; a box toggled with Space, the form sent with Enter."""
    strict = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    try:
        page = strict.new_page()
        refused: list[str] = []
        page.on(
            "console", lambda m: refused.append(m.text) if "Content Security" in m.text else None
        )
        sign_in_by_link(page, f"{portal_system.url}/missing?year={YEAR}", token_of("admin"))
        absent = section(page, "Lãnh đạo chưa đăng ký")
        count = absent.locator("[data-picked-count]")
        expect(count).to_have_text("Đã chọn 2/3 lãnh đạo.")  # those with an e-mail
        everyone = absent.get_by_role("checkbox", name="Chọn tất cả")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.hasAttribute('data-pick-all')"):
                break
        expect(everyone).to_be_focused()
        page.keyboard.press("Space")
        expect(count).to_have_text("Đã chọn 3/3 lãnh đạo.")
        page.keyboard.press("Tab")
        expect(absent.get_by_role("checkbox", name=NAMES["an"])).to_be_focused()
        page.keyboard.press("Space")
        expect(count).to_have_text("Đã chọn 2/3 lãnh đạo.")
        expect(everyone).not_to_be_checked()
        send = absent.get_by_role("button", name=SUBMIT)
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.type") == "submit":
                break
        expect(send).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(".flashes")).to_contain_text("Không gửi cho 1 lãnh đạo chưa có")
        assert refused == []
    finally:
        strict.close()


def test_a_secretariat_token_alone_opens_whom_to_chase_and_may_remind(
    context: BrowserContext, portal_system: PortalSystem, roster: dict[str, Any]
) -> None:
    """The province's secretariat (the approver role only) reaches the page from the menu:
    reporting answers whom to chase to approvers too, so that they can remind them."""
    page = context.new_page()
    sign_in_by_link(
        page, f"{portal_system.url}/secretariat/pending?year={YEAR}", token_of("approver")
    )
    page.get_by_role("navigation").get_by_role("link", name="Đôn đốc").click()
    absent = section(page, "Lãnh đạo chưa đăng ký")
    expect(absent.get_by_role("row").filter(has_text=NAMES["cuong"])).to_have_count(1)
    expect(absent.get_by_role("button", name=SUBMIT)).to_be_visible()
    page.close()
