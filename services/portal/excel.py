"""A year's tasks and totals as an Excel workbook (``.xlsx``, openpyxl).

Headers are in the reader's language (Vietnamese first); numbers are stored as numbers,
dates as dates (shown dd/mm/yyyy); text is always text, even when it starts with ``=``
(never a formula from someone's title). Sheets: the tasks (one row each, with every target
and its latest value), and the totals by unit, by category and by metric.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
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


def workbook(tasks: Sequence[Json], report: Json, t: Translator) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("xlsx.sheet_tasks")
    width = max((len(task.get("targets", [])) for task in tasks), default=0)
    header = [t(f"xlsx.{name}") for name in TASK_COLUMNS]
    for number in range(1, width + 1):
        header += [t(f"xlsx.target_{name}", n=number) for name in TARGET_COLUMNS]
    _table(sheet, header, (_task_row(i, task, width, t) for i, task in enumerate(tasks, 1)))
    units = book.create_sheet(t("xlsx.sheet_units"))
    _table(
        units,
        [t("xlsx.unit_code"), t("xlsx.unit"), *_counts_header(t)],
        ([row["code"], row["name"], *_counts(row)] for row in report.get("by_unit", [])),
    )
    categories = book.create_sheet(t("xlsx.sheet_categories"))
    _table(
        categories,
        [t("xlsx.category"), *_counts_header(t)],
        (
            [t.label("category", row["category"]), *_counts(row)]
            for row in report.get("by_category", [])
        ),
    )
    metrics = book.create_sheet(t("xlsx.sheet_metrics"))
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
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
        t.label("rating", task.get("self_assessment")), t.label("rating", task.get("evaluation")),
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
    sheet.append(header)
    for cell in sheet[1]:
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
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
