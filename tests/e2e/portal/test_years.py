"""Year after year in the browser: the dashboard compared with the year before (reporting's
``?compare=``: the totals, each unit's ``previous`` with merged units mapped by ``replaces``,
the categories, and the charts); a task's page counting the years in a row and linking along
the chain (``continues``, ``continued_by``); a registration continuing last year's task, its
description typed on several lines sent as lines."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import SignedIn, sign_in_by_link
from tests.e2e.portal.system import YEAR, PortalSystem, token_of

FIRST, SECOND, THIRD = YEAR - 3, YEAR - 2, YEAR - 1
"""Three years in a row before this one; the first two with rosters of this module's own."""


def roster_leader(ident: str, unit: str) -> dict[str, Any]:
    return {
        "id": ident,
        "name": f"Lãnh đạo {ident[-2:]}",
        "position": "Phó Chủ tịch UBND huyện",
        "level": "district_leader",
        "unit": unit,
    }


@pytest.fixture(scope="module")
def years(portal_system: PortalSystem) -> dict[str, Any]:
    """Two wards in the first year, merged into one in the second (``replaces``); Xuân's
    task of the first year carried on in the second and the third; Yến's task of the first
    year (her ward merged too)."""
    tag = uuid.uuid4().hex[:6]
    xuan, yen = portal_system.leader(), portal_system.leader()
    wards = {"a": f"ngoc-chau-{tag}", "b": f"quang-trung-{tag}", "new": f"hai-duong-{tag}"}
    portal_system.publish(
        FIRST,
        roster={
            "units": [
                {"code": wards["a"], "name": f"Phường Ngọc Châu {tag}"},
                {"code": wards["b"], "name": f"Phường Quang Trung {tag}"},
            ],
            "leaders": [roster_leader(xuan, wards["a"]), roster_leader(yen, wards["b"])],
        },
    )
    portal_system.publish(
        SECOND,
        roster={
            "units": [
                {
                    "code": wards["new"],
                    "name": f"Phường Hải Dương {tag}",
                    "replaces": [wards["a"], wards["b"]],
                }
            ],
            "leaders": [roster_leader(xuan, wards["new"]), roster_leader(yen, wards["new"])],
        },
    )
    titles = [f"Chỉnh trang đô thị năm {year} ({tag})" for year in (FIRST, SECOND, THIRD)]
    first = portal_system.register(xuan, year=FIRST, title=titles[0], from_roster=True)
    other = portal_system.register(yen, year=FIRST, title=f"Số hóa ({tag})", from_roster=True)
    second = portal_system.register(
        xuan, year=SECOND, title=titles[1], from_roster=True, continues=first
    )
    third = portal_system.register(xuan, year=THIRD, title=titles[2], continues=second)
    for task_id in (first, other, second, third):
        portal_system.decide(task_id, "approve", reference="QĐ 12-QĐ/TU")
    return {
        "tag": tag,
        "xuan": xuan,
        "titles": titles,
        "tasks": [first, second, third],
        "wards": wards,
    }


def test_staff_compare_a_year_with_the_year_before(
    signed_in: SignedIn, portal_system: PortalSystem, years: dict[str, Any], look: Looking
) -> None:
    tag = years["tag"]
    page = signed_in("viewer")
    page.goto(f"{portal_system.url}/dashboard?year={SECOND}")
    expect(page.get_by_label("So sánh với năm")).to_have_value(str(FIRST))  # the year before
    expect(page.locator(".stat").first).to_contain_text(f"năm {FIRST}: 2")
    units = page.get_by_role("region", name="Theo đơn vị", exact=True)
    expect(units.get_by_role("columnheader", name=f"Năm {FIRST} (ĐK / duyệt / HT)")).to_be_visible()
    merged = units.get_by_role("row").filter(has_text=f"Phường Hải Dương {tag}")
    expect(merged).to_contain_text("2 / 2 / 0")  # both wards it replaced
    categories = page.get_by_role("region", name="Theo lĩnh vực", exact=True)
    expect(categories.get_by_role("row").filter(has_text="Phát triển kinh tế")).to_contain_text(
        "2 / 2 / 0"
    )
    chart = page.locator("figure.chart").first
    expect(chart).to_contain_text(f"Nhiệm vụ được duyệt theo đơn vị, năm {SECOND}")
    expect(chart.locator(".legend")).to_contain_text(str(FIRST))
    look(page, "dashboard-compared")

    page.get_by_label("So sánh với năm").select_option("none")
    page.get_by_role("button", name="Xem").click()
    expect(units.get_by_role("columnheader", name=f"Năm {FIRST} (ĐK / duyệt / HT)")).to_have_count(
        0
    )
    expect(page.locator(".stat .was")).to_have_count(0)


def open_as(context: BrowserContext, portal_system: PortalSystem, who: str, path: str) -> Page:
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}{path}", token_of(who))
    return page


def test_a_tasks_page_counts_its_years_in_a_row_and_links_along_them(
    context: BrowserContext, portal_system: PortalSystem, years: dict[str, Any], look: Looking
) -> None:
    first, second, third = years["tasks"]
    titles = years["titles"]
    page = open_as(context, portal_system, years["xuan"], f"/tasks/{second}")
    expect(page.get_by_role("heading", level=1)).to_have_text(titles[1])
    expect(page.locator(".badge-chain")).to_have_text("Năm thứ 2 liên tiếp")
    chain = page.get_by_role("navigation", name="Nhiệm vụ qua các năm")
    expect(chain.get_by_role("listitem")).to_have_count(3)
    expect(chain.get_by_role("link", name=f"Năm {FIRST}: {titles[0]}")).to_be_visible()
    look(page, "task-year-two")
    chain.get_by_role("link", name=f"Năm {THIRD}: {titles[2]}").click()
    expect(page).to_have_url(re.compile(f"/tasks/{third}"))
    expect(page.locator(".badge-chain")).to_have_text("Năm thứ 3 liên tiếp")
    chain = page.get_by_role("navigation", name="Nhiệm vụ qua các năm")
    expect(chain.locator("li[aria-current]")).to_contain_text(titles[2])
    chain.get_by_role("link", name=f"Năm {FIRST}: {titles[0]}").click()
    expect(page).to_have_url(re.compile(f"/tasks/{first}"))
    expect(page.locator(".badge-chain")).to_have_count(0)  # the first year


def test_a_leader_registers_a_task_carrying_on_last_years_with_a_description_of_lines(
    context: BrowserContext, portal_system: PortalSystem, years: dict[str, Any], look: Looking
) -> None:
    third = years["tasks"][2]
    tag = years["tag"]
    page = open_as(context, portal_system, years["xuan"], f"/my/tasks/new?year={YEAR}")
    page.get_by_label("Tiếp nối nhiệm vụ năm trước").select_option(third)
    page.get_by_label("Tên nhiệm vụ").fill(f"Chỉnh trang đô thị năm {YEAR}\n({tag})")
    description = "Giai đoạn 1: vỉa hè, cây xanh.\nGiai đoạn 2: chiếu sáng."
    page.get_by_label("Mô tả").fill(description)
    page.get_by_label("Lĩnh vực").select_option("socio_economic")
    page.get_by_label("Đột phá").check()
    page.get_by_label("Hạn hoàn thành").fill(f"31/12/{YEAR}")
    page.locator("#f-targets-0-metric").fill("Tuyến phố được chỉnh trang")
    page.locator("#f-targets-0-unit").fill("tuyến")
    page.locator("#f-targets-0-target").fill("12")
    look(page, "register-form-continuing")
    page.get_by_role("button", name="Gửi đăng ký").click()
    expect(page.locator(".flashes")).to_contain_text("Đã gửi đăng ký nhiệm vụ")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Chỉnh trang đô thị năm {YEAR} ({tag})"  # a title is one line
    )
    expect(page.locator(".badge-chain")).to_have_text("Năm thứ 4 liên tiếp")
    task_id = page.url.split("/tasks/")[1].split("?")[0]
    registered = portal_system.task(task_id)
    assert registered["description"] == description  # lines, each ended by LF alone
    assert registered["continues"] == third
    look(page, "task-year-four")
