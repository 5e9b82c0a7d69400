"""The CSV export: a spreadsheet-friendly file, one row per task, a column group per target."""

from __future__ import annotations

import csv
import io
from datetime import date

from services.reporting.domain import fold, tasks_in_scope
from services.reporting.export import csv_chunks
from shared.events import Direction, ProgressStatus
from tests.unit.reporting.factories import EventLog, target


def rows(log: EventLog, day: date = date(2024, 12, 31)) -> tuple[str, list[dict[str, str]]]:
    text = "".join(csv_chunks(tasks_in_scope(fold(log.events), 2024), day))
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_one_row_per_task_with_each_target_latest_value_and_met() -> None:
    log = EventLog()
    log.register("A", unit_name="Huyện Kim Thành", targets=[target("ha", 287)])
    log.approve("A")
    log.progress("A", reported_at=date(2024, 5, 1), actuals={"ha": 300},
                 status=ProgressStatus.completed)  # fmt: skip
    log.register(
        "B", targets=[target("projects", 26), target("late", 5, direction=Direction.at_most)]
    )
    text, table = rows(log)
    assert text.startswith("\ufefftask_id,year,unit_code,unit,")
    assert "\r\n" in text
    first, second = table
    assert (first["unit"], first["status"], first["progress"]) == (
        "Huyện Kim Thành",
        "approved",
        "completed",
    )
    assert (first["target_1_latest"], first["target_1_met"], first["targets_met"]) == (
        "300",
        "yes",
        "1",
    )
    assert (first["target_2_metric"], second["status"], second["progress"]) == ("", "pending", "")
    assert (second["target_2_direction"], second["target_2_latest"]) == ("at_most", "")


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted_with_an_apostrophe() -> None:
    log = EventLog()
    log.register("A", unit_name='=HYPERLINK("http://x")')
    _, table = rows(log)
    assert table[0]["unit"] == '\'=HYPERLINK("http://x")'


def test_an_empty_scope_is_a_header_only() -> None:
    text, table = rows(EventLog())
    assert table == []
    assert text.count("\r\n") == 1
