"""``GET /reports/{year}.csv``: one row per task in scope, for a spreadsheet, written in pieces.

UTF-8 with a byte order mark (Excel then reads Vietnamese names as UTF-8), comma separated,
CRLF line ends (RFC 4180). Columns: the task, its unit, registrant, title, category, kind,
deadline, ``status`` (pending, returned, approved, rejected, withdrawn), ``progress`` (the
latest reported status, empty when none), ``overdue``, ``targets`` and ``targets_met``,
``stage``, ``self_assessment`` and ``evaluation`` (ratings, empty when none), then per
target ``target_N_metric``, ``_unit``, ``_direction``, ``_target``, ``_latest`` (empty when
never reported) and ``_met``, for as many targets as the task in scope with the most has. A
text cell a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or CR) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from .domain.answers import TargetProgress, TaskSummary

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
    "stage",
    "self_assessment",
    "evaluation",
)
TARGET_COLUMNS = ("metric", "unit", "direction", "target", "latest", "met")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_chunks(tasks: Sequence[TaskSummary], width: int | None = None) -> Iterator[str]:
    """The CSV document in pieces of ``ROWS_PER_CHUNK`` rows, the first with the header."""
    width = max((len(task.targets) for task in tasks), default=0) if width is None else width
    yield header(width)
    for start in range(0, len(tasks), ROWS_PER_CHUNK):
        yield rows(tasks[start : start + ROWS_PER_CHUNK], width)


def header(width: int) -> str:
    """The byte order mark and the header, for tasks of at most ``width`` targets."""
    names = list(COLUMNS)
    for number in range(1, width + 1):
        names += [f"target_{number}_{name}" for name in TARGET_COLUMNS]
    return BOM + rows([names], width)


def rows(tasks: Sequence[TaskSummary] | list[list[str]], width: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for task in tasks:
        writer.writerow(task if isinstance(task, list) else _row(task, width))
    return out.getvalue()


def _row(task: TaskSummary, width: int) -> list[str | int | float]:
    row: list[str | int | float] = [
        _text(task.task_id),
        task.year,
        _text(task.unit.code),
        _text(task.unit.name),
        _text(task.registrant.id),
        _text(task.registrant.name),
        _text(task.title),
        task.category.value,
        task.kind.value,
        task.deadline.isoformat(),
        task.status,
        "" if task.progress.status is None else task.progress.status.value,
        _yes(task.progress.overdue),
        len(task.targets),
        sum(target.met for target in task.targets),
        task.stage,
        "" if task.self_assessment is None else task.self_assessment.value,
        "" if task.evaluation is None else task.evaluation.value,
    ]
    for target in task.targets:
        row += _target(target)
    return row + [""] * (len(TARGET_COLUMNS) * (width - len(task.targets)))


def _target(target: TargetProgress) -> list[str | int | float]:
    latest = "" if target.latest is None else target.latest
    return [
        _text(target.metric),
        _text(target.unit),
        target.direction.value,
        target.target,
        latest,
        _yes(target.met),
    ]


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def _yes(value: bool) -> str:
    return "yes" if value else "no"
