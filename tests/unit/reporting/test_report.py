"""Example-based tests of every report definition in the contract, with hand-computed numbers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.reporting.domain import EMPTY, build_report, evolve, fold
from services.reporting.domain.quantities import percent, total
from shared.events import Category, Direction, ProgressStatus
from tests.unit.reporting.factories import EventLog, at, target

END_OF_YEAR = date(2024, 12, 31)
MID_YEAR = date(2024, 6, 30)


def report(
    log: EventLog,
    year: int = 2024,
    *,
    unit: str | None = None,
    category: Category | None = None,
    cutoff: datetime | None = None,
    report_date: date = MID_YEAR,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The JSON document of the report over everything ``log`` recorded."""
    result = build_report(
        fold(log.events),
        year,
        unit=unit,
        category=category,
        cutoff=cutoff,
        report_date=report_date,
        as_of=as_of,
    )
    return result.model_dump(mode="json")


def test_empty_log_gives_the_contract_shape_with_zeros() -> None:
    assert build_report(EMPTY, 2024, report_date=MID_YEAR).model_dump(mode="json") == {
        "year": 2024,
        "scope": {"unit": None, "category": None, "as_of": None},
        "tasks": {"registered": 0, "pending": 0, "approved": 0, "rejected": 0},
        "registrants": {"registered": 0, "approved": 0},
        "progress": {
            "reported": 0,
            "not_reported": 0,
            "in_progress": 0,
            "completed": 0,
            "at_risk": 0,
            "overdue": 0,
        },
        "targets": {"total": 0, "met": 0},
        "by_unit": [],
        "by_category": [],
        "metrics": [],
    }


def test_full_report_for_a_small_log() -> None:
    log = EventLog()
    log.register("A", unit="U02", unit_name="Dept Two", targets=[target("projects", 26)])
    log.approve("A")
    log.progress("A", reported_at=date(2024, 5, 1), actuals={"projects": 15})
    log.register("B", registrant="r2", category=Category.other, targets=[target("projects", 4)])
    scope = {"unit": None, "category": None, "as_of": "2024-06-30"}
    assert report(log, as_of=MID_YEAR) == {
        "year": 2024,
        "scope": scope,
        "tasks": {"registered": 2, "pending": 1, "approved": 1, "rejected": 0},
        "registrants": {"registered": 2, "approved": 1},
        "progress": {
            "reported": 1,
            "not_reported": 0,
            "in_progress": 1,
            "completed": 0,
            "at_risk": 0,
            "overdue": 0,
        },
        "targets": {"total": 1, "met": 0},
        "by_unit": [
            {"code": "U01", "name": "Unit U01", "registered": 1, "approved": 0, "completed": 0,
             "targets_total": 0, "targets_met": 0},
            {"code": "U02", "name": "Dept Two", "registered": 1, "approved": 1, "completed": 0,
             "targets_total": 1, "targets_met": 0},
        ],
        "by_category": [
            {"category": "other", "registered": 1, "approved": 0, "completed": 0,
             "targets_total": 0, "targets_met": 0},
            {"category": "socio_economic", "registered": 1, "approved": 1, "completed": 0,
             "targets_total": 1, "targets_met": 0},
        ],
        "metrics": [
            {"metric": "projects", "unit": "item", "tasks": 1, "target": 26, "actual": 15,
             "percent": 57.7},
        ],
    }  # fmt: skip


def test_task_and_registrant_counts() -> None:
    log = EventLog()
    log.register("A", registrant="r1")
    log.approve("A")
    log.register("B", registrant="r1")
    log.reject("B")
    log.register("C", registrant="r2")
    log.register("D", registrant="r3")
    log.approve("D")
    log.register("E", registrant="r4", year=2025)
    log.approve("E", year=2025)
    result = report(log)
    assert result["tasks"] == {"registered": 4, "pending": 1, "approved": 2, "rejected": 1}
    assert result["registrants"] == {"registered": 3, "approved": 2}
    assert report(log, 2025)["tasks"] == {
        "registered": 1,
        "pending": 0,
        "approved": 1,
        "rejected": 0,
    }


def test_unit_and_category_filters() -> None:
    log = EventLog()
    log.register("A", unit="U01", category=Category.socio_economic)
    log.register("B", unit="U02", category=Category.socio_economic)
    log.register("C", unit="U02", category=Category.party_building, registrant="r2")
    log.approve("C")
    by_unit = report(log, unit="U02")
    assert by_unit["scope"] == {"unit": "U02", "category": None, "as_of": None}
    assert by_unit["tasks"] == {"registered": 2, "pending": 1, "approved": 1, "rejected": 0}
    assert [row["code"] for row in by_unit["by_unit"]] == ["U02"]
    both = report(log, unit="U02", category=Category.party_building)
    assert both["scope"] == {"unit": "U02", "category": "party_building", "as_of": None}
    assert both["tasks"]["registered"] == 1
    assert both["registrants"] == {"registered": 1, "approved": 1}
    assert [row["category"] for row in both["by_category"]] == ["party_building"]
    assert report(log, unit="U09")["tasks"]["registered"] == 0


def test_progress_counts_cover_approved_tasks_only() -> None:
    log = EventLog()
    for task_id, status in [("A", "in_progress"), ("B", "completed"), ("C", "at_risk")]:
        log.register(task_id)
        log.approve(task_id)
        log.progress(task_id, reported_at=date(2024, 3, 1), status=ProgressStatus(status))
    log.register("D")
    log.approve("D")
    log.register("E")  # pending, with a (stray) report: not counted in progress
    log.progress("E", reported_at=date(2024, 3, 1), status=ProgressStatus.completed)
    log.register("F")
    log.reject("F")
    assert report(log)["progress"] == {
        "reported": 3,
        "not_reported": 1,
        "in_progress": 1,
        "completed": 1,
        "at_risk": 1,
        "overdue": 0,
    }


def test_status_is_that_of_the_latest_reported_at_not_the_latest_logged() -> None:
    log = EventLog()
    log.register("A")
    log.approve("A")
    log.progress("A", reported_at=date(2024, 6, 1), status=ProgressStatus.at_risk)
    log.progress("A", reported_at=date(2024, 3, 1), status=ProgressStatus.completed)
    assert report(log)["progress"]["at_risk"] == 1
    assert report(log)["progress"]["completed"] == 0


def test_on_a_reported_at_tie_the_later_stream_position_wins_whatever_the_delivery() -> None:
    log = EventLog()
    log.register("A")
    log.approve("A")
    same_day = date(2024, 4, 1)
    later = log.progress(
        "A", reported_at=same_day, status=ProgressStatus.completed, position="1700000000009-1"
    )
    earlier = log.progress(
        "A", reported_at=same_day, status=ProgressStatus.at_risk, position="1700000000009-0"
    )
    assert log.events[-2:] == [later, earlier]  # delivered later-position first
    for events in (log.events, [*log.events[:-2], earlier, later]):
        progress = build_report(fold(events), 2024, report_date=MID_YEAR).progress
        assert (progress.completed, progress.at_risk) == (1, 0)


def test_position_order_is_numeric_not_textual() -> None:
    log = EventLog()
    log.register("A")
    log.approve("A")
    day = date(2024, 4, 1)
    log.progress("A", reported_at=day, status=ProgressStatus.completed, position="10-0")
    log.progress("A", reported_at=day, status=ProgressStatus.at_risk, position="9-0")
    assert report(log)["progress"]["completed"] == 1


def test_overdue_is_approved_not_completed_and_deadline_before_the_report_date() -> None:
    log = EventLog()
    log.register("late", deadline=date(2024, 3, 31))
    log.approve("late")
    log.progress("late", reported_at=date(2024, 3, 1), status=ProgressStatus.at_risk)
    log.register("late_unreported", deadline=date(2024, 4, 30))
    log.approve("late_unreported")
    log.register("done", deadline=date(2024, 3, 31))
    log.approve("done")
    log.progress("done", reported_at=date(2024, 3, 30), status=ProgressStatus.completed)
    log.register("due_today", deadline=date(2024, 6, 30))
    log.approve("due_today")
    log.register("pending", deadline=date(2024, 1, 31))
    log.register("rejected", deadline=date(2024, 1, 31))
    log.reject("rejected")
    assert report(log, report_date=date(2024, 6, 30))["progress"]["overdue"] == 2
    assert report(log, report_date=date(2024, 7, 1))["progress"]["overdue"] == 3
    assert report(log, report_date=date(2024, 3, 31))["progress"]["overdue"] == 0


def test_targets_met_at_least_and_at_most() -> None:
    log = EventLog()
    log.register(
        "A",
        targets=[
            target("projects", 26),  # 26 reported: met (equal counts)
            target("ha", 287),  # 286.5: not met
            target("incidents", 5, direction=Direction.at_most),  # 5: met
            target("complaints", 3, direction=Direction.at_most),  # never reported: not met
            target("products", 18),  # never reported: not met
        ],
    )
    log.approve("A")
    log.progress(
        "A", reported_at=date(2024, 5, 1), actuals={"projects": 26, "ha": 286.5, "incidents": 5}
    )
    log.register("B", targets=[target("errors", 2, direction=Direction.at_most)])
    log.approve("B")
    log.progress("B", reported_at=date(2024, 5, 1), actuals={"errors": 3})  # above: not met
    log.register("P", targets=[target("projects", 1)])  # pending: its targets do not count
    log.progress("P", reported_at=date(2024, 5, 1), actuals={"projects": 9})
    assert report(log)["targets"] == {"total": 6, "met": 2}


def test_latest_value_comes_from_the_latest_report_that_mentions_the_metric() -> None:
    log = EventLog()
    log.register("A", targets=[target("projects", 10), target("ha", 100)])
    log.approve("A")
    log.progress("A", reported_at=date(2024, 3, 1), actuals={"projects": 12, "ha": 40})
    log.progress("A", reported_at=date(2024, 4, 1), actuals={"ha": 120})  # no projects value
    log.progress("A", reported_at=date(2024, 2, 1), actuals={"projects": 1, "ha": 1})  # older
    result = report(log)
    assert result["targets"] == {"total": 2, "met": 2}
    assert [(row["metric"], row["actual"]) for row in result["metrics"]] == [
        ("ha", 120),
        ("projects", 12),
    ]


def test_metrics_sums_percent_and_order() -> None:
    log = EventLog()
    log.register(
        "A",
        targets=[
            target("projects", 26, unit="project"),
            target("disbursed", 400, unit="billion VND"),
            target("ha", 0.5, unit="ha"),
        ],
    )
    log.approve("A")
    log.progress("A", reported_at=date(2024, 5, 1), actuals={"projects": 15, "ha": 0.1})
    log.register("B", targets=[target("projects", 10, unit="project"), target("ha", 1, unit="ha")])
    log.approve("B")
    log.progress("B", reported_at=date(2024, 5, 1), actuals={"ha": 0.2})
    log.register("C", targets=[target("disbursed", 2, unit="million USD")])
    log.approve("C")
    log.register("R", targets=[target("projects", 1000, unit="project")])
    log.reject("R")
    metrics = report(log)["metrics"]
    assert metrics == [
        {"metric": "disbursed", "unit": "billion VND", "tasks": 1, "target": 400, "actual": 0,
         "percent": 0.0},
        {"metric": "disbursed", "unit": "million USD", "tasks": 1, "target": 2, "actual": 0,
         "percent": 0.0},
        {"metric": "ha", "unit": "ha", "tasks": 2, "target": 1.5, "actual": 0.3, "percent": 20.0},
        {"metric": "projects", "unit": "project", "tasks": 2, "target": 36, "actual": 15,
         "percent": 41.7},
    ]  # fmt: skip
    text = json.dumps(metrics)
    assert '"target": 36, "actual": 15,' in text  # integral sums stay integers


def test_quantities_helpers() -> None:
    assert total([1, 2, 3]) == 6
    assert isinstance(total([1, 2, 3]), int)
    assert total([0.1, 0.2]) == 0.3
    assert total([]) == 0
    assert percent(1, 16) == 6.3  # 6.25 rounds half up
    assert percent(15, 26) == 57.7
    assert percent(2, 3) == 66.7
    assert percent(30, 26) == 115.4
    assert percent(0.3, 1.5) == 20.0
    assert percent(5, 0) == 0.0


def test_by_unit_and_by_category_rows_sorting_and_omission() -> None:
    log = EventLog()
    log.register("A", unit="U03", unit_name="Old name", category=Category.party_building,
                 targets=[target("x", 1), target("y", 5)], time=at(2, 1))  # fmt: skip
    log.approve("A")
    log.progress("A", reported_at=date(2024, 5, 1), status=ProgressStatus.completed,
                 actuals={"x": 1, "y": 2})  # fmt: skip
    log.register("B", unit="U03", unit_name="New name", category=Category.other, time=at(3, 1))
    log.register("C", unit="U01", category=Category.other, targets=[target("x", 1)])
    log.approve("C")
    log.progress("C", reported_at=date(2024, 5, 1), status=ProgressStatus.completed)
    log.register("Z", unit="U00", year=2025)  # another year: U00 is left out
    result = report(log)
    assert result["by_unit"] == [
        {"code": "U01", "name": "Unit U01", "registered": 1, "approved": 1, "completed": 1,
         "targets_total": 1, "targets_met": 0},
        {"code": "U03", "name": "New name", "registered": 2, "approved": 1, "completed": 1,
         "targets_total": 2, "targets_met": 1},
    ]  # fmt: skip
    assert result["by_category"] == [
        {"category": "other", "registered": 2, "approved": 1, "completed": 1,
         "targets_total": 1, "targets_met": 0},
        {"category": "party_building", "registered": 1, "approved": 1, "completed": 1,
         "targets_total": 2, "targets_met": 1},
    ]  # fmt: skip


def test_cutoff_counts_only_events_on_or_before_it() -> None:
    log = EventLog()
    log.register("A", targets=[target("projects", 10)], time=at(2, 1))
    log.approve("A", time=at(3, 1))
    log.progress("A", reported_at=date(2024, 4, 1), actuals={"projects": 4}, time=at(4, 2))
    log.progress(
        "A",
        reported_at=date(2024, 5, 1),
        actuals={"projects": 10},
        status=ProgressStatus.completed,
        time=at(5, 2),
    )
    log.register("B", time=at(6, 1))

    def counts(cutoff: datetime) -> tuple[object, ...]:
        result = build_report(fold(log.events), 2024, cutoff=cutoff, report_date=MID_YEAR)
        return (
            result.tasks.registered,
            result.tasks.approved,
            result.progress.reported,
            result.progress.completed,
            result.targets.met,
            result.metrics[0].actual if result.metrics else None,
        )

    assert counts(at(2, 1) - timedelta(seconds=1)) == (0, 0, 0, 0, 0, None)
    assert counts(at(2, 1)) == (1, 0, 0, 0, 0, None)  # on the cutoff: counted, pending
    assert counts(at(3, 1)) == (1, 1, 0, 0, 0, 0)
    assert counts(at(4, 2)) == (1, 1, 1, 0, 0, 4)
    assert counts(at(5, 2)) == (1, 1, 1, 1, 1, 10)
    assert counts(at(6, 1)) == (2, 1, 1, 1, 1, 10)


def test_naive_cutoff_is_taken_as_utc() -> None:
    log = EventLog()
    log.register("A", time=at(2, 1, hour=12))
    naive_before = datetime(2024, 2, 1, 11, 59)
    naive_after = datetime(2024, 2, 1, 12, 0)
    assert report(log, cutoff=naive_before)["tasks"]["registered"] == 0
    assert report(log, cutoff=naive_after)["tasks"]["registered"] == 1
    assert report(log, cutoff=naive_after.replace(tzinfo=UTC))["tasks"]["registered"] == 1


def test_duplicate_deliveries_are_counted_once() -> None:
    log = EventLog()
    log.register("A", targets=[target("projects", 10)])
    log.approve("A")
    log.progress("A", reported_at=date(2024, 4, 1), actuals={"projects": 4})
    log.register("B", registrant="r2")
    once = fold(log.events)
    twice = fold(log.events + log.events[::-1])
    assert twice == once
    assert fold(log.events, once) is once
    assert evolve(once, log.events[0]) is once
    result = build_report(twice, 2024, report_date=MID_YEAR)
    assert (result.tasks.registered, result.registrants.registered) == (2, 2)
    assert (result.targets.total, result.metrics[0].actual) == (1, 4)


def test_events_before_their_registration_count_once_it_arrives() -> None:
    log = EventLog()
    registration = log.register("A", targets=[target("projects", 10)])
    approval = log.approve("A")
    progress = log.progress(
        "A", reported_at=date(2024, 4, 1), actuals={"projects": 10}, status=ProgressStatus.completed
    )
    state = fold([progress, approval])
    assert build_report(state, 2024, report_date=MID_YEAR).tasks.registered == 0  # unknown task
    state = evolve(state, registration)
    result = build_report(state, 2024, report_date=MID_YEAR)
    assert (result.tasks.approved, result.progress.completed, result.targets.met) == (1, 1, 1)
    assert state == fold(log.events)


def test_conflicting_decisions_the_earliest_counts() -> None:
    log = EventLog()
    log.register("A", time=at(2, 1))
    log.approve("A", time=at(3, 5))
    log.reject("A", time=at(3, 2))
    assert report(log)["tasks"] == {"registered": 1, "pending": 0, "approved": 0, "rejected": 1}
    assert report(log, cutoff=at(3, 3))["tasks"]["rejected"] == 1
    assert report(log, cutoff=at(3, 1))["tasks"]["pending"] == 1


def test_a_second_registration_of_a_task_is_ignored() -> None:
    log = EventLog()
    log.register("A", unit="U01", time=at(2, 1))
    log.register("A", unit="U02", time=at(2, 2))
    result = report(log)
    assert result["tasks"]["registered"] == 1
    assert [row["code"] for row in result["by_unit"]] == ["U01"]
