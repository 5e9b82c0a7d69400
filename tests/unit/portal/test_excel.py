"""The Excel workbook: a title and the scope above each table, Vietnamese headers, numbers as
numbers, dates as dates, text as text; printed on A4 landscape."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import openpyxl

from services.portal.excel import HEADER_ROW, Scope, workbook
from services.portal.i18n import Translator

H = HEADER_ROW
SCOPE = Scope(2024, None, date(2024, 12, 6), datetime(2024, 12, 5, 18, 30, tzinfo=UTC))


def task(**changes: Any) -> dict[str, Any]:
    return {
        "task_id": "t-1",
        "year": 2024,
        "status": "approved",
        "stage": "evaluated",
        "registrant": {"id": "hung", "name": "Phạm Quang Hưng", "position": "Chủ tịch"},
        "unit": {"code": "kim-thanh", "name": "Huyện Kim Thành"},
        "title": "Giải phóng mặt bằng",
        "category": "socio_economic",
        "kind": "breakthrough",
        "deadline": "2024-12-31",
        "progress": {"status": "completed", "reported_at": "2024-12-20", "overdue": False},
        "targets": [
            {"metric": "Dự án", "unit": "dự án", "target": 26, "latest": 26, "met": True},
            {"metric": "Diện tích", "unit": "ha", "target": 287.5, "latest": None, "met": False},
        ],
        "self_assessment": {"rating": "excellent", "summary": "Vượt chỉ tiêu"},
        "evaluation": {"rating": "good", "decided_by": "Ban Thường vụ Tỉnh ủy"},
    } | changes


REPORT = {
    "by_unit": [
        {
            "code": "kim-thanh",
            "name": "Huyện Kim Thành",
            "registered": 2,
            "approved": 1,
            "completed": 1,
            "targets_total": 2,
            "targets_met": 1,
            "evaluation": {"good": 1, "not_evaluated": 0},
        }
    ],
    "by_category": [
        {
            "category": "socio_economic",
            "registered": 2,
            "approved": 1,
            "completed": 1,
            "targets_total": 2,
            "targets_met": 1,
        }
    ],
    "metrics": [
        {
            "metric": "Dự án",
            "unit": "dự án",
            "tasks": 1,
            "target": 26,
            "actual": 26,
            "percent": 100.0,
        }
    ],
}


def opened(
    tasks: list[dict[str, Any]], lang: str = "vi", scope: Scope = SCOPE
) -> openpyxl.Workbook:
    made = workbook(tasks, REPORT, Translator(lang, "Asia/Ho_Chi_Minh"), scope)
    return openpyxl.load_workbook(io.BytesIO(made))


def test_the_tasks_sheet_has_vietnamese_headers_and_typed_cells() -> None:
    book = opened([task(), task(task_id="t-2", title="=1+1", targets=[])])
    assert book.sheetnames == ["Nhiệm vụ", "Theo đơn vị", "Theo lĩnh vực", "Theo chỉ tiêu"]
    sheet = book["Nhiệm vụ"]
    header = [cell.value for cell in sheet[H]]
    assert header[:4] == ["STT", "Mã nhiệm vụ", "Năm", "Mã đơn vị"]
    assert header[-10:] == [
        "Chỉ tiêu 1", "Đơn vị tính 1", "Mục tiêu 1", "Thực hiện 1", "Đạt 1",
        "Chỉ tiêu 2", "Đơn vị tính 2", "Mục tiêu 2", "Thực hiện 2", "Đạt 2",
    ]  # fmt: skip
    row = dict(zip(header, sheet[H + 1], strict=True))
    assert row["STT"].value == 1
    assert row["Năm"].value == 2024
    assert row["Hạn hoàn thành"].value == datetime(2024, 12, 31)
    assert row["Hạn hoàn thành"].number_format == "dd/mm/yyyy"
    assert row["Mục tiêu 2"].value == 287.5
    assert row["Thực hiện 2"].value is None
    assert row["Lĩnh vực"].value == "Phát triển kinh tế - xã hội"
    assert row["Trạng thái"].value == "Đã đánh giá"
    assert row["Kết quả đánh giá"].value == "Hoàn thành tốt nhiệm vụ"
    assert row["Số chỉ tiêu đạt"].value == 1
    formula_like = dict(zip(header, sheet[H + 2], strict=True))
    assert formula_like["Tên nhiệm vụ"].value == "=1+1"
    assert formula_like["Tên nhiệm vụ"].data_type == "s"
    assert formula_like["Mục tiêu 1"].value is None


def test_the_totals_sheets_hold_numbers() -> None:
    book = opened([task()])
    units = book["Theo đơn vị"]
    assert [c.value for c in units[H]][:3] == ["Mã đơn vị", "Đơn vị", "Đăng ký"]
    assert [c.value for c in units[H + 1]][2:7] == [2, 1, 1, 2, 1]
    assert book["Theo chỉ tiêu"][f"F{H + 1}"].value == 100.0


def test_english_readers_get_english_headers() -> None:
    book = opened([task()], "en")
    assert book.sheetnames[0] == "Tasks"
    assert book["Tasks"][f"A{H}"].value == "No."
    assert book["Tasks"]["A1"].value == "Breakthrough and creative tasks, 2024"


def test_an_empty_year_is_a_workbook_with_headers_only() -> None:
    sheet = opened([])["Nhiệm vụ"]
    assert sheet.max_row == H


def test_every_sheet_has_a_title_and_its_scope_and_prints_on_a4_landscape() -> None:
    scope = Scope(2024, "digital_transformation", date(2024, 12, 6), SCOPE.made)
    book = opened([task()], scope=scope)
    titles = [book[name]["A1"].value for name in book.sheetnames]
    assert titles == [
        "Danh sách nhiệm vụ đột phá, sáng tạo năm 2024",
        "Tổng hợp nhiệm vụ đột phá, sáng tạo năm 2024 theo đơn vị",
        "Tổng hợp nhiệm vụ đột phá, sáng tạo năm 2024 theo lĩnh vực",
        "Tổng hợp nhiệm vụ đột phá, sáng tạo năm 2024 theo chỉ tiêu",
    ]
    for sheet in book.worksheets:
        # the day the figures are as of, and when it was made in Hà Nội time (01:30 on 6/12)
        assert sheet["A2"].value == (
            "Ban Thường vụ Tỉnh ủy · Lĩnh vực: Chuyển đổi số · Số liệu tính đến ngày 06/12/2024"
            " · Lập lúc 06/12/2024 01:30"
        )
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
        fit = sheet.sheet_properties.pageSetUpPr
        assert fit is not None
        assert fit.fitToPage
        assert sheet.print_title_rows == f"${H}:${H}"  # the header on every page
        assert sheet.freeze_panes == f"A{H + 1}"
        assert sheet.auto_filter.ref.startswith(f"A{H}:")
    whole = opened([task()])["Nhiệm vụ"]["A2"].value
    assert "Lĩnh vực: tất cả" in whole
