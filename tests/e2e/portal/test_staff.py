"""Staff's main paths in the browser: the dashboard (a day that is not one said beside its
field), drilled down from a unit to its tasks and to a task's whole history (who did what,
when, by name); who has not registered or reported lately; the year as Excel (opened with
openpyxl: a title, the scope and day, A4 landscape, Vietnamese headers, numbers as numbers,
dates as dates), as CSV for the office and for programs; the printable A4 report."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime

import openpyxl
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.portal.browsing import ARTIFACTS, Looking
from tests.e2e.portal.conftest import SignedIn, sign_in_by_link
from tests.e2e.portal.system import TODAY, YEAR, PortalSystem
from tests.support.clock import local_moment

ROSTER_YEAR = 2021
HEADER_ROW = 4  # the workbook's tables start there, under a title and the scope


def test_staff_drill_down_from_the_dashboard_to_a_tasks_history(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    tag = uuid.uuid4().hex[:6]
    unit = (f"cam-giang-{tag}", f"Huyện Cẩm Giàng {tag}")
    leader = portal_system.leader()
    task_id = portal_system.register(leader, unit=unit, title="Họp không giấy tờ")
    portal_system.decide(task_id, "approve", reference="TB 1587-TB/TU")
    portal_system.report_progress(
        task_id, leader, [{"metric": "Dự án hoàn thành GPMB", "value": 26}]
    )
    page = signed_in("viewer")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tổng hợp năm {YEAR}")
    look(page, "dashboard")
    page.get_by_role("link", name=unit[1]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit[1])
    expect(page.locator(".lead")).to_contain_text("1 nhiệm vụ đăng ký, 1 được duyệt")
    look(page, "dashboard-unit")
    page.get_by_role("link", name="Họp không giấy tờ").click()
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(3)
    # people by name, never by account id: the leader's acts by the leader's name, the
    # committee's by the body that decided (with the secretary's role)
    expect(history.nth(0)).to_contain_text("Đăng ký")
    expect(history.nth(0)).to_contain_text(f"Lãnh đạo {leader[-2:]}")
    expect(history.nth(1)).to_contain_text("Phê duyệt")
    expect(history.nth(1)).to_contain_text("Ban Thường vụ Tỉnh ủy")
    expect(history.nth(1)).to_contain_text("Thư ký Ban Thường vụ")
    expect(history.nth(2)).to_contain_text("Báo cáo tiến độ")
    expect(history.nth(2)).to_contain_text(f"Lãnh đạo {leader[-2:]}")
    expect(page.locator("table.history")).not_to_contain_text(leader)
    expect(page.locator("table.history")).not_to_contain_text("thu-ky-e2e")
    expect(page.get_by_role("link", name="Báo cáo tiến độ")).to_have_count(0)  # not theirs
    look(page, "task-history-for-staff")


def test_staff_see_who_has_not_registered_or_reported_lately(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    registered, absent = portal_system.leader(), portal_system.leader()
    tag = uuid.uuid4().hex[:6]
    roster = {
        "units": [{"code": f"ninh-giang-{tag}", "name": f"Huyện Ninh Giang {tag}"}],
        "leaders": [
            {
                "id": leader,
                "name": name,
                "position": "Bí thư Huyện ủy",
                "level": "district_leader",
                "unit": f"ninh-giang-{tag}",
            }
            for leader, name in ((registered, "Trần Văn Bình"), (absent, "Lê Thị Hoa"))
        ],
    }
    portal_system.call("registration", "admin", "PUT", f"/roster/{ROSTER_YEAR}", json=roster)
    body = {
        "year": ROSTER_YEAR,
        "registrant": {"id": registered},  # the roster says who they are
        "title": "Nâng cao chất lượng sinh hoạt chi bộ",
        "category": "party_building",
        "kind": "creative",
        "targets": [{"metric": "Chi bộ đạt chuẩn", "unit": "%", "target": 90}],
        "deadline": f"{ROSTER_YEAR}-12-31",
    }
    # a record of that year, imported by an admin: approved on 1 February and never reported
    # on since (a task is not stale until stale_days after its approval)
    task = portal_system.call(
        "registration",
        "admin",
        "POST",
        "/tasks",
        json=body,
        headers={"Recorded-At": local_moment(date(ROSTER_YEAR, 1, 15))},
    )
    portal_system.decide(
        task["task_id"], "approve", recorded_at=local_moment(date(ROSTER_YEAR, 2, 1), 9)
    )
    page = signed_in("viewer")
    page.get_by_role("link", name="Đôn đốc").first.click()
    page.get_by_label("Năm", exact=True).select_option(str(ROSTER_YEAR))
    page.get_by_role("button", name="Xem").click()
    absent = page.get_by_role("region", name="Lãnh đạo chưa đăng ký")
    expect(absent.get_by_role("row").filter(has_text="Lê Thị Hoa")).to_contain_text(
        f"Huyện Ninh Giang {tag}"
    )
    expect(absent.get_by_role("row").filter(has_text="Trần Văn Bình")).to_have_count(0)
    stale = page.get_by_role("region", name="Nhiệm vụ chưa báo cáo tiến độ trong 30 ngày")
    row = stale.get_by_role("row").filter(has_text="Nâng cao chất lượng sinh hoạt chi bộ")
    expect(row).to_contain_text("Trần Văn Bình")
    expect(row).to_contain_text("Chưa báo cáo")
    look(page, "missing")


def test_staff_export_the_year_to_excel_and_csv(
    signed_in: SignedIn, portal_system: PortalSystem
) -> None:
    leader = portal_system.leader()
    task_id = portal_system.register(leader, title='=HYPERLINK("http://x") giữ nguyên là chữ')
    portal_system.decide(task_id, "approve")
    portal_system.report_progress(task_id, leader, [{"metric": "Diện tích GPMB", "value": 1109.5}])
    page = signed_in("viewer")
    with page.expect_download() as excel:
        page.get_by_role("link", name="Tải Excel").click()
    path = ARTIFACTS / f"nhiem-vu-{YEAR}.xlsx"
    excel.value.save_as(path)
    assert excel.value.suggested_filename == f"nhiem-vu-{YEAR}.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Nhiệm vụ", "Theo đơn vị", "Theo lĩnh vực", "Theo chỉ tiêu"]
    for sheet in book.worksheets:  # a title, the scope and the day; A4 landscape
        assert str(sheet["A1"].value).endswith(f"năm {YEAR}") or f"năm {YEAR} theo" in str(
            sheet["A1"].value
        )
        assert f"Số liệu tính đến ngày {TODAY.strftime('%d/%m/%Y')}" in sheet["A2"].value
        assert "Lĩnh vực: tất cả" in sheet["A2"].value
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    sheet = book["Nhiệm vụ"]
    assert sheet["A1"].value == f"Danh sách nhiệm vụ đột phá, sáng tạo năm {YEAR}"
    header = [cell.value for cell in sheet[HEADER_ROW]]
    for wanted in ("STT", "Mã nhiệm vụ", "Đơn vị", "Tên nhiệm vụ", "Hạn hoàn thành"):
        assert wanted in header
    assert header[header.index("Mục tiêu 1") - 2 : header.index("Mục tiêu 1") + 3] == [
        "Chỉ tiêu 1", "Đơn vị tính 1", "Mục tiêu 1", "Thực hiện 1", "Đạt 1",
    ]  # fmt: skip
    column = {name: index for index, name in enumerate(header)}
    row = next(
        r
        for r in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if r[column["Mã nhiệm vụ"]].value == task_id
    )
    assert row[column["Tên nhiệm vụ"]].value.startswith("=HYPERLINK")
    assert row[column["Tên nhiệm vụ"]].data_type == "s"  # text, never a formula
    assert isinstance(row[column["Hạn hoàn thành"]].value, datetime)
    assert row[column["Hạn hoàn thành"]].value.date().isoformat() == f"{YEAR}-12-31"
    assert row[column["Mục tiêu 1"]].value == 26
    assert row[column["Mục tiêu 2"]].value == 287.5
    assert row[column["Thực hiện 2"]].value == 1109.5
    assert isinstance(row[column["STT"]].value, int)
    units = book["Theo đơn vị"]
    assert [cell.value for cell in units[HEADER_ROW]][:4] == [
        "Mã đơn vị", "Đơn vị", "Đăng ký", "Được duyệt",
    ]  # fmt: skip
    assert all(isinstance(cell.value, int) for cell in units[HEADER_ROW + 1][2:])

    # the office's CSV: Vietnamese headers and words, dd/mm/yyyy, 1.109,5, cells by ";"
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải CSV").click()
    assert download.value.suggested_filename == f"nhiem-vu-{YEAR}.csv"
    raw = download.value.path().read_bytes()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    mine = next(line for line in table if line["Mã nhiệm vụ"] == task_id)
    assert mine["Hạn hoàn thành"] == f"31/12/{YEAR}"
    assert mine["Lĩnh vực"] == "Phát triển kinh tế - xã hội"
    assert mine["Trạng thái đăng ký"] == "Đã duyệt"
    assert mine["Tiến độ"] == "Đang thực hiện"
    assert mine["Mục tiêu 2"] == "287,5"
    assert mine["Thực hiện 2"] == "1.109,5"
    assert mine["Đạt 2"] == "Có"
    assert mine["Tên nhiệm vụ"].startswith("'=HYPERLINK")  # never a formula

    # and the same for programs: reporting's own CSV
    with page.expect_download() as data:
        page.get_by_role("link", name="CSV dữ liệu (cho phần mềm)").click()
    rows = list(csv.DictReader(io.StringIO(data.value.path().read_bytes().decode("utf-8-sig"))))
    theirs = next(line for line in rows if line["task_id"] == task_id)
    assert theirs["target_2_latest"] == "1109.5"
    assert theirs["deadline"] == f"{YEAR}-12-31"


def test_a_day_that_is_not_one_is_said_beside_the_field(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    page = signed_in("viewer")
    page.get_by_label("Tính đến ngày").fill("31/02/2024")
    page.get_by_role("button", name="Xem").click()
    field = page.get_by_label("Tính đến ngày")
    expect(field).to_have_value("31/02/2024")  # what was typed, to correct
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#filter-as-of-error")).to_contain_text("Ngày không hợp lệ")
    expect(page.get_by_role("alert")).to_contain_text("tính đến hôm nay, chưa theo ngày đã nhập")
    look(page, "dashboard-bad-day")
    page.get_by_role("alert").get_by_role("link").click()
    expect(field).to_be_focused()
    field.fill(f"30/06/{YEAR}")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(field).to_have_value(f"30/06/{YEAR}")


def test_no_page_asks_for_what_is_not_there(
    signed_in: SignedIn, portal_system: PortalSystem
) -> None:
    """favicon.ico and every other request of a page are answered (no 404)."""
    missing: list[str] = []
    page = signed_in("viewer")
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(f"{portal_system.url}/dashboard")
    page.wait_for_load_state("networkidle")
    icon = page.request.get(f"{portal_system.url}/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an icon
    assert missing == []


def test_staff_print_the_years_report_on_a4(
    signed_in: SignedIn, portal_system: PortalSystem, look: Looking
) -> None:
    page = signed_in("viewer")
    page.get_by_role("link", name="Bản in A4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Báo cáo tổng hợp nhiệm vụ đột phá, sáng tạo năm {YEAR}"
    )
    look(page, "report-print-screen")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="In báo cáo")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "report-print-media.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / f"bao-cao-{YEAR}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes
    assert all((round(float(w)), round(float(h))) == (595, 842) for w, h in sizes)  # A4 in points


def test_a_viewer_whose_identity_carries_a_unit_sees_that_unit_only(
    context: BrowserContext, portal_system: PortalSystem, look: Looking
) -> None:
    provider = portal_system.provider
    if provider is None:
        pytest.skip("tokens carrying a unit come from the OpenID provider of the tests (Node.js)")
    tag = uuid.uuid4().hex[:6]
    mine, other = (
        (f"thanh-ha-{tag}", f"Huyện Thanh Hà {tag}"),
        (f"kinh-mon-{tag}", f"Thị xã Kinh Môn {tag}"),
    )
    portal_system.register(portal_system.leader(), unit=mine, title="Vùng vải thiều")
    portal_system.register(portal_system.leader(), unit=other, title="Khu công nghiệp")
    token = provider.service_token(
        f"staff-{tag}", [], realm_roles=["viewer"], person_claim="preferred_username", unit=mine[0]
    )
    page = context.new_page()
    sign_in_by_link(page, f"{portal_system.url}/?year={YEAR}", token)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tổng hợp năm {YEAR}")
    units = page.get_by_role("region", name="Theo đơn vị")
    expect(units.get_by_role("link", name=mine[1])).to_be_visible()
    expect(units.get_by_role("link")).to_have_count(1)
    look(page, "dashboard-one-unit")
    page.goto(f"{portal_system.url}/dashboard/units/{other[0]}?year={YEAR}")
    expect(page.get_by_role("alert")).to_contain_text("chỉ xem được số liệu của đơn vị mình")
