"""The year's CSV in the office's form: reporting's CSV (``GET /reports/{year}.csv``, for
programs: English keys, codes, ISO dates, ``1234.5``) rewritten for a spreadsheet on an
office computer, in the reader's language.

Vietnamese: headers and codes in Vietnamese (``Lĩnh vực``, ``Chờ duyệt``, ``Có``/``Không``),
dates ``dd/mm/yyyy``, numbers ``1.234,5``, cells separated by ``;`` (the list separator of
Vietnamese Windows, so that Excel opens it in columns with a double click). English: the
same in English, ``1,234.5`` and ``,``. UTF-8 with a byte order mark, CRLF line ends. A
column reporting adds later is kept as it comes, under its own name. A cell reporting
already guarded against being read as a formula (a leading apostrophe) stays guarded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from .i18n import Translator, to_date

BOM = "\ufeff"
SEPARATORS = {"vi": ";", "en": ","}
_TARGET = re.compile(r"target_(\d+)_(\w+)")
HEADERS = {
    "task_id": "xlsx.task_id",
    "year": "xlsx.year",
    "unit_code": "xlsx.unit_code",
    "unit": "xlsx.unit",
    "registrant_id": "xlsx.registrant_id",
    "registrant": "xlsx.registrant",
    "title": "xlsx.title",
    "category": "xlsx.category",
    "kind": "xlsx.kind",
    "deadline": "xlsx.deadline",
    "status": "xlsx.registration_status",
    "progress": "xlsx.progress",
    "overdue": "xlsx.overdue",
    "targets": "xlsx.targets",
    "targets_met": "xlsx.targets_met",
    "stage": "xlsx.status",
    "self_assessment": "xlsx.self_assessment",
    "evaluation": "xlsx.evaluation",
}
TARGET_HEADERS = {
    "metric": "xlsx.target_metric",
    "unit": "xlsx.target_measure",
    "direction": "xlsx.target_direction",
    "target": "xlsx.target_target",
    "latest": "xlsx.target_latest",
    "met": "xlsx.target_met",
}


def office_csv(data: str, t: Translator) -> bytes:
    """Reporting's CSV text (``data``) in the office's form, as bytes."""
    rows = csv.reader(io.StringIO(data.removeprefix(BOM)))
    header = next(rows, None)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATORS.get(t.lang, ","), lineterminator="\r\n")
    if header is None:
        return (BOM + out.getvalue()).encode()
    writer.writerow([_header(name, t) for name in header])
    shown = [_cell(name, t) for name in header]
    for row in rows:
        writer.writerow([show(value) for show, value in zip(shown, row, strict=False)])
    return (BOM + out.getvalue()).encode()


def _header(name: str, t: Translator) -> str:
    if name in HEADERS:
        return t(HEADERS[name])
    found = _TARGET.fullmatch(name)
    if found and found.group(2) in TARGET_HEADERS:
        return t(TARGET_HEADERS[found.group(2)], n=found.group(1))
    return name


def _cell(name: str, t: Translator) -> Callable[[str], str]:
    """How a column's values are shown."""
    found = _TARGET.fullmatch(name)
    part = found.group(2) if found else name
    labels = {
        "category": "category",
        "kind": "kind",
        "status": "status",
        "stage": "stage",
        "progress": "progress",
        "self_assessment": "rating",
        "evaluation": "rating",
        "direction": "direction",
    }
    if part in labels and (found is None or part == "direction"):
        kind = labels[part]
        return lambda value: t.label(kind, value)
    if part in ("overdue", "met"):
        return lambda value: {"yes": t("xlsx.yes"), "no": t("xlsx.no")}.get(value, value)
    if part == "deadline":
        return lambda value: t.date(to_date(value)) or value
    if part in ("targets", "targets_met") or (found and part in ("target", "latest")):
        return lambda value: _number(value, t)
    return lambda value: value


def _number(value: str, t: Translator) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    return t.number(int(number) if number.is_integer() else number)
