"""The portal with the keyboard alone, under its own content security policy (this browser
does not bypass it): the skip link first, a visible focus, a form sent with Enter whose
error summary takes the focus and leads to the field in error."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.portal.browsing import DESKTOP
from tests.e2e.portal.system import PortalSystem, token_of


@pytest.fixture
def strict(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    made.set_default_timeout(15_000)
    yield made
    made.close()


def focused(page: Page) -> str:
    described: str = page.evaluate(
        "() => { const e = document.activeElement, text = (e.innerText || '').trim();"
        " return `${e.tagName.toLowerCase()}#${e.id}.${e.className}|${text}` }"
    )
    return described


def test_a_leader_gets_around_and_registers_with_the_keyboard(
    strict: BrowserContext, portal_system: PortalSystem
) -> None:
    page = strict.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{portal_system.url}/#token={token_of(portal_system.leader())}")
    # the script ran under the policy: it posted the token, and the portal asks first
    expect(page).to_have_url(re.compile(r"/sign-in/link$"))
    confirm = page.get_by_role("button", name=re.compile("^Đăng nhập với tư cách"))
    for _ in range(30):  # the skip link, the language switch, ... then the answer
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.value") == "yes":
            break
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/my/tasks$"))
    assert refused == []

    page.keyboard.press("Tab")
    assert focused(page).endswith("|Bỏ qua, đến nội dung chính")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert focused(page).startswith("main#main")
    page.keyboard.press("Tab")
    assert focused(page).startswith("select#year-choice")

    page.get_by_role("link", name="Đăng ký nhiệm vụ mới").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký nhiệm vụ")
    page.get_by_label("Tên nhiệm vụ").focus()
    page.keyboard.type("Cải cách thủ tục hành chính")
    page.locator("#f-targets-0-metric").focus()
    page.keyboard.type("Hồ sơ trực tuyến")
    page.keyboard.press("Enter")  # sends the form
    expect(page.get_by_role("alert")).to_contain_text("Cần sửa các mục sau")
    assert focused(page).startswith("div#.error-summary")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first.startswith("a#")
    assert "Lĩnh vực" in first
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#f-category$"))
    assert page.evaluate("() => document.activeElement.id") == "f-category"
    expect(page.get_by_label("Tên nhiệm vụ")).to_have_value("Cải cách thủ tục hành chính")
