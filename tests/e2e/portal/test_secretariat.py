"""The secretariat's main paths in the browser: the pending list filtered by unit and
category, approving (and rejecting) many under one decision number, returning a task with a
reason, evaluating on the four ratings, and (as an admin) closing a year."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import SignedIn
from tests.e2e.portal.system import YEAR, PortalSystem
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
    assert portal_system.task(task_id)["evaluation"] == "good"


def test_an_admin_closes_a_year_and_nothing_more_is_written_for_it(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader, year=CLOSED_YEAR, title="Nhiệm vụ năm 2019")
    portal_system.decide(task_id, "approve")
    approver = signed_in("approver")
    approver.goto(f"{portal_system.url}/secretariat/closure?year={CLOSED_YEAR}")
    expect(approver.get_by_role("alert")).to_contain_text("cần quyền quản trị")

    page = signed_in("admin")
    page.get_by_role("link", name="Khóa sổ năm").click()
    page.get_by_label("Năm", exact=True).select_option(str(CLOSED_YEAR))
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Khóa sổ năm {CLOSED_YEAR}")
    expect(page.get_by_text("Nhiệm vụ đã duyệt chưa đánh giá: 1")).to_be_visible()
    page.get_by_label("Số quyết định, thông báo").fill("TB 99-TB/TU")
    page.get_by_role("button", name=f"Khóa sổ năm {CLOSED_YEAR}").click()
    assert "xác nhận" in error_of(page, "confirm")
    look(page, "closure-refused")
    page.get_by_label(f"Tôi xác nhận khóa sổ năm {CLOSED_YEAR}.").check()
    page.get_by_role("button", name=f"Khóa sổ năm {CLOSED_YEAR}").click()
    expect(page.locator(".flashes")).to_contain_text(f"Đã khóa sổ năm {CLOSED_YEAR}")
    expect(page.get_by_text(f"Năm {CLOSED_YEAR} đã khóa sổ")).to_be_visible()

    # the leader's report on that year's task is refused by the service, in Vietnamese
    leader_page = signed_in(leader)
    leader_page.goto(f"{portal_system.url}/my/tasks/{task_id}/progress")
    leader_page.get_by_label("Ngày báo cáo").fill(f"31/12/{CLOSED_YEAR}")
    leader_page.locator("#f-actuals-0-value").fill("3")
    leader_page.get_by_label("Đã hoàn thành").check()
    leader_page.get_by_role("button", name="Gửi báo cáo").click()
    expect(leader_page.get_by_role("alert")).to_contain_text("Năm này đã khóa sổ")
    look(leader_page, "progress-refused-year-closed")
