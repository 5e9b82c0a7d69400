"""Every count of the report (contract v1 and 1.1) over small hand-built logs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.events import Category, Direction, ProgressStatus, Rating
from tests.unit.reporting.factories import Log, target
from tests.unit.reporting.projecting import report

ZERO_EVALUATION = {
    "excellent": 0,
    "good": 0,
    "completed": 0,
    "not_completed": 0,
    "not_evaluated": 0,
}


def test_an_empty_year_has_the_contract_shape_with_zeros() -> None:
    assert report([]) == {
        "year": 2024,
        "scope": {"unit": None, "category": None, "as_of": None, "committee": None},
        "tasks": {
            "registered": 0,
            "pending": 0,
            "approved": 0,
            "rejected": 0,
            "withdrawn": 0,
            "returned": 0,
        },
        "registrants": {"registered": 0, "approved": 0, "expected": None, "not_registered": None},
        "progress": {
            "reported": 0,
            "not_reported": 0,
            "in_progress": 0,
            "completed": 0,
            "at_risk": 0,
            "overdue": 0,
            "completed_on_time": 0,
            "completed_late": 0,
        },
        "targets": {"total": 0, "met": 0},
        "evaluation": ZERO_EVALUATION,
        "by_unit": [],
        "by_category": [],
        "metrics": [],
        "closed": False,
        "by_committee": [
            {
                "code": "root",
                "name": "",
                "parent": None,
                "registered": 0,
                "approved": 0,
                "completed": 0,
                "evaluation": ZERO_EVALUATION,
            }
        ],
        "compare": None,
    }


def test_task_counts_by_state() -> None:
    log = Log()
    for task in "ABCDEFG":
        log.register(task, registrant=f"r-{task}")
    log.approve("A")
    log.approve("B")
    log.self_assess("B", Rating.good)
    log.approve("C")
    log.evaluate("C", Rating.excellent)
    log.reject("D")
    log.withdraw("E")
    log.return_("F")
    counts = report(log.events)["tasks"]
    # approved counts self-assessed and evaluated tasks; pending only pending ones
    assert counts == {
        "registered": 7,
        "pending": 1,
        "approved": 3,
        "rejected": 1,
        "withdrawn": 1,
        "returned": 1,
    }


def test_a_returned_task_amended_is_pending_again_and_may_be_withdrawn() -> None:
    log = Log()
    log.register("A")
    log.return_("A")
    log.register("A", amend=True, unit="U02")
    log.register("B", registrant="r2")
    log.return_("B")
    log.withdraw("B")
    answer = report(log.events)
    assert answer["tasks"]["pending"] == 1
    assert answer["tasks"]["withdrawn"] == 1
    assert [row["code"] for row in answer["by_unit"]] == ["u01", "u02"]


def test_registrants_are_one_person_whatever_the_case_of_their_id() -> None:
    log = Log()
    log.register("A", registrant="Hung")
    log.register("B", registrant="hung")
    log.register("C", registrant="lan")
    log.approve("B")
    assert report(log.events)["registrants"] == {
        "registered": 2,
        "approved": 1,
        "expected": None,
        "not_registered": None,
    }


def test_the_roster_says_who_is_expected_and_who_has_no_live_task() -> None:
    log = Log()
    log.roster({"hung": "U01", "lan": "U01", "minh": "U02", "tuan": "U02"}, at=log.clock)
    log.register("A", registrant="HUNG")  # pending: live
    log.register("B", registrant="lan")
    log.withdraw("B")  # no live task left
    log.register("C", registrant="minh", unit="U02")
    log.reject("C")
    answer = report(log.events)
    assert answer["registrants"]["expected"] == 4
    assert answer["registrants"]["not_registered"] == 3
    unit = report(log.events, unit="u02")["registrants"]
    assert (unit["expected"], unit["not_registered"]) == (2, 2)


def test_the_roster_published_last_is_in_force() -> None:
    log = Log()
    first = log.roster({"a": "U01"})
    last = log.roster({"a": "U01", "b": "U01"}, at=first.time.replace(year=2023))
    assert last.time < first.time  # stamped earlier (an import, a clock): published later
    assert report(log.events)["registrants"]["expected"] == 2


def test_progress_comes_from_the_latest_report() -> None:
    log = Log()
    for task in "ABCD":
        log.register(task, registrant=f"r-{task}", deadline=date(2024, 3, 31))
        log.approve(task)
    log.progress("A", reported_at=date(2024, 5, 1), status=ProgressStatus.completed)
    log.progress("A", reported_at=date(2024, 4, 1), status=ProgressStatus.at_risk)  # older
    log.progress(
        "B",
        reported_at=date(2024, 2, 1),
        status=ProgressStatus.completed,
        at=datetime(2024, 2, 1, 3, tzinfo=UTC),
    )
    log.progress("C", reported_at=date(2024, 5, 1), status=ProgressStatus.completed)
    log.progress("C", reported_at=date(2024, 5, 1), status=ProgressStatus.at_risk)  # tie: later
    assert report(log.events)["progress"] == {
        "reported": 3,
        "not_reported": 1,
        "in_progress": 0,
        "completed": 2,
        "at_risk": 1,
        "overdue": 2,  # C and D: approved, not completed, deadline before today
        "completed_on_time": 1,  # B on 2024-02-01
        "completed_late": 1,  # A first completed on 2024-05-01, after 2024-03-31
    }


def test_only_approved_tasks_count_in_progress_and_targets() -> None:
    log = Log()
    log.register("A", targets=[target("projects", 10)])
    log.progress("A", reported_at=date(2024, 2, 1), actuals={"projects": 20})
    assert report(log.events)["progress"]["reported"] == 0
    assert report(log.events)["targets"] == {"total": 0, "met": 0}


def test_targets_met_by_direction() -> None:
    log = Log()
    targets = [
        target("projects", 10),
        target("late records", 5, direction=Direction.at_most),
        target("poor households", 3, direction=Direction.at_most),
    ]
    log.register("A", targets=targets)
    log.approve("A")
    log.progress("A", reported_at=date(2024, 2, 1), actuals={"projects": 10, "late records": 5})
    # at_most with no value reported is not met
    assert report(log.events)["targets"] == {"total": 3, "met": 2}


def test_metrics_sum_targets_and_latest_values_and_round_percent_half_up() -> None:
    log = Log()
    log.register("A", targets=[target("ha", 8, unit="ha")])
    log.register("B", registrant="r2", targets=[target("ha", 8, unit="ha")])
    log.register("C", registrant="r3", targets=[target("ha", 100, unit="m2")])
    for task in "ABC":
        log.approve(task)
    log.progress("A", reported_at=date(2024, 2, 1), actuals={"ha": 0.5})
    log.progress("A", reported_at=date(2024, 3, 1), actuals={"ha": 1})
    assert report(log.events)["metrics"] == [
        {"metric": "ha", "unit": "ha", "tasks": 2, "target": 16, "actual": 1, "percent": 6.3},
        {"metric": "ha", "unit": "m2", "tasks": 1, "target": 100, "actual": 0, "percent": 0.0},
    ]


def test_float_sums_are_exact_and_shown_rounded() -> None:
    log = Log()
    log.register("A", targets=[target("x", 0.1)])
    log.register("B", registrant="r2", targets=[target("x", 0.2)])
    log.approve("A")
    log.approve("B")
    [row] = report(log.events)["metrics"]
    assert row["target"] == 0.3


def test_rows_by_unit_and_category_with_evaluations() -> None:
    log = Log()
    log.register("A", unit="U02", unit_name="old name", category=Category.other)
    log.register("B", unit="u02", unit_name="Unit Two", registrant="r2")
    log.register("C", unit="U01", registrant="r3")
    for task in "AB":
        log.approve(task)
    log.evaluate("A", Rating.good)
    log.progress("B", reported_at=date(2024, 2, 1), status=ProgressStatus.completed)
    answer = report(log.events)
    evaluated = {**ZERO_EVALUATION, "good": 1, "not_evaluated": 1}
    assert answer["by_unit"] == [
        {
            "code": "u01",
            "name": "Unit One",
            "registered": 1,
            "approved": 0,
            "completed": 0,
            "targets_total": 0,
            "targets_met": 0,
            "evaluation": ZERO_EVALUATION,
            "previous": None,
        },
        {  # one unit, whatever the case of its code: named as its latest registration
            "code": "u02",
            "name": "Unit Two",
            "registered": 2,
            "approved": 2,
            "completed": 1,
            "targets_total": 2,
            "targets_met": 0,
            "evaluation": evaluated,
            "previous": None,
        },
    ]
    assert [row["category"] for row in answer["by_category"]] == ["other", "socio_economic"]
    assert answer["evaluation"] == evaluated


def test_a_unit_on_the_roster_is_named_as_the_roster_names_it() -> None:
    log = Log()
    log.roster({"r1": "U01"})
    log.register("A", unit="u01", unit_name="whatever")
    assert report(log.events)["by_unit"][0]["code"] == "u01"
    assert report(log.events)["by_unit"][0]["name"] == "Roster U01"


def test_scope_by_unit_and_category() -> None:
    log = Log()
    log.register("A", unit="U01", category=Category.other)
    log.register("B", unit="U02", registrant="r2")
    log.register("C", unit="u01", registrant="r3")
    assert report(log.events, unit="U01")["tasks"]["registered"] == 2
    assert report(log.events, unit="U01", category=Category.other)["tasks"]["registered"] == 1
    assert report(log.events, unit="nowhere")["by_unit"] == []


def test_other_years_do_not_count_and_a_closed_year_says_so() -> None:
    log = Log()
    log.register("A")
    log.register("B", year=2025)
    log.close(2024)
    answer = report(log.events)
    assert answer["tasks"]["registered"] == 1
    assert answer["closed"] is True
    assert report(log.events, 2025)["closed"] is False
