"""A leader's main paths in the browser: register (the form's own checks, then a refusal of
the service shown beside its field, in Vietnamese), amend a task the committee returned
(its reason in view), withdraw, report progress per target, self-assess."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import SignedIn
from tests.e2e.portal.system import TODAY, YEAR, PortalSystem
from tests.support.clock import local_moment

REASON = "Đề nghị bổ sung chỉ tiêu về diện tích và nêu rõ tiến độ từng quý."


def error_of(page: Page, field: str) -> str:
    """The message beside a field, which its input names in aria-describedby."""
    field_id = "f-" + field.replace(".", "-")
    control = page.locator(f"#{field_id}")
    expect(control).to_have_attribute("aria-invalid", "true")
    assert f"{field_id}-error" in (control.get_attribute("aria-describedby") or "")
    return " ".join(page.locator(f"#{field_id}-error").inner_text().split())


def test_a_leader_registers_a_task_with_the_forms_checks_and_the_services_refusal(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    page = signed_in(portal_system.leader())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Nhiệm vụ của tôi năm {YEAR}")
    page.get_by_role("link", name="Đăng ký nhiệm vụ mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký nhiệm vụ")
    look(page, "register-form")
    page.get_by_role("button", name="Gửi đăng ký").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Cần sửa các mục sau")
    assert error_of(page, "title") == "Lỗi: Chưa nhập thông tin này."
    assert "Hãy chọn" in error_of(page, "category")
    assert "ít nhất một chỉ tiêu" in error_of(page, "targets.0.metric")

    page.get_by_label("Tên nhiệm vụ").fill("Đẩy nhanh tiến độ giải phóng mặt bằng")
    page.get_by_label("Lĩnh vực").select_option(label="Phát triển kinh tế - xã hội")
    page.get_by_label("Đột phá").check()
    page.get_by_label("Hạn hoàn thành").fill(f"31/12/{YEAR - 1}")
    page.locator("#f-targets-0-metric").fill("Dự án hoàn thành GPMB")
    page.locator("#f-targets-0-unit").fill("dự án")
    page.locator("#f-targets-0-target").fill("26")
    page.locator("#f-targets-1-metric").fill("Diện tích GPMB")
    page.locator("#f-targets-1-unit").fill("ha")
    page.locator("#f-targets-1-target").fill("1.287,5")
    page.get_by_role("button", name="Gửi đăng ký").click()
    assert f"trong năm {YEAR}" in error_of(page, "deadline")

    page.get_by_label("Hạn hoàn thành").fill(f"31/12/{YEAR}")
    page.get_by_role("button", name="Gửi đăng ký").click()
    # no roster this year: the service needs the leader's name, and says so beside it
    expect(summary).to_contain_text("Họ và tên")
    assert "chưa có danh sách lãnh đạo" in error_of(page, "registrant.name")
    look(page, "register-refused-by-the-service")

    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Chức vụ").fill("Phó Chủ tịch UBND huyện Kim Thành")
    page.get_by_label("Cấp", exact=True).select_option("district_leader")
    page.get_by_label("Mã đơn vị").fill("kim-thanh")
    page.get_by_label("Tên đơn vị").fill("Huyện Kim Thành")
    page.get_by_role("button", name="Gửi đăng ký").click()
    expect(page.locator(".flashes")).to_contain_text("Đã gửi đăng ký nhiệm vụ")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Đẩy nhanh tiến độ giải phóng mặt bằng"
    )
    expect(page.locator(".meta .badge").first).to_have_text("Chờ duyệt")
    expect(page.get_by_role("cell", name="1.287,5", exact=True)).to_be_visible()
    look(page, "task-registered")


def test_a_third_live_task_is_not_offered(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    """Registration says what the leader may do in the year (``GET /years``: ``allowed``
    and the quota): with two live tasks, registering is not offered for this year, and the
    form offers only the years still open to them."""
    leader = portal_system.leader()
    portal_system.register(leader)
    portal_system.register(leader, title="Nhiệm vụ thứ hai")
    page = signed_in(leader)
    expect(page.get_by_text("Đồng chí đang có 2/2 nhiệm vụ")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng ký nhiệm vụ mới")).to_have_count(0)
    nav = page.get_by_role("navigation", name="Các trang chính")
    expect(nav.get_by_role("link", name="Đăng ký nhiệm vụ")).to_have_count(0)
    expect(page.get_by_role("note")).to_contain_text(f"Năm {YEAR} không mở đăng ký")
    look(page, "my-tasks-quota-full")

    page.goto(f"{portal_system.url}/my/tasks/new?year={YEAR}")
    expect(page.get_by_role("note")).to_contain_text(f"Năm {YEAR} không mở đăng ký")
    expect(page.get_by_role("note")).to_contain_text("2/2 nhiệm vụ")
    years = page.locator("#f-year option")
    expect(years).to_have_text(["— Chọn —", str(YEAR + 1), str(YEAR - 1)])
    # the leader's name and unit come from their earlier registration
    expect(page.get_by_label("Họ và tên")).to_have_value(f"Lãnh đạo {leader[-2:]}")
    look(page, "register-form-year-not-open")


def test_a_leader_amends_a_returned_task_with_the_committees_reason_in_view(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader, title="Chuyển đổi số trong cải cách hành chính")
    portal_system.decide(task_id, "return", reason=REASON)
    page = signed_in(leader)
    card = page.locator(".task-card", has_text="Chuyển đổi số trong cải cách hành chính")
    expect(card.locator(".badge").first).to_have_text("Trả lại để chỉnh sửa")
    look(page, "my-tasks-with-a-returned-task")
    card.get_by_role("link", name="Xem lý do và chỉnh sửa").click()
    expect(page.get_by_role("note")).to_contain_text(REASON)
    page.get_by_role("link", name="Chỉnh sửa", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chỉnh sửa nhiệm vụ")
    expect(page.get_by_role("note")).to_contain_text(REASON)
    expect(page.get_by_label("Tên nhiệm vụ")).to_have_value(
        "Chuyển đổi số trong cải cách hành chính"
    )
    page.locator("#f-targets-2-metric").fill("Diện tích GPMB quý II")
    page.locator("#f-targets-2-unit").fill("ha")
    page.locator("#f-targets-2-target").fill("120")
    look(page, "amend-form")
    page.get_by_role("button", name="Gửi lại đăng ký").click()
    expect(page.locator(".flashes")).to_contain_text("Đã gửi lại đăng ký")
    expect(page.locator(".meta .badge").first).to_have_text("Chờ duyệt")
    history = page.locator("table.history")
    expect(history).to_contain_text("Trả lại để chỉnh sửa")
    expect(history).to_contain_text("Chỉnh sửa đăng ký")
    expect(page.get_by_role("rowheader", name="Diện tích GPMB quý II")).to_be_visible()


def test_a_leader_withdraws_a_pending_task(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader)
    page = signed_in(leader)
    page.goto(f"{portal_system.url}/tasks/{task_id}")
    page.get_by_role("link", name="Rút đăng ký").click()
    page.get_by_role("button", name="Rút đăng ký").click()
    assert "Chưa nhập" in error_of(page, "reason")
    look(page, "withdraw-refused")
    page.get_by_label("Lý do rút").fill("Đơn vị điều chỉnh nhiệm vụ trọng tâm của năm.")
    page.get_by_role("button", name="Rút đăng ký").click()
    expect(page.locator(".flashes")).to_contain_text("Đã rút đăng ký")
    expect(page.locator(".meta .badge").first).to_have_text("Đã rút")
    expect(page.get_by_role("link", name="Chỉnh sửa", exact=True)).to_have_count(0)


def test_a_leader_reports_progress_per_target_and_self_assesses(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader)
    portal_system.decide(task_id, "approve", reference="QĐ 12-QĐ/TU")
    page = signed_in(leader)
    page.goto(f"{portal_system.url}/tasks/{task_id}")
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    expect(page.get_by_label("Ngày báo cáo")).to_have_value(TODAY.strftime("%d/%m/%Y"))
    tomorrow = TODAY + timedelta(days=1)
    page.get_by_label("Ngày báo cáo").fill(tomorrow.strftime("%d/%m/%Y"))
    page.get_by_label("Dự án hoàn thành GPMB (dự án)").fill("15")
    page.get_by_label("Diện tích GPMB (ha)").fill("109,5")
    page.get_by_label("Đang thực hiện").check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    assert re.search("sau hôm nay|trong năm", error_of(page, "reported_at"))
    page.get_by_label("Ngày báo cáo").fill(TODAY.strftime("%d/%m/%Y"))
    page.get_by_label("Diện tích GPMB (ha)").fill("1.09,5")
    page.get_by_role("button", name="Gửi báo cáo").click()
    assert "Không phải là số" in error_of(page, "actuals.1.value")
    page.get_by_label("Diện tích GPMB (ha)").fill("109,5")
    look(page, "progress-form")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi báo cáo tiến độ")
    expect(page.get_by_role("cell", name="109,5", exact=True)).to_be_visible()
    expect(page.locator("table.history")).to_contain_text("Báo cáo tiến độ")

    page.get_by_role("link", name="Tự đánh giá").click()
    page.get_by_label("Hoàn thành tốt nhiệm vụ").check()
    page.get_by_label("Tóm tắt kết quả").fill("Hoàn thành 15/26 dự án, 109,5 ha; còn vướng mắc.")
    look(page, "self-assessment-form")
    page.get_by_role("button", name="Gửi tự đánh giá").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi kết quả tự đánh giá")
    expect(page.locator(".meta .badge").first).to_have_text("Đã tự đánh giá")
    expect(page.locator(".facts").last).to_contain_text("Hoàn thành tốt nhiệm vụ")
    look(page, "task-self-assessed")


def test_a_report_on_last_years_task_is_dated_in_that_year_and_keeps_its_status(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    """A report must be dated in its task's year: for a year gone by the form offers the
    year's last day (not today, which would be refused); the latest status is chosen. Last
    year's task is a record of last year (imported by an admin on its day), since a leader's
    report may not be dated before the task's registration."""
    leader = portal_system.leader()
    last_year = YEAR - 1
    task_id = portal_system.register(
        leader,
        year=last_year,
        title="Chuyển đổi số cấp xã",
        recorded_at=local_moment(date(last_year, 1, 15)),
    )
    portal_system.decide(task_id, "approve", reference="QĐ 45-QĐ/TU")
    page = signed_in(leader)
    page.goto(f"{portal_system.url}/my/tasks/{task_id}/progress")
    expect(page.get_by_label("Ngày báo cáo")).to_have_value(f"31/12/{last_year}")
    expect(page.get_by_label("Đang thực hiện")).to_be_checked()  # a first report: going on
    page.get_by_label("Dự án hoàn thành GPMB (dự án)").fill("20")
    page.get_by_label("Có nguy cơ không đạt").check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".flashes")).to_contain_text("Đã ghi báo cáo tiến độ")
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    expect(page.get_by_label("Có nguy cơ không đạt")).to_be_checked()  # as last reported
    expect(page.get_by_label("Dự án hoàn thành GPMB (dự án)")).to_have_value("20")
    look(page, "progress-form-last-year")
