"""Properties of the fold: the report depends only on the *set* of events in the log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.domain import EMPTY, ProjectionState, build_report, evolve, fold
from shared.events import Category, Direction, ProgressStatus, StoredEvent
from tests.unit.reporting.factories import START, EventLog, target

METRICS = [
    ("projects", "project", Direction.at_least),
    ("ha", "ha", Direction.at_least),
    ("disbursed", "billion VND", Direction.at_least),
    ("incidents", "case", Direction.at_most),
]
UNITS = ["U1", "U2", "U3"]
CATEGORIES = [Category.socio_economic, Category.party_building, Category.other]
SCOPES: list[tuple[int, str | None, Category | None]] = [
    (2024, None, None),
    (2025, None, None),
    (2024, "U1", None),
    (2024, None, Category.other),
    (2025, "U2", Category.party_building),
]

# A narrow time window, so that equal event times (ties) happen often.
times = st.integers(0, 600).map(lambda minutes: START + timedelta(minutes=minutes))
targets_values = st.one_of(st.integers(1, 40), st.floats(0.1, 40).map(lambda v: round(v, 2)))
actual_values = st.one_of(st.integers(0, 50), st.floats(0, 50).map(lambda v: round(v, 2)))


@st.composite
def histories(draw: st.DrawFn) -> list[StoredEvent]:
    """A log of up to 6 tasks, in the order written; per stream, positions increase."""
    log = EventLog()
    for index in range(draw(st.integers(1, 6))):
        task_id = f"T{index}"
        year = draw(st.sampled_from([2024, 2025]))
        chosen = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=3, unique=True))
        if draw(st.integers(0, 9)) > 0:  # now and then a task's registration is missing
            log.register(
                task_id,
                year=year,
                registrant=draw(st.sampled_from(["r1", "r2", "r3", "r4"])),
                unit=draw(st.sampled_from(UNITS)),
                unit_name=draw(st.sampled_from(["Name A", "Name B"])),
                category=draw(st.sampled_from(CATEGORIES)),
                targets=[
                    target(m, draw(targets_values), unit=u, direction=d) for m, u, d in chosen
                ],
                deadline=date(year, draw(st.integers(1, 12)), 28),
                time=draw(times),
            )
        decision = draw(st.sampled_from(["none", "approve", "reject", "both"]))
        if decision in ("approve", "both"):
            log.approve(task_id, year=year, time=draw(times))
        if decision in ("reject", "both"):
            log.reject(task_id, year=year, time=draw(times))
        for _ in range(draw(st.integers(0, 4))):
            metrics = draw(st.lists(st.sampled_from([m for m, _, _ in chosen]), unique=True))
            log.progress(
                task_id,
                year=year,
                reported_at=date(year, draw(st.integers(1, 3)), 1),  # ties on reported_at
                actuals={metric: draw(actual_values) for metric in metrics},
                status=draw(st.sampled_from(list(ProgressStatus))),
                time=draw(times),
            )
    return log.events


def reports(
    state: ProjectionState, cutoff: datetime | None, report_date: date
) -> list[dict[str, Any]]:
    return [
        build_report(
            state, year, unit=unit, category=category, cutoff=moment, report_date=report_date
        ).model_dump(mode="json")
        for year, unit, category in SCOPES
        for moment in (None, cutoff)
    ]


cutoffs = st.one_of(st.none(), times)
report_dates = st.dates(date(2024, 1, 1), date(2026, 1, 1))


@settings(max_examples=100, deadline=None)
@given(history=histories(), data=st.data())
def test_any_interleaving_with_duplicates_gives_the_same_report(
    history: list[StoredEvent], data: st.DataObject
) -> None:
    copies = st.lists(st.sampled_from(history), max_size=len(history)) if history else st.just([])
    duplicates = data.draw(copies)
    delivered = data.draw(st.permutations(history + duplicates))
    cutoff, report_date = data.draw(cutoffs), data.draw(report_dates)
    expected = fold(history)

    shuffled = fold(delivered)
    one_by_one = reduce(evolve, delivered, EMPTY)

    assert shuffled == expected
    assert one_by_one == expected
    assert reports(shuffled, cutoff, report_date) == reports(expected, cutoff, report_date)
    assert reports(one_by_one, cutoff, report_date) == reports(expected, cutoff, report_date)


@settings(max_examples=100, deadline=None)
@given(history=histories(), cutoff=cutoffs, report_date=report_dates)
def test_folding_the_same_events_twice_equals_folding_them_once(
    history: list[StoredEvent], cutoff: datetime | None, report_date: date
) -> None:
    once = fold(history)
    assert fold(history + history) == once
    assert fold(history, once) is once
    assert reports(fold(history + history), cutoff, report_date) == reports(
        once, cutoff, report_date
    )


@settings(max_examples=100, deadline=None)
@given(history=histories(), cutoff=cutoffs, report_date=report_dates)
def test_report_totals_agree_with_each_other(
    history: list[StoredEvent], cutoff: datetime | None, report_date: date
) -> None:
    for document in reports(fold(history), cutoff, report_date):
        tasks, progress, targets = document["tasks"], document["progress"], document["targets"]
        assert tasks["registered"] == tasks["pending"] + tasks["approved"] + tasks["rejected"]
        assert progress["reported"] + progress["not_reported"] == tasks["approved"]
        statuses = progress["in_progress"] + progress["completed"] + progress["at_risk"]
        assert statuses == progress["reported"]
        assert progress["overdue"] <= tasks["approved"] - progress["completed"]
        assert document["registrants"]["approved"] <= document["registrants"]["registered"]
        assert targets["met"] <= targets["total"] == sum(m["tasks"] for m in document["metrics"])
        for rows in (document["by_unit"], document["by_category"]):
            assert sum(row["registered"] for row in rows) == tasks["registered"]
            assert sum(row["approved"] for row in rows) == tasks["approved"]
            assert sum(row["completed"] for row in rows) == progress["completed"]
            assert sum(row["targets_total"] for row in rows) == targets["total"]
            assert sum(row["targets_met"] for row in rows) == targets["met"]
            assert all(row["registered"] > 0 for row in rows)
        keys = [(m["metric"], m["unit"]) for m in document["metrics"]]
        assert keys == sorted(keys)
        assert [row["code"] for row in document["by_unit"]] == sorted(
            row["code"] for row in document["by_unit"]
        )
