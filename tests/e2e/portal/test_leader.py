"""A leader's main paths in the browser: register (the form's own checks, then a refusal of
the service shown beside its field, in Vietnamese), amend a task the committee returned
(its reason in view), withdraw, report progress per target, self-assess."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.portal.browsing import Looking
from tests.e2e.portal.conftest import SignedIn
from tests.e2e.portal.system import TODAY, YEAR, PortalSystem

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


def test_a_third_live_task_is_refused_beside_the_year(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    leader = portal_system.leader()
    portal_system.register(leader)
    portal_system.register(leader, title="Nhiệm vụ thứ hai")
    page = signed_in(leader)
    page.get_by_role("link", name="Đăng ký nhiệm vụ mới").click()
    # the leader's name and unit come from their earlier registration
    expect(page.get_by_label("Họ và tên")).to_have_value(f"Lãnh đạo {leader[-2:]}")
    page.get_by_label("Tên nhiệm vụ").fill("Nhiệm vụ thứ ba")
    page.get_by_label("Lĩnh vực").select_option("digital_transformation")
    page.get_by_label("Sáng tạo").check()
    page.get_by_label("Hạn hoàn thành").fill(f"30/06/{YEAR}")
    page.locator("#f-targets-0-metric").fill("Thủ tục trực tuyến")
    page.locator("#f-targets-0-unit").fill("%")
    page.locator("#f-targets-0-target").fill("80")
    page.get_by_role("button", name="Gửi đăng ký").click()
    assert "đủ số nhiệm vụ được phép" in error_of(page, "year")
    look(page, "register-refused-quota")


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
