"""The CSV: a BOM, CRLF rows, the 1.1 columns, one set of target columns per target, and no
cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

from services.reporting.export import BOM, COLUMNS, header, rows
from shared.domain.events import ProgressStatus, Rating
from tests.unit.reporting.factories import Log, target
from tests.unit.reporting.projecting import project, views


def table(log: Log) -> list[dict[str, str]]:
    shown = views(project(log.events), log.events)
    width = max((len(view.targets) for view in shown), default=0)
    text = header(width) + rows(shown, width)
    assert text.startswith(BOM)
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_one_row_per_task_with_its_targets_stage_and_ratings() -> None:
    log = Log()
    log.register("A", targets=[target("projects", 10), target("ha", 5, unit="ha")])
    log.approve("A")
    log.progress(
        "A", reported_at=date(2024, 2, 1), actuals={"ha": 6.5}, status=ProgressStatus.at_risk
    )
    log.self_assess("A", Rating.good)
    log.evaluate("A", Rating.excellent)
    log.register("B", registrant="r2")
    a, b = table(log)
    assert list(a)[: len(COLUMNS)] == list(COLUMNS)
    assert (a["status"], a["stage"], a["progress"]) == ("approved", "evaluated", "at_risk")
    assert (a["self_assessment"], a["evaluation"]) == ("good", "excellent")
    assert (a["targets"], a["targets_met"]) == ("2", "1")
    assert (a["target_2_metric"], a["target_2_latest"], a["target_2_met"]) == ("ha", "6.5", "yes")
    assert (a["target_1_latest"], a["target_1_met"]) == ("", "no")
    assert (b["status"], b["stage"], b["target_2_metric"]) == ("pending", "pending", "")


def test_formula_like_text_is_quoted_out() -> None:
    log = Log()
    log.register(
        "A", unit="=cmd|' /C calc'!A0", unit_name="+1", registrant="-r", targets=[target("@sum", 1)]
    )
    [row] = table(log)
    assert row["unit_code"] == "'=cmd|' /c calc'!a0"  # a code in its one form: lower case
    assert row["unit"] == "'+1"
    assert row["registrant_id"] == "'-r"
    assert row["target_1_metric"] == "'@sum"


def test_a_control_character_in_the_log_breaks_no_spreadsheet() -> None:
    log = Log()
    log.register("A", unit_name="Huy\x00ện\x1b Kim Thành")
    [row] = table(log)
    assert row["unit"] == "Huyện Kim Thành"


def test_no_task_is_a_header_alone() -> None:
    assert header(0) + rows([], 0) == BOM + ",".join(COLUMNS) + "\r\n"
