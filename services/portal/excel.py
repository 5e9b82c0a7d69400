"""A year's tasks and totals as an Excel workbook (``.xlsx``, openpyxl).

Headers are in the reader's language (Vietnamese first); numbers are stored as numbers,
dates as dates (shown dd/mm/yyyy); text is always text, even when it starts with ``=``
(never a formula from someone's title). Sheets: the tasks (one row each, with every target
and its latest value), and the totals by unit, by category and by metric. Each sheet opens
with a title, the scope and the day of the data (``Scope``), then its table (headers on row
``HEADER_ROW``, frozen, filtered); it prints on A4 landscape, one page wide, the headers on
every page, the page number in the footer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .apis import Json
from .i18n import Translator, to_date

DATE_FORMAT = "dd/mm/yyyy"
NUMBER_FORMAT = "#,##0.###"
TASK_COLUMNS = (
    "number", "task_id", "year", "unit_code", "unit", "registrant_id", "registrant", "position",
    "title", "category", "kind", "deadline", "status", "progress", "reported_at", "overdue",
    "targets", "targets_met", "self_assessment", "evaluation",
)  # fmt: skip
TARGET_COLUMNS = ("metric", "measure", "target", "latest", "met")
ROW_COLUMNS = ("registered", "approved", "completed", "targets_total", "targets_met")
RATINGS = ("excellent", "good", "completed", "not_completed", "not_evaluated")
HEADER_ROW = 4
A4 = 9  # the paper size code of A4 in SpreadsheetML


@dataclass(frozen=True)
class Scope:
    """What the workbook covers: the year, a category (None: all), the day its figures are
    as of, and when it was made (shown in the province's zone)."""

    year: int
    category: str | None
    as_of: date
    made: datetime


def workbook(tasks: Sequence[Json], report: Json, t: Translator, scope: Scope) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("xlsx.sheet_tasks")
    width = max((len(task.get("targets", [])) for task in tasks), default=0)
    header = [t(f"xlsx.{name}") for name in TASK_COLUMNS]
    for number in range(1, width + 1):
        header += [t(f"xlsx.target_{name}", n=number) for name in TARGET_COLUMNS]
    _heading(sheet, t("xlsx.title_tasks", year=scope.year), scope, t)
    _table(sheet, header, (_task_row(i, task, width, t) for i, task in enumerate(tasks, 1)))
    units = book.create_sheet(t("xlsx.sheet_units"))
    _heading(units, t("xlsx.title_units", year=scope.year), scope, t)
    _table(
        units,
        [t("xlsx.unit_code"), t("xlsx.unit"), *_counts_header(t)],
        ([row["code"], row["name"], *_counts(row)] for row in report.get("by_unit", [])),
    )
    categories = book.create_sheet(t("xlsx.sheet_categories"))
    _heading(categories, t("xlsx.title_categories", year=scope.year), scope, t)
    _table(
        categories,
        [t("xlsx.category"), *_counts_header(t)],
        (
            [t.label("category", row["category"]), *_counts(row)]
            for row in report.get("by_category", [])
        ),
    )
    metrics = book.create_sheet(t("xlsx.sheet_metrics"))
    _heading(metrics, t("xlsx.title_metrics", year=scope.year), scope, t)
    _table(
        metrics,
        [
            t(f"xlsx.metric_{name}")
            for name in ("metric", "unit", "tasks", "target", "actual", "percent")
        ],
        (
            [m["metric"], m["unit"], m["tasks"], m["target"], m["actual"], m["percent"]]
            for m in report.get("metrics", [])
        ),
    )
    for each in book.worksheets:
        _printed(each, t)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scope_line(scope: Scope, t: Translator) -> str:
    category = t.label("category", scope.category) if scope.category else t("xlsx.all_categories")
    return t(
        "xlsx.scope",
        owner=t("site.owner"),
        category=category,
        day=t.date(scope.as_of),
        made=t.datetime(scope.made),
    )


def _heading(sheet: Worksheet, title: str, scope: Scope, t: Translator) -> None:
    """The sheet's title and scope above its table (row ``HEADER_ROW`` is the header)."""
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14, color="7A1F1F")
    sheet["A2"] = scope_line(scope, t)
    sheet["A2"].font = Font(italic=True)
    for cell in (sheet["A1"], sheet["A2"]):
        cell.data_type = "s"


def _printed(sheet: Worksheet, t: Translator) -> None:
    """A4 landscape, one page wide (as many pages long as it takes), the title and header
    rows on every page, the page number at the foot."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    footer, header = sheet.oddFooter, sheet.oddHeader
    assert footer is not None
    assert header is not None
    footer.center.text = t("xlsx.page", page="&P", pages="&N")
    header.right.text = t("site.owner")


def _task_row(number: int, task: Json, width: int, t: Translator) -> list[Any]:
    registrant, unit = task["registrant"], task["unit"]
    progress = task.get("progress") or {}
    targets = task.get("targets", [])
    row: list[Any] = [
        number, task["task_id"], task["year"], unit["code"], unit["name"], registrant["id"],
        registrant["name"], registrant.get("position", ""), task["title"],
        t.label("category", task["category"]), t.label("kind", task["kind"]),
        to_date(task.get("deadline")), t.label("stage", task.get("stage") or task["status"]),
        t.label("progress", progress.get("status")), to_date(progress.get("reported_at")),
        t("xlsx.yes") if progress.get("overdue") else t("xlsx.no"),
        len(targets), sum(1 for target in targets if target.get("met")),
        t.rating(task.get("self_assessment")), t.rating(task.get("evaluation")),
    ]  # fmt: skip
    for target in targets:
        met = t("xlsx.yes") if target.get("met") else t("xlsx.no")
        row += [target["metric"], target["unit"], target["target"], target.get("latest"), met]
    return row + [None] * (len(TARGET_COLUMNS) * (width - len(targets)))


def _counts_header(t: Translator) -> list[str]:
    return [t(f"xlsx.{name}") for name in ROW_COLUMNS] + [
        t.label("rating", name) for name in RATINGS
    ]


def _counts(row: Json) -> list[Any]:
    rated = row.get("evaluation") or {}
    return [row.get(name, 0) for name in ROW_COLUMNS] + [rated.get(name, 0) for name in RATINGS]


def _table(sheet: Worksheet, header: list[str], rows: Iterable[list[Any]]) -> None:
    for column, text in enumerate(header, 1):
        sheet.cell(row=HEADER_ROW, column=column, value=text)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="7A1F1F")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(max(len(h), 8), 40) for h in header]
    for values in rows:
        sheet.append([None if value == "" else value for value in values])
        for index, cell in enumerate(sheet[sheet.max_row]):
            value = cell.value
            if isinstance(value, str):
                cell.data_type = "s"  # a title starting with "=" stays text
                widths[index] = min(max(widths[index], len(value)), 60)
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
                widths[index] = max(widths[index], 11)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = NUMBER_FORMAT if isinstance(value, float) else "#,##0"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    last = f"{get_column_letter(max(len(header), 1))}{max(sheet.max_row, HEADER_ROW)}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}"
