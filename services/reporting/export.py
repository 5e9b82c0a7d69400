"""``GET /reports/{year}.csv``: one row per task in scope, for a spreadsheet.

The file is UTF-8 with a byte order mark (so Excel reads Vietnamese names as UTF-8, as
LibreOffice and Google Sheets do anyway), comma separated with CRLF line ends (RFC 4180).
Columns: the task, its unit, registrant, title, category, kind, deadline, ``status`` (the
decision: pending, approved, rejected), ``progress`` (the latest reported status, empty when
none), ``overdue``, ``targets`` and ``targets_met`` (counts), then per target
``target_N_metric``, ``_unit``, ``_direction``, ``_target``, ``_latest`` (empty when never
reported) and ``_met``, for as many targets as the task in scope with the most has. A text
cell that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or CR) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date

from .domain import TaskView
from .domain.task_view import TargetView

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
COLUMNS = (
    "task_id",
    "year",
    "unit_code",
    "unit",
    "registrant_id",
    "registrant",
    "title",
    "category",
    "kind",
    "deadline",
    "status",
    "progress",
    "overdue",
    "targets",
    "targets_met",
)
TARGET_COLUMNS = ("metric", "unit", "direction", "target", "latest", "met")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_chunks(views: Sequence[TaskView], report_date: date) -> Iterator[str]:
    """The CSV document in pieces of ``ROWS_PER_CHUNK`` rows, the first with the header."""
    width = max((len(view.targets) for view in views), default=0)
    header = list(COLUMNS)
    for number in range(1, width + 1):
        header += [f"target_{number}_{name}" for name in TARGET_COLUMNS]
    for start in range(0, max(len(views), 1), ROWS_PER_CHUNK):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if start == 0:
            out.write(BOM)
            writer.writerow(header)
        for view in views[start : start + ROWS_PER_CHUNK]:
            writer.writerow(_row(view, report_date, width))
        yield out.getvalue()


def _row(view: TaskView, report_date: date, width: int) -> list[str | int | float]:
    data = view.registration
    overdue = view.approved and not view.completed and data.deadline < report_date
    row: list[str | int | float] = [
        view.task_id,
        data.year,
        _text(data.unit_code),
        _text(data.unit_name),
        _text(data.registrant_id),
        _text(data.registrant_name),
        _text(data.title),
        data.category.value,
        data.kind.value,
        data.deadline.isoformat(),
        view.decision.value,
        "" if view.status is None else view.status.value,
        _yes(overdue),
        len(view.targets),
        sum(t.met for t in view.targets),
    ]
    for target in view.targets:
        row += _target(target)
    return row + [""] * (len(TARGET_COLUMNS) * (width - len(view.targets)))


def _target(view: TargetView) -> list[str | int | float]:
    goal = view.target
    latest = "" if view.value is None else view.value
    return [
        _text(goal.metric),
        _text(goal.unit),
        goal.direction.value,
        goal.target,
        latest,
        _yes(view.met),
    ]


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def _yes(value: bool) -> str:
    return "yes" if value else "no"
