"""The Excel workbook: Vietnamese headers, numbers as numbers, dates as dates, text as text."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import openpyxl

from services.portal.excel import workbook
from services.portal.i18n import Translator


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
        "self_assessment": "excellent",
        "evaluation": "good",
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


def opened(tasks: list[dict[str, Any]], lang: str = "vi") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook(tasks, REPORT, Translator(lang))))


def test_the_tasks_sheet_has_vietnamese_headers_and_typed_cells() -> None:
    book = opened([task(), task(task_id="t-2", title="=1+1", targets=[])])
    assert book.sheetnames == ["Nhiệm vụ", "Theo đơn vị", "Theo lĩnh vực", "Theo chỉ tiêu"]
    sheet = book["Nhiệm vụ"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["STT", "Mã nhiệm vụ", "Năm", "Mã đơn vị"]
    assert header[-10:] == [
        "Chỉ tiêu 1", "Đơn vị tính 1", "Mục tiêu 1", "Thực hiện 1", "Đạt 1",
        "Chỉ tiêu 2", "Đơn vị tính 2", "Mục tiêu 2", "Thực hiện 2", "Đạt 2",
    ]  # fmt: skip
    row = dict(zip(header, sheet[2], strict=True))
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
    formula_like = dict(zip(header, sheet[3], strict=True))
    assert formula_like["Tên nhiệm vụ"].value == "=1+1"
    assert formula_like["Tên nhiệm vụ"].data_type == "s"
    assert formula_like["Mục tiêu 1"].value is None


def test_the_totals_sheets_hold_numbers() -> None:
    book = opened([task()])
    units = book["Theo đơn vị"]
    assert [c.value for c in units[1]][:3] == ["Mã đơn vị", "Đơn vị", "Đăng ký"]
    assert [c.value for c in units[2]][2:7] == [2, 1, 1, 2, 1]
    assert book["Theo chỉ tiêu"]["F2"].value == 100.0


def test_english_readers_get_english_headers() -> None:
    book = opened([task()], "en")
    assert book.sheetnames[0] == "Tasks"
    assert book["Tasks"]["A1"].value == "No."


def test_an_empty_year_is_a_workbook_with_headers_only() -> None:
    sheet = opened([])["Nhiệm vụ"]
    assert sheet.max_row == 1
