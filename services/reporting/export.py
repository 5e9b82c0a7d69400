"""``GET /reports/{year}.csv``: a row per task in scope (RFC 4180, UTF-8 with a BOM); a cell a
spreadsheet would run as a formula gets an apostrophe, a control character is left out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from shared.edge.views import TaskView

from .projection import Tracked

BOM, ROWS_PER_PIECE = "\ufeff", 500
COLUMNS = (  # noqa: SIM905 (one line, not twenty)
    "task_id year unit_code unit registrant_id registrant title category kind deadline status "
    "progress overdue targets targets_met stage self_assessment evaluation managed_by continues"
).split()
TARGET_COLUMNS = ("metric", "unit", "direction", "target", "latest", "met")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
Cell = str | int | float


async def csv_pieces(
    tasks: Sequence[Tracked], views: Callable[[Sequence[Tracked]], Awaitable[list[TaskView]]]
) -> AsyncIterator[bytes]:
    """The document a piece at a time, each piece's tasks viewed (read back) as it goes."""
    width = max((len(task.state.targets) for task in tasks if task.state), default=0)
    yield header(width).encode()
    for start in range(0, len(tasks), ROWS_PER_PIECE):
        yield rows(await views(tasks[start : start + ROWS_PER_PIECE]), width).encode()


def header(width: int) -> str:
    """The byte order mark and the header, for tasks of at most ``width`` targets."""
    names = [*COLUMNS]
    for number in range(1, width + 1):
        names += [f"target_{number}_{name}" for name in TARGET_COLUMNS]
    return BOM + _lines([names])


def rows(tasks: Sequence[TaskView], width: int) -> str:
    return _lines([row(task, width) for task in tasks])


def _lines(cells: Sequence[Sequence[Cell]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(cells)
    return out.getvalue()


def row(task: TaskView, width: int) -> list[Cell]:
    """A task's cells, its targets' padded to ``width`` targets."""
    assessed, evaluated = task.self_assessment, task.evaluation
    cells: list[Cell] = [
        *(task.task_id, task.year, task.unit.code, task.unit.name, task.registrant.id),
        *(task.registrant.name, task.title, task.category.value, task.kind.value),
        *(task.deadline.isoformat(), task.status.value, task.progress.status or ""),
        *(_yes(task.progress.overdue), len(task.targets), sum(t.met for t in task.targets)),
        *(task.stage, assessed.rating.value if assessed else ""),
        *(evaluated.rating.value if evaluated else "", task.managed_by, task.continues or ""),
    ]
    for t in task.targets:
        latest = "" if t.latest is None else t.latest
        cells += [t.metric, t.unit, t.direction.value, t.target, latest, _yes(t.met)]
    cells += [""] * (len(TARGET_COLUMNS) * (width - len(task.targets)))
    return [_text(cell) if isinstance(cell, str) else cell for cell in cells]


def _text(value: str) -> str:
    value = _CONTROL.sub("", value)
    return "'" + value if value.startswith(_FORMULA) else value


def _yes(value: bool) -> str:
    return "yes" if value else "no"
