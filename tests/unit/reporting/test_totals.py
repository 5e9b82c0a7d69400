"""Examples of the incremental per-year totals where a task's contribution moves."""

from __future__ import annotations

from datetime import date

from services.reporting.domain import EMPTY, ProjectionState, apply_batch, build_report
from services.reporting.domain.yearly import YearlyTotals
from shared.events import Category, StoredEvent
from tests.unit.reporting.factories import EventLog, at, target

DAY = date(2024, 6, 30)


class Follower:
    """A projection and its totals, fed batch by batch as the live service is."""

    def __init__(self, max_scopes: int = 100) -> None:
        self.state: ProjectionState = EMPTY
        self.totals = YearlyTotals(max_scopes=max_scopes)

    def apply(self, *events: StoredEvent) -> None:
        self.state = apply_batch(self.state, events)
        self.totals.update(self.state, [stored.event.data.task_id for stored in events])

    def check(self, year: int = 2024, unit: str | None = None) -> dict[str, object]:
        """The incremental report, after checking it against the one from scratch."""
        fast = self.totals.report(self.state, year, unit=unit, report_date=DAY)
        assert fast == build_report(self.state, year, unit=unit, report_date=DAY)
        return fast.model_dump(mode="json")


def test_a_unit_takes_the_name_of_its_latest_registration_even_when_one_is_replaced() -> None:
    log, follower = EventLog(), Follower()
    follower.apply(log.register("A", unit="U1", unit_name="Old name", time=at(2, 1)))
    later = log.register("B", unit="U1", unit_name="New name", time=at(3, 1))
    follower.apply(later)
    assert follower.check()["by_unit"][0]["name"] == "New name"  # type: ignore[index]
    # B is registered again, earlier and elsewhere: its first registration now counts
    earlier = log.register("B", unit="U2", unit_name="Other", time=at(1, 1))
    follower.apply(earlier)
    rows = follower.check()["by_unit"]
    assert [(row["code"], row["name"]) for row in rows] == [("U1", "Old name"), ("U2", "Other")]  # type: ignore[index, union-attr]


def test_a_task_registered_again_in_another_year_moves_between_years() -> None:
    log, follower = EventLog(), Follower()
    follower.apply(log.register("A", year=2025, time=at(3, 1)), log.approve("A", year=2025))
    assert follower.check(2025)["tasks"]["approved"] == 1  # type: ignore[index]
    assert follower.check(2024)["tasks"]["registered"] == 0  # type: ignore[index]
    follower.apply(log.register("A", year=2024, time=at(2, 1)))
    assert follower.check(2025)["tasks"]["registered"] == 0  # type: ignore[index]
    assert follower.check(2024)["tasks"]["approved"] == 1  # type: ignore[index]


def test_scopes_asked_about_are_kept_up_to_date_and_the_oldest_are_let_go() -> None:
    log, follower = EventLog(), Follower(max_scopes=2)
    follower.apply(log.register("A", unit="U1", targets=[target("projects", 10)]))
    for unit in ("U1", "U2", None):
        follower.check(unit=unit)
    assert len(follower.totals.scopes) == 2, "U2 has no task: answered, not kept"
    follower.apply(
        log.approve("A"), log.progress("A", reported_at=date(2024, 5, 1), actuals={"projects": 12})
    )
    assert follower.check(unit="U1")["targets"] == {"total": 1, "met": 1}
    follower.apply(log.register("B", unit="U2", category=Category.other))
    assert follower.check(unit="U2")["tasks"]["registered"] == 1  # type: ignore[index]
    assert list(follower.totals.scopes) == [(2024, "U1", None), (2024, "U2", None)]


def test_overdue_follows_the_report_date_without_recounting() -> None:
    log, follower = EventLog(), Follower()
    follower.apply(log.register("A", deadline=date(2024, 3, 31)), log.approve("A"))
    totals, state = follower.totals, follower.state
    before = totals.report(state, 2024, report_date=date(2024, 3, 31)).progress.overdue
    after = totals.report(state, 2024, report_date=date(2024, 4, 1)).progress.overdue
    assert (before, after) == (0, 1)
