"""The secretariat's main paths in the browser: the pending list filtered by unit and
category (dated in the province's day; back from a task to the same filtered list),
approving (and rejecting) many under one decision number, returning a task with a reason,
evaluating on the four ratings (the list filtered), and (as an admin) closing a year."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import SignedIn, sign_in_by_link
from tests.e2e.portal.system import YEAR, PortalSystem, token_of
from tests.e2e.portal.test_leader import error_of

CLOSED_YEAR = 2019


def units() -> tuple[tuple[str, str], tuple[str, str]]:
    tag = uuid.uuid4().hex[:6]
    return (f"tp-hai-duong-{tag}", f"Thành phố Hải Dương {tag}"), (
        f"tu-ky-{tag}",
        f"Huyện Tứ Kỳ {tag}",
    )


def rows(page: Page) -> list[str]:
    return page.locator("table.pending tbody th a").all_inner_texts()


def test_the_secretariat_filters_the_pending_list_and_decides_many_under_one_number(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    city, district = units()
    first = portal_system.register(portal_system.leader(), unit=city, title="Chỉnh trang đô thị")
    second = portal_system.register(
        portal_system.leader(), unit=city, title="Số hóa hồ sơ", category="digital_transformation"
    )
    third = portal_system.register(portal_system.leader(), unit=district, title="Sản phẩm OCOP")
    page = signed_in("approver")
    expect(page).to_have_url(re.compile(r"/secretariat/pending"))
    look(page, "pending-list")

    page.get_by_label("Đơn vị").select_option(label=city[1])
    page.get_by_role("button", name="Lọc").click()
    assert sorted(rows(page)) == ["Chỉnh trang đô thị", "Số hóa hồ sơ"]
    page.get_by_label("Lĩnh vực").select_option("digital_transformation")
    page.get_by_role("button", name="Lọc").click()
    assert rows(page) == ["Số hóa hồ sơ"]
    page.get_by_label("Lĩnh vực").select_option("")
    page.get_by_role("button", name="Lọc").click()

    page.get_by_role("button", name="Ghi quyết định cho các nhiệm vụ đã chọn").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa chọn nhiệm vụ nào")
    page.get_by_role("checkbox", name="Chọn tất cả").check()
    expect(page.locator("[data-picked-count]")).to_have_text("Đã chọn 2/2 nhiệm vụ.")
    page.get_by_label("Phê duyệt", exact=True).check()
    page.get_by_label("Số quyết định, thông báo").fill("Thông báo số 1587-TB/TU")
    look(page, "pending-batch-filled")
    page.get_by_role("button", name="Ghi quyết định cho các nhiệm vụ đã chọn").click()
    expect(page.locator(".flashes")).to_contain_text("Đã phê duyệt 2 nhiệm vụ")
    expect(page.get_by_text("Không có đăng ký nào chờ duyệt")).to_be_visible()
    for task_id in (first, second):
        verdict = portal_system.task(task_id)["verdict"]
        assert verdict["status"] == "approved"
        assert verdict["reference"] == "Thông báo số 1587-TB/TU"

    page.get_by_label("Đơn vị").select_option(label=district[1])
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("checkbox", name="Sản phẩm OCOP").check()
    page.get_by_label("Không phê duyệt", exact=True).check()
    page.get_by_label("Số quyết định, thông báo").fill("TB 1600-TB/TU")
    page.get_by_role("button", name="Ghi quyết định cho các nhiệm vụ đã chọn").click()
    assert "Chưa nhập" in error_of(page, "reason")
    expect(page.get_by_role("checkbox", name="Sản phẩm OCOP")).to_be_checked()
    page.get_by_label("Lý do").fill("Chỉ tiêu chưa đo lường được.")
    page.get_by_role("button", name="Ghi quyết định cho các nhiệm vụ đã chọn").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi không phê duyệt 1 nhiệm vụ")
    verdict = portal_system.task(third)["verdict"]
    assert (verdict["status"], verdict["reason"]) == (
        "rejected",
        "TB 1600-TB/TU: Chỉ tiêu chưa đo lường được.",
    )


def test_the_secretariat_returns_a_registration_with_a_reason(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    task_id = portal_system.register(portal_system.leader(), title="Nâng cao chỉ số PCI")
    page = signed_in("approver")
    page.get_by_role("link", name="Nâng cao chỉ số PCI").click()
    look(page, "task-pending-for-the-secretariat")
    page.get_by_label("Trả lại để chỉnh sửa").check()
    page.get_by_role("button", name="Ghi quyết định").click()
    assert "Chưa nhập" in error_of(page, "reason")
    reason = "Nêu rõ chỉ số PCI mục tiêu và các giải pháp theo quý."
    page.get_by_label("Lý do").fill(reason)
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".flashes")).to_contain_text("Đã trả lại nhiệm vụ để chỉnh sửa")
    expect(page.get_by_role("note")).to_contain_text(reason)
    expect(page.locator(".meta .badge").first).to_have_text("Trả lại để chỉnh sửa")
    assert portal_system.task(task_id)["stage"] == "returned"


def test_the_secretariat_evaluates_an_approved_task_on_the_four_ratings(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader, title="Phát triển sản phẩm OCOP")
    portal_system.decide(task_id, "approve", reference="QĐ 20-QĐ/TU")
    assessed = portal_system.call(
        "registration",
        leader,
        "POST",
        f"/tasks/{task_id}/self-assessment",
        json={"rating": "excellent", "summary": "Vượt chỉ tiêu: 23/18 sản phẩm."},
    )
    portal_system.settle(task_id, assessed["position"])
    page = signed_in("approver")
    page.get_by_role("link", name="Đánh giá", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đánh giá nhiệm vụ năm {YEAR}")
    row = page.get_by_role("row").filter(has_text="Phát triển sản phẩm OCOP")
    expect(row).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    look(page, "evaluations")
    row.get_by_role("link", name=re.compile("^Đánh giá")).click()
    expect(page.get_by_role("heading", name="Đánh giá, xếp loại")).to_be_visible()
    page.get_by_label("Hoàn thành tốt nhiệm vụ").check()
    page.get_by_label("Số quyết định, thông báo").fill("KL 05-KL/TU")
    page.get_by_role("button", name="Ghi đánh giá").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi đánh giá nhiệm vụ")
    expect(page.locator(".meta .badge").first).to_have_text("Đã đánh giá")
    expect(page.get_by_role("heading", name="Đánh giá, xếp loại")).to_have_count(0)
    look(page, "task-evaluated")
    assert portal_system.task(task_id)["evaluation"]["rating"] == "good"


def test_an_admin_closes_a_year_seeing_what_is_still_open_and_nothing_more_is_written(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader, year=CLOSED_YEAR, title="Nhiệm vụ năm 2019")
    portal_system.decide(task_id, "approve")
    waiting = portal_system.register(
        portal_system.leader(), year=CLOSED_YEAR, title="Đăng ký chưa được xét"
    )
    approver = signed_in("approver")
    nav = approver.get_by_role("navigation", name="Các trang chính")
    expect(nav.get_by_role("link", name="Khóa sổ năm")).to_have_count(0)
    approver.goto(f"{portal_system.url}/secretariat/closure?year={CLOSED_YEAR}")
    expect(approver.get_by_role("alert")).to_contain_text("cần quyền quản trị")

    page = signed_in("admin")
    page.get_by_role("link", name="Khóa sổ năm").click()
    page.get_by_label("Năm", exact=True).select_option(str(CLOSED_YEAR))
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Khóa sổ năm {CLOSED_YEAR}")
    # what is still open, each item linked to its task
    expect(page.get_by_role("heading", name="Việc còn dở dang: 2")).to_be_visible()
    pending = page.get_by_role("table", name="Đăng ký còn chờ duyệt (1)")
    expect(pending.get_by_role("link", name="Đăng ký chưa được xét")).to_have_attribute(
        "href", re.compile(f"/tasks/{waiting}")
    )
    unrated = page.get_by_role("table", name="Nhiệm vụ đã duyệt chưa được đánh giá (1)")
    expect(unrated.get_by_role("row").filter(has_text="Nhiệm vụ năm 2019")).to_contain_text(
        "Đã duyệt"
    )
    look(page, "closure-open-items")
    page.get_by_label("Số quyết định, thông báo").fill("TB 99-TB/TU")
    page.get_by_role("button", name=f"Khóa sổ năm {CLOSED_YEAR}").click()
    assert "xác nhận" in error_of(page, "confirm")
    expect(page.get_by_role("table", name="Đăng ký còn chờ duyệt (1)")).to_be_visible()
    look(page, "closure-refused")
    page.get_by_role("checkbox", name=re.compile(f"xác nhận khóa sổ năm {CLOSED_YEAR}")).check()
    page.get_by_role("button", name=f"Khóa sổ năm {CLOSED_YEAR}").click()
    expect(page.locator(".flashes")).to_contain_text(f"Đã khóa sổ năm {CLOSED_YEAR}")
    expect(page.get_by_text(f"Năm {CLOSED_YEAR} đã khóa sổ")).to_be_visible()
    expect(page.get_by_role("button", name=f"Khóa sổ năm {CLOSED_YEAR}")).to_have_count(0)

    # the leader is offered nothing more on that year's task: the page says the year closed
    leader_page = signed_in(leader)
    leader_page.goto(f"{portal_system.url}/tasks/{task_id}")
    closed = leader_page.get_by_role("note").filter(has_text=f"Năm {CLOSED_YEAR} đã khóa sổ")
    expect(closed).to_be_visible()
    expect(leader_page.get_by_role("link", name="Báo cáo tiến độ")).to_have_count(0)
    leader_page.goto(f"{portal_system.url}/my/tasks/{task_id}/progress")
    expect(leader_page.locator(".flashes")).to_contain_text("không thực hiện được")
    expect(leader_page.get_by_role("heading", level=1)).to_have_text("Nhiệm vụ năm 2019")
    look(leader_page, "task-of-a-closed-year")


def zone_where_the_day_is_not_utcs(now: datetime) -> str:
    """A zone of the tz database where it is not the same day as in UTC at ``now``, at
    least an hour from either midnight."""
    offset = 14 if now.hour >= 11 else -12  # Etc/GMT signs are inverted
    return f"Etc/GMT{-offset:+d}"


def test_the_pending_list_dates_a_registration_by_the_provinces_day(
    context: BrowserContext, portal_system: PortalSystem
) -> None:
    """Registered at 23:30 on 5/12 UTC is 06/12 in Hà Nội: the list shows the day where the
    province is (TIMEZONE), never the UTC date of the timestamp. This portal's TIMEZONE is
    one where today is not UTC's today, whatever the hour the test runs at."""
    zone = zone_where_the_day_is_not_utcs(datetime.now(UTC))
    tag = uuid.uuid4().hex[:6]
    unit = (f"binh-giang-{tag}", f"Huyện Bình Giang {tag}")
    task_id = portal_system.register(portal_system.leader(), unit=unit, title=f"Chợ đêm {tag}")
    registered = datetime.fromisoformat(portal_system.task(task_id)["registered_at"])
    there = registered.astimezone(ZoneInfo(zone)).date()
    assert there != registered.astimezone(UTC).date()
    with portal_system.another_portal(TIMEZONE=zone) as portal:
        page = context.new_page()
        sign_in_by_link(page, f"{portal.url}/?year={YEAR}", token_of("approver"))
        page.get_by_label("Đơn vị").select_option(label=unit[1])
        page.get_by_role("button", name="Lọc").click()
        row = page.get_by_role("row").filter(has_text=f"Chợ đêm {tag}")
        expect(row.get_by_role("cell", name=there.strftime("%d/%m/%Y"))).to_be_visible()


def test_back_from_a_task_returns_to_the_filtered_list(
    signed_in: SignedIn, portal_system: PortalSystem
) -> None:
    city, district = units()
    portal_system.register(portal_system.leader(), unit=city, title="Vỉa hè văn minh")
    portal_system.register(portal_system.leader(), unit=district, title="Cánh đồng lớn")
    page = signed_in("approver")
    page.get_by_label("Đơn vị").select_option(label=city[1])
    page.get_by_role("button", name="Lọc").click()
    filtered = page.url
    page.get_by_role("link", name="Vỉa hè văn minh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vỉa hè văn minh")
    page.get_by_role("link", name="← Quay lại").click()
    expect(page).to_have_url(filtered)
    assert rows(page) == ["Vỉa hè văn minh"]
    expect(page.get_by_label("Đơn vị")).to_have_value(city[0])

    # and after deciding on it, the same list
    page.get_by_role("link", name="Vỉa hè văn minh").click()
    page.get_by_label("Phê duyệt", exact=True).check()
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator(".flashes")).to_contain_text("Đã phê duyệt nhiệm vụ")
    page.get_by_role("link", name="← Quay lại").click()
    expect(page).to_have_url(filtered)


def test_the_evaluations_are_filtered_by_unit_category_and_whether_evaluated(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    city, district = units()
    mine = portal_system.register(portal_system.leader(), unit=city, title="Điện mặt trời mái nhà")
    other = portal_system.register(
        portal_system.leader(), unit=district, title="Trường chuẩn quốc gia"
    )
    for task_id in (mine, other):
        portal_system.decide(task_id, "approve", reference="QĐ 50-QĐ/TU")
    page = signed_in("approver")
    page.get_by_role("link", name="Đánh giá", exact=True).click()
    expect(page.get_by_label("Hiển thị")).to_have_value("todo")
    page.get_by_label("Đơn vị").select_option(label=city[1])
    page.get_by_role("button", name="Lọc").click()
    titles = page.locator("table.stack tbody th a")
    expect(titles).to_have_text(["Điện mặt trời mái nhà"])
    look(page, "evaluations-filtered")
    page.get_by_role("link", name="Điện mặt trời mái nhà", exact=True).click()
    page.get_by_label("Hoàn thành xuất sắc nhiệm vụ").check()
    page.get_by_role("button", name="Ghi đánh giá").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi đánh giá nhiệm vụ")
    page.get_by_role("link", name="← Quay lại").click()
    expect(page.get_by_text("Không có nhiệm vụ nào khớp bộ lọc.")).to_be_visible()
    page.get_by_label("Hiển thị").select_option("done")
    page.get_by_role("button", name="Lọc").click()
    expect(titles).to_have_text(["Điện mặt trời mái nhà"])
    page.get_by_label("Lĩnh vực").select_option("party_building")
    page.get_by_role("button", name="Lọc").click()
    expect(titles).to_have_count(0)
