"""Every committee in the browser: a district's secretariat (an approver token bound to the
district's committee) sees its committee named in the header, lists and decides only the
tasks that committee manages, and is offered nothing the services would refuse; the
province's secretariat is offered nothing on the district's tasks; staff drill down from the
province to a committee, a unit and a task (reporting's ``?committee=`` and
``by_committee``)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import sign_in_by_link
from tests.e2e.portal.system import DISTRICT, PortalSystem, token_of

YEAR = 2017  # a year of this module's own: its committees and roster
PROVINCE = ("tinh-uy", "Ban Thường vụ Tỉnh ủy")
DISTRICT_NAME = "Ban Thường vụ Huyện ủy Kim Thành"


def leader(ident: str, name: str, unit: str, managed_by: str) -> dict[str, Any]:
    return {
        "id": ident,
        "name": name,
        "position": "Trưởng phòng" if managed_by == DISTRICT else "Chủ tịch UBND huyện",
        "level": "department_head" if managed_by == DISTRICT else "district_leader",
        "unit": unit,
        "managed_by": managed_by,
    }


@pytest.fixture(scope="module")
def programme(portal_system: PortalSystem) -> dict[str, Any]:
    """The year's two committees (the province's, the district's below it), two units, and
    a registration for each of four leaders: the district's chairman and a provincial
    department head (the province's), two of the district's department heads (the
    district's)."""
    tag = uuid.uuid4().hex[:6]
    units = {"district": f"kim-thanh-{tag}", "province": f"so-tai-chinh-{tag}"}
    chairman, head, first, second = (portal_system.leader() for _ in range(4))
    portal_system.publish(
        YEAR,
        committees=[
            {"code": PROVINCE[0], "name": PROVINCE[1], "parent": None},
            {"code": DISTRICT, "name": DISTRICT_NAME, "parent": PROVINCE[0]},
        ],
        roster={
            "units": [
                {"code": units["district"], "name": f"Huyện Kim Thành {tag}"},
                {"code": units["province"], "name": f"Sở Tài chính {tag}"},
            ],
            "leaders": [
                leader(chairman, "Phạm Quang Hưng", units["district"], PROVINCE[0]),
                leader(head, "Đỗ Thị Mai", units["province"], PROVINCE[0]),
                leader(first, "Nguyễn Văn Tùng", units["district"], DISTRICT),
                leader(second, "Vũ Thị Hạnh", units["district"], DISTRICT),
            ],
        },
    )
    titles = {
        chairman: f"Giải phóng mặt bằng khu công nghiệp {tag}",
        head: f"Giải ngân vốn đầu tư công {tag}",
        first: f"Chuyển đổi số cấp xã {tag}",
        second: f"Xây dựng nông thôn mới kiểu mẫu {tag}",
    }
    tasks = {
        person: portal_system.register(person, year=YEAR, title=title, from_roster=True)
        for person, title in titles.items()
    }
    return {"tag": tag, "units": units, "titles": titles, "tasks": tasks, "people": titles}


def signed_in_at(context: BrowserContext, portal_system: PortalSystem, name: str) -> Page:
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}/?year={YEAR}", token_of(name))
    return page


def test_a_district_secretariat_sees_and_decides_only_its_committees_tasks(
    context: BrowserContext, portal_system: PortalSystem, programme: dict[str, Any], look: Looking
) -> None:
    chairman, _head, first, second = programme["titles"]
    titles = programme["titles"]
    page = signed_in_at(context, portal_system, "district")
    expect(page).to_have_url(re.compile(rf"/secretariat/pending\?year={YEAR}"))
    expect(page.locator(".site-header .committee")).to_have_text(f"Ban thường vụ: {DISTRICT_NAME}")
    expect(page.get_by_text(f"Danh sách đăng ký do {DISTRICT_NAME} xem xét")).to_be_visible()
    listed = page.locator("table.pending tbody th a")
    expect(listed).to_have_count(2)
    assert sorted(listed.all_inner_texts()) == sorted([titles[first], titles[second]])
    look(page, "district-pending")

    page.get_by_role("checkbox", name=titles[first]).check()
    page.get_by_label("Phê duyệt", exact=True).check()
    page.get_by_label("Số quyết định, thông báo").fill("Thông báo số 45-TB/HU")
    expect(page.get_by_label("Cơ quan quyết định")).to_have_value(DISTRICT_NAME)
    page.get_by_role("button", name="Ghi quyết định cho các nhiệm vụ đã chọn").click()
    expect(page.locator(".flashes")).to_contain_text("Đã phê duyệt 1 nhiệm vụ")
    verdict = portal_system.task(programme["tasks"][first])["verdict"]
    assert (verdict["status"], verdict["committee"]) == ("approved", DISTRICT)

    page.get_by_role("link", name=titles[second]).click()
    expect(page.get_by_role("heading", name="Quyết định của Ban Thường vụ")).to_be_visible()
    page.get_by_label("Trả lại để chỉnh sửa").check()
    page.get_by_label("Lý do").fill("Bổ sung chỉ tiêu đo lường được cho từng xã.")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".flashes")).to_contain_text("Đã trả lại nhiệm vụ để chỉnh sửa")
    look(page, "district-task-returned")

    # the province's tasks are not the district's to read, nor to decide
    page.goto(f"{portal_system.url}/tasks/{programme['tasks'][chairman]}")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(titles[chairman])
    expect(page.get_by_role("heading", name="Quyết định của Ban Thường vụ")).to_have_count(0)


def test_the_provinces_secretariat_is_offered_nothing_on_a_districts_task(
    context: BrowserContext, portal_system: PortalSystem, programme: dict[str, Any], look: Looking
) -> None:
    chairman, head, _first, second = programme["titles"]
    titles = programme["titles"]
    page = signed_in_at(context, portal_system, "approver")
    listed = page.locator("table.pending tbody th a")
    expect(listed.filter(has_text=programme["tag"])).to_have_count(2)
    expect(listed.filter(has_text=titles[chairman])).to_have_count(1)
    expect(listed.filter(has_text=titles[head])).to_have_count(1)
    page.goto(f"{portal_system.url}/tasks/{programme['tasks'][second]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(titles[second])
    expect(page.get_by_role("definition").filter(has_text=DISTRICT_NAME)).to_be_visible()
    expect(page.get_by_role("heading", name="Quyết định của Ban Thường vụ")).to_have_count(0)
    expect(page.get_by_role("heading", name="Đánh giá, xếp loại")).to_have_count(0)
    look(page, "province-secretariat-on-a-district-task")


def test_staff_drill_down_from_the_province_to_a_committee_a_unit_and_a_task(
    context: BrowserContext, portal_system: PortalSystem, programme: dict[str, Any], look: Looking
) -> None:
    _chairman, _head, first, second = programme["titles"]
    titles, units, tag = programme["titles"], programme["units"], programme["tag"]
    page = signed_in_at(context, portal_system, "viewer")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tổng hợp năm {YEAR}")
    committees = page.get_by_role("region", name="Theo ban thường vụ")
    province_row = committees.get_by_role("row").filter(has_text=PROVINCE[1])
    expect(province_row.get_by_role("cell").first).to_have_text("2")  # the province's own two
    district_row = committees.get_by_role("row").filter(has_text=DISTRICT_NAME)
    expect(district_row.get_by_role("cell").first).to_have_text("2")
    province_units = page.get_by_role("region", name="Theo đơn vị").get_by_role("link")
    expect(province_units).to_have_text([f"Huyện Kim Thành {tag}", f"Sở Tài chính {tag}"])
    look(page, "dashboard-committees")

    committees.get_by_role("link", name=DISTRICT_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Tổng hợp năm {YEAR} · {DISTRICT_NAME}"
    )
    crumbs = page.get_by_role("navigation", name="Phạm vi tổng hợp")
    expect(crumbs.get_by_role("link", name="Toàn tỉnh")).to_be_visible()
    expect(page.locator(".stat").first).to_contain_text("2")
    district_units = page.get_by_role("region", name="Theo đơn vị").get_by_role("link")
    expect(district_units).to_have_text([f"Huyện Kim Thành {tag}"])
    look(page, "dashboard-committee")

    district_units.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Huyện Kim Thành {tag}")
    crumbs = page.get_by_role("navigation", name="Phạm vi tổng hợp")
    expect(crumbs.get_by_role("link", name=DISTRICT_NAME)).to_have_attribute(
        "href", re.compile(f"committee={DISTRICT}")
    )
    rows = page.locator("table.stack tbody th a")
    assert sorted(rows.all_inner_texts()) == sorted([titles[first], titles[second]])
    look(page, "dashboard-committee-unit")

    page.get_by_role("link", name=titles[first]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titles[first])
    page.get_by_role("link", name="← Quay lại").click()
    expect(page).to_have_url(re.compile(f"/dashboard/units/{units['district']}.*committee="))
